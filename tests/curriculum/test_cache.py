"""
The per-process cache of pages built from the curriculum: every way content
changes reaches the next request, and nothing else is rebuilt.
"""

import pytest
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse

from curriculum import cache
from curriculum.models import CurriculumVersion
from quizzes.interchange import check_document
from quizzes.models import Attempt, Question, Topic
from quizzes.services import questions_import
from responsibility.models import ResponsibilityArea
from tests.quizzes.bank import BANK

pytestmark = pytest.mark.django_db

MATRIX = reverse("responsibility:matrix")


def _token() -> str:
    return CurriculumVersion.objects.get(pk=1).token


def test_an_edit_saved_in_this_process_shows_on_the_next_request(client, content):
    area = ResponsibilityArea.objects.get(slug="backups")
    assert area.name in client.get(MATRIX).content.decode()
    area.name = "Snapshots and restores"
    area.save()
    assert "Snapshots and restores" in client.get(MATRIX).content.decode()


def test_an_admin_edit_shows_on_the_matrix(client, admin_user, content):
    area = ResponsibilityArea.objects.get(slug="backups")
    client.force_login(admin_user)
    client.get(MATRIX)
    response = client.post(
        reverse("admin:responsibility_responsibilityarea_change", args=[area.pk]),
        {"slug": area.slug, "name": "Keeping copies", "order": area.order,
         "description": area.description},
    )  # fmt: skip
    assert response.status_code == 302
    assert "Keeping copies" in client.get(MATRIX).content.decode()


def test_an_edit_from_another_server_shows_once_the_token_changes(client, content):
    """Another process's edit reaches this one only through the shared token."""
    client.get(MATRIX)
    # What another app server's save does: new content and a new token, with
    # none of this process's signal handlers running.
    ResponsibilityArea.objects.filter(slug="backups").update(name="Copies elsewhere")
    assert "Copies elsewhere" not in client.get(MATRIX).content.decode()
    CurriculumVersion.objects.filter(pk=1).update(token="set-by-another-server")
    assert "Copies elsewhere" in client.get(MATRIX).content.decode()


def test_a_rolled_back_edit_leaves_the_page_as_the_database_has_it(client, content):
    name = ResponsibilityArea.objects.get(slug="backups").name
    with pytest.raises(RuntimeError), transaction.atomic():
        ResponsibilityArea.objects.filter(slug="backups").update(name="Never saved")
        cache.content_changed()
        assert "Never saved" in client.get(MATRIX).content.decode()
        raise RuntimeError("roll back")
    html = client.get(MATRIX).content.decode()
    assert "Never saved" not in html
    assert name in html


def test_the_cached_matrix_costs_no_content_query(
    client, content, django_assert_max_num_queries
):
    client.get(MATRIX)
    # The curriculum token only: no area, category or duty is read again.
    with django_assert_max_num_queries(1):
        client.get(MATRIX)


def test_a_question_edit_reaches_an_attempt_in_progress(client, alice, bank):
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=["basics"]))
    attempt = Attempt.objects.latest("pk")
    url = reverse("quizzes:question", args=[attempt.pk, 1])
    client.get(url)
    question = Question.objects.get(pk=attempt.question_ids[0])
    question.prompt = "A reworded prompt for this question"
    question.save()
    assert "A reworded prompt for this question" in client.get(url).content.decode()


def test_a_warm_quiz_start_reads_no_quiz_content(client, alice, bob, bank):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    client.post(reverse("quizzes:start", args=["timed"]))
    client.force_login(bob)
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("quizzes:start", args=["timed"]))
    content = ('"quizzes_quiz"', '"quizzes_question', '"quizzes_choice"',
               '"quizzes_quizdraw"', '"quizzes_quizquestion"')  # fmt: skip
    assert not [q for q in queries if any(table in q["sql"] for table in content)]
    assert Attempt.objects.filter(user=bob).count() == 1


def test_a_change_to_a_drawn_topic_reaches_the_next_draw(client, alice, bob, bank):
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=["timed"]))
    # Leave one question in the topic the quiz draws from: the one added now.
    topic = Topic.objects.get(slug="iam-groups")
    newcomer = Question.objects.exclude(topics=topic).exclude(slug="name-effect")[0]
    for question in topic.questions.all():
        question.topics.remove(topic)
    newcomer.topics.add(topic)
    client.force_login(bob)
    client.post(reverse("quizzes:start", args=["timed"]))
    assert Attempt.objects.get(user=bob).question_ids[1:] == [newcomer.pk]


def test_a_changed_choice_reaches_the_question_page(client, alice, bank):
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=["basics"]))
    attempt = Attempt.objects.latest("pk")
    question = Question.objects.filter(
        pk__in=attempt.question_ids, choices__isnull=False
    ).first()
    url = reverse(
        "quizzes:question",
        args=[attempt.pk, attempt.question_ids.index(question.pk) + 1],
    )
    client.get(url)
    choice = question.choices.first()
    choice.text = "A choice written again"
    choice.save()
    assert "A choice written again" in client.get(url).content.decode()


def test_imports_replace_the_token_even_for_bulk_writes(content):
    cache.content_changed()
    before = _token()
    questions_import(document=check_document(BANK))
    assert _token() != before


def test_many_to_many_changes_replace_the_token(bank):
    question = Question.objects.filter(type="sort").first()
    before = _token()
    question.sort_areas.clear()
    assert _token() != before


def test_a_request_that_changes_content_reads_the_new_token():
    request = RequestFactory().get("/")
    first = cache.current_version(request)
    assert cache.current_version(request) == first  # read once per request
    cache.content_changed()
    assert cache.current_version(request) != first


def test_cached_content_tag_varies_on_its_arguments(content):
    template = Template(
        '{% load curriculum %}{% cachedcontent "greeting" who %}Hello {{ who }}'
        "{% endcachedcontent %}"
    )
    request = RequestFactory().get("/")
    assert template.render(Context({"who": "Ann", "request": request})) == "Hello Ann"
    assert template.render(Context({"who": "Bo", "request": request})) == "Hello Bo"


def test_cached_content_tag_needs_a_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load curriculum %}{% cachedcontent %}x{% endcachedcontent %}")


def test_a_cached_value_is_a_copy_that_no_other_request_sees_changed(bank):
    def build():
        with_choices = Question.objects.filter(choices__isnull=False)
        return with_choices.prefetch_related("choices").first()

    first = cache.cached(RequestFactory().get("/"), "copy-test", build)
    first.prompt = "Changed by one request only"
    first.choices.all()[0].text = "Changed as well"
    second = cache.cached(RequestFactory().get("/"), "copy-test", build)
    assert second is not first
    assert second.prompt != "Changed by one request only"
    assert second.choices.all()[0].text != "Changed as well"


def test_a_build_that_returns_nothing_is_cached_too(content):
    calls = []

    def build():
        calls.append(1)

    request = RequestFactory().get("/")
    assert cache.cached(request, "nothing", build) is None
    assert cache.cached(request, "nothing", build) is None
    assert calls == [1]


def test_each_content_app_declares_its_content_models():
    labels = {model._meta.label for model in cache.content_models()}
    assert {
        "responsibility.Duty",
        "quizzes.Question",
        "curriculum.Topic",
        "responsibility.TopicStudy",
        "exercises.Exercise",
    } <= labels
    assert (
        not {
            "quizzes.Attempt",
            "exercises.Submission",
            "curriculum.CurriculumVersion",
        }
        & labels
    )

"""The progress page groups topics as the guides do and says where to go next."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from labs.models import Lab
from quizzes.models import Question, Quiz, Topic
from quizzes.selectors import (
    OTHER_TOPICS,
    TopicMastery,
    progress_by_guide,
    topic_mastery,
    where_next,
)
from quizzes.services import attempt_start, attempt_submit
from responsibility.models import Guide, ResponsibilityArea, Service, ServiceCategory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    """The shipped curriculum, loaded once for this module and removed after it."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
    yield
    with django_db_blocker.unblock():
        for model in (Lab, Quiz, Question, Topic, Guide, Service, ServiceCategory):
            model.objects.all().delete()
        ResponsibilityArea.objects.all().delete()


def _mastered(groups, count, mastery=0.9):
    """Masteries for every topic of the first `count` groups."""
    return [
        TopicMastery(topic=t.topic, mastery=mastery, answered=2, study_links=[])
        for group in groups[:count]
        for t in group.topics
    ]


def test_every_topic_with_questions_sits_under_its_guide_in_guide_order(shipped, db):
    groups = progress_by_guide([])
    guides = [g for g in groups if g.url is not None]
    studied = Guide.objects.filter(topic_studies__topic__questions__isnull=False)
    order = list(studied.distinct().order_by("order", "title"))
    assert [g.title for g in guides] == [g.title for g in order]
    assert guides[0].url == order[0].get_absolute_url()
    for group in guides:
        for standing in group.topics:
            assert standing.topic.study.guide.title == group.title
            assert standing.mastery is None and standing.answered == 0
    listed = {t.topic.pk for g in groups for t in g.topics}
    with_questions = Topic.objects.filter(questions__isnull=False).distinct()
    assert listed == set(with_questions.values_list("pk", flat=True))


def test_topics_without_a_guide_come_last_as_other_topics(shipped, db):
    groups = progress_by_guide([])
    assert groups[-1].title == OTHER_TOPICS
    assert groups[-1].url is None
    without_guide = (
        Topic.objects.filter(questions__isnull=False)
        .exclude(study__guide__isnull=False)
        .distinct()
    )
    assert without_guide.exists()
    assert {t.topic.pk for t in groups[-1].topics} == set(
        without_guide.values_list("pk", flat=True)
    )
    assert all(g.url for g in groups[:-1])


def test_where_next_is_the_first_guide_with_unanswered_or_weak_topics(shipped, db):
    groups = progress_by_guide([])
    assert where_next(groups) == groups[0]
    later = progress_by_guide(_mastered(groups, 1))
    assert not later[0].needs_work
    assert where_next(later) == later[1]
    weak = progress_by_guide(_mastered(groups, 1, mastery=0.5))
    assert where_next(weak) == weak[0]
    assert weak[0].below_review == len(weak[0].topics)
    assert weak[0].unanswered == 0


def test_where_next_is_none_when_every_topic_is_mastered(shipped, db):
    groups = progress_by_guide([])
    assert where_next(progress_by_guide(_mastered(groups, len(groups)))) is None


def test_a_new_trainee_sees_every_guide_and_where_to_start(shipped, client, alice):
    client.force_login(alice)
    page = client.get(reverse("quizzes:progress")).content.decode()
    first = (
        Guide.objects.filter(topic_studies__topic__questions__isnull=False)
        .order_by("order", "title")
        .first()
    )
    assert "Where to go next" in page
    assert f'<a href="{first.get_absolute_url()}">Guide: {first.title}</a>' in page
    assert "not answered yet" in page
    assert "Mastery by guide" in page
    studied = Guide.objects.filter(topic_studies__topic__questions__isnull=False)
    assert studied.exists()
    for guide in studied.distinct():
        assert guide.get_absolute_url() in page
    assert OTHER_TOPICS in page


def test_after_a_quiz_the_page_shows_mastery_under_each_guide(shipped, client, alice):
    quiz = Quiz.objects.get(slug="shared-responsibility-basics")
    attempt_submit(attempt=attempt_start(quiz=quiz, user=alice))
    groups = progress_by_guide(topic_mastery(alice))
    group, standing = next(
        (group, t)
        for group in groups
        for t in group.topics
        if t.topic.slug == "shared-responsibility-model"
    )
    assert (
        group.url == Guide.objects.get(slug="shared-responsibility").get_absolute_url()
    )
    assert standing.answered > 0
    assert standing.needs_work
    assert group.below_review >= 1
    client.force_login(alice)
    page = client.get(reverse("quizzes:progress")).content.decode()
    assert 'aria-label="The shared responsibility model mastery"' in page
    assert "below 80%" in page


def test_the_progress_page_reads_in_a_few_queries(
    shipped, client, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quizzes:progress")).status_code == 200

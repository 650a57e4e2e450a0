"""The question form's sections per type, and the preview of unsaved edits."""

import pytest
from django.urls import reverse

from quizzes.models import Choice, Question
from tests.quizzes.test_admin import _question_post

pytestmark = pytest.mark.django_db

NEW = reverse("admin:quizzes_question_preview_new")


def test_each_type_section_is_marked_for_the_question_script(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:quizzes_question_add")).content.decode()
    assert "js/admin_question.js" in html
    for marker in [
        "question-type-true_false",
        "question-type-sort",
        "question-type-policy",
        "question-type-short",
        "question-type-numerical",
        "question-type question-type-single question-type-multiple",
    ]:
        assert marker in html
    assert "<script>" not in html.replace(" ", "")


def test_preview_of_a_new_question_shows_it_and_saves_nothing(client, admin_user, bank):
    client.force_login(admin_user)
    before = (Question.objects.count(), Choice.objects.count())
    response = client.post(NEW, _question_post(prompt="Who patches **EC2**?"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>EC2</strong>" in html
    assert "Your unsaved edits" in html
    assert "✔ A" in html and "✘ B" in html
    assert (Question.objects.count(), Choice.objects.count()) == before


def test_preview_of_edits_shows_them_and_keeps_the_saved_question(
    client, admin_user, bank
):
    client.force_login(admin_user)
    client.post(reverse("admin:quizzes_question_add"), _question_post())
    question = Question.objects.get(slug="new-question")
    a, b = question.choices.order_by("order")
    edits = _question_post(
        prompt="An edited prompt, not saved",
        **{
            "choices-INITIAL_FORMS": "2",
            "choices-0-id": str(a.pk),
            "choices-1-id": str(b.pk),
            "choices-1-text": "B, edited",
        },
    )
    url = reverse("admin:quizzes_question_preview_edits", args=[question.pk])
    response = client.post(url, edits)
    html = response.content.decode()
    assert response.status_code == 200
    assert "An edited prompt, not saved" in html
    assert "B, edited" in html
    question.refresh_from_db()
    assert question.prompt == "Which?"
    assert [c.text for c in question.choices.order_by("order")] == ["A", "B"]


def test_preview_of_a_form_with_errors_lists_them(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.post(
        NEW, _question_post(slug="", **{"choices-1-is_correct": "on"})
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Slug: This field is required." in html
    assert not Question.objects.filter(slug="new-question").exists()


def test_preview_of_a_form_with_a_broken_formset_is_a_clear_error(
    client, admin_user, bank
):
    client.force_login(admin_user)
    response = client.post(NEW, {"slug": "x", "type": "nonsense"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Type: Select a valid choice" in html
    assert "Choices: ManagementForm data is missing" in html


def test_saved_preview_says_it_shows_the_saved_version(client, admin_user, questions):
    client.force_login(admin_user)
    question = questions["groups-rule"]
    page = client.get(reverse("admin:quizzes_question_preview", args=[question.pk]))
    assert "The saved version" in page.content.decode()
    change = client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert "Preview unsaved changes" in change.content.decode()


def test_getting_the_preview_of_edits_goes_to_the_saved_preview(
    client, admin_user, questions
):
    client.force_login(admin_user)
    question = questions["groups-rule"]
    url = reverse("admin:quizzes_question_preview_edits", args=[question.pk])
    response = client.get(url)
    assert response["Location"] == reverse(
        "admin:quizzes_question_preview", args=[question.pk]
    )


def test_trainees_cannot_preview_edits(client, alice, questions):
    client.force_login(alice)
    response = client.post(NEW, _question_post())
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"type": "true_false", "true_false_answer": "true"}, "The statement is true"),
        ({"type": "short", "accepted_answers": "effect\nEffect"}, "Accepted: effect"),
        (
            {"type": "sort", "sort_category": "", "sort_service": ""},
            "Choose the category or the service whose duties to sort.",
        ),
    ],
)
def test_preview_of_other_types_shows_them_or_says_what_is_missing(
    client, admin_user, bank, fields, shown
):
    client.force_login(admin_user)
    data = _question_post(**{"choices-TOTAL_FORMS": "0"}, **fields)
    response = client.post(NEW, data)
    assert response.status_code == (400 if fields["type"] == "sort" else 200)
    assert shown in response.content.decode()
    assert not Question.objects.filter(slug="new-question").exists()


def test_preview_of_a_sort_question_lists_the_duties_to_sort(client, admin_user, bank):
    from responsibility.models import ServiceCategory

    client.force_login(admin_user)
    category = ServiceCategory.objects.get(slug="container")
    data = _question_post(
        type="sort", sort_category=str(category.pk), **{"choices-TOTAL_FORMS": "0"}
    )
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert 'type="radio"' in response.content.decode()
    assert not Question.objects.filter(slug="new-question").exists()


def test_the_preview_shows_the_source_under_the_explanation(
    client, admin_user, questions
):
    source = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html"
    question = questions["groups-rule"]
    Question.objects.filter(pk=question.pk).update(source=source)
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:quizzes_question_preview", args=[question.pk])
    ).content.decode()
    link = f'Source: <a href="{source}" rel="noopener noreferrer">'
    assert page.index("Explanation.") < page.index(link)

"""
Imported questions may come without an explanation: they import, the admin lists
them as needing one, and trainees see no empty explanation box. The shipped bank
still requires one.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curriculum.loading import ContentLoadError
from quizzes import interchange
from quizzes.interchange import check_document, questions_import, read_document
from quizzes.models import Question
from tests.quizzes.pages import position_of, question_url, start

pytestmark = pytest.mark.django_db

UNEXPLAINED = """\
questions:
  - slug: unexplained
    type: true_false
    prompt: IAM groups can nest.
    answer: false
"""


@pytest.mark.parametrize(
    ("format", "text"),
    [
        ("yaml", UNEXPLAINED),
        (
            "json",
            '{"questions": [{"slug": "unexplained", "type": "true_false", '
            '"prompt": "IAM groups can nest.", "explanation": "", "answer": false}]}',
        ),
        ("gift", "::unexplained::IAM groups can nest. {F}"),
        (
            "moodle-xml",
            "<quiz><question type='truefalse'><name><text>unexplained</text></name>"
            "<questiontext format='html'><text>IAM groups can nest.</text>"
            "</questiontext><answer fraction='0'><text>true</text></answer>"
            "<answer fraction='100'><text>false</text></answer></question></quiz>",
        ),
    ],
)
def test_a_question_without_any_feedback_imports_with_an_empty_explanation(
    format, text
):
    questions_import(document=check_document(read_document(text, format=format)))

    question = Question.objects.get(slug="unexplained")
    assert question.explanation == ""
    assert question.needs_explanation


def test_an_explanation_that_is_not_text_is_still_a_problem():
    document = read_document(
        UNEXPLAINED.replace("answer: false", "answer: false\n    explanation: [1]"),
        format="yaml",
    )
    with pytest.raises(interchange.ImportFileError, match="line 2: A question needs"):
        check_document(document)


def test_the_shipped_bank_still_refuses_a_question_without_explanation(
    tmp_path, monkeypatch
):
    (tmp_path / "questions.yaml").write_text(UNEXPLAINED)
    monkeypatch.setattr(interchange, "QUESTIONS_DIR", tmp_path)

    with pytest.raises(ContentLoadError, match="line 2: A question needs"):
        interchange.questions_load()
    assert not Question.objects.exists()


def _unexplained(questions) -> Question:
    question = questions["groups-nest"]
    Question.objects.filter(pk=question.pk).update(explanation="  ")
    return question


def test_the_changelist_marks_and_filters_questions_that_need_an_explanation(
    client, admin_user, questions
):
    _unexplained(questions)
    client.force_login(admin_user)
    url = reverse("admin:quizzes_question_changelist")

    page = client.get(url).content.decode()
    assert page.count("Needs an explanation") >= 2  # the filter and one row
    missing = client.get(url, {"explanation": "missing"})
    assert [q.slug for q in missing.context["cl"].result_list] == ["groups-nest"]
    present = client.get(url, {"explanation": "present"})
    assert "groups-nest" not in {q.slug for q in present.context["cl"].result_list}
    assert len(present.context["cl"].result_list) == Question.objects.count() - 1


def test_the_change_page_warns_that_the_question_needs_an_explanation(
    client, admin_user, questions
):
    question = _unexplained(questions)
    client.force_login(admin_user)
    change = reverse("admin:quizzes_question_change", args=[question.pk])

    assert "needs an explanation" in client.get(change).content.decode()
    other = questions["groups-rule"]
    page = client.get(reverse("admin:quizzes_question_change", args=[other.pk]))
    assert "needs an explanation" not in page.content.decode()


def test_feedback_shows_no_empty_explanation_box(client, alice, questions):
    question = _unexplained(questions)
    client.force_login(alice)
    attempt = start(client)
    url = question_url(attempt, position_of(attempt, question))
    client.post(url, {"value": "false"})

    feedback = client.get(url).content.decode()
    assert "Correct" in feedback or "correct" in feedback
    assert "Explanation." not in feedback
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:review", args=[attempt.pk]))
    shown = len(review.context["items"])
    assert review.content.decode().count("Explanation.") == shown - 1


def test_the_admin_import_takes_a_question_without_explanation(client, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("bank.yaml", UNEXPLAINED.encode())
    response = client.post(
        reverse("admin:quizzes_question_import"), {"file": upload, "format": ""}
    )
    assert response.status_code == 302
    assert Question.objects.get(slug="unexplained").needs_explanation

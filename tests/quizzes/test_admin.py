"""Authoring questions in the admin: validation, preview, statistics, import, CSV."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz
from quizzes.services import answer_save, attempt_start, attempt_submit

pytestmark = pytest.mark.django_db


def _question_post(**overrides) -> dict:
    data = {
        "slug": "new-question",
        "type": "single",
        "difficulty": "1",
        "prompt": "Which?",
        "explanation": "Because.",
        "policy_kind": "identity",
        "request_context": "{}",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-text": "A",
        "choices-0-is_correct": "on",
        "choices-0-order": "0",
        "choices-1-text": "B",
        "choices-1-order": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_saves_a_valid_single_choice_question(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.post(reverse("admin:quizzes_question_add"), _question_post())
    assert response.status_code == 302
    assert Question.objects.get(slug="new-question").choices.count() == 2


def test_single_choice_needs_exactly_one_correct_choice(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:quizzes_question_add"),
        _question_post(**{"choices-1-is_correct": "on"}),
    )
    assert response.status_code == 200
    assert "exactly one correct choice; it has 2" in response.content.decode()
    assert not Question.objects.filter(slug="new-question").exists()


def test_multiple_answer_needs_a_correct_choice(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:quizzes_question_add"),
        _question_post(type="multiple", **{"choices-0-is_correct": None}),
    )
    assert "at least one correct choice" in response.content.decode()
    assert not Question.objects.filter(slug="new-question").exists()


def test_policy_question_must_parse(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:quizzes_question_add"),
        _question_post(
            type="policy",
            policy_document='{"Version": "2012-10-17", "Statement": [}',
            request_principal="arn:aws:iam::123456789012:user/a",
            request_action="s3:GetObject",
            request_resource="arn:aws:s3:::b/k",
            **{"choices-TOTAL_FORMS": "0"},
        ),
    )
    assert response.status_code == 200
    assert "1:" in response.content.decode()  # the problem names its line
    assert not Question.objects.filter(slug="new-question").exists()


def test_preview_shows_the_question_and_its_key(client, admin_user, questions):
    client.force_login(admin_user)
    question = questions["read-get-star"]
    page = client.get(reverse("admin:quizzes_question_preview", args=[question.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The engine decides: <strong>Allow</strong>" in html
    assert "s3:Get*" in html


def test_statistics_show_share_correct_and_most_chosen_wrong(
    client, admin_user, alice, bob, questions
):
    quiz = Quiz.objects.get(slug="basics")
    question = questions["groups-rule"]
    wrong = question.choices.get(text__startswith="A group can contain")
    right = question.choices.get(is_correct=True)
    for user, choice in [(alice, wrong), (bob, right)]:
        attempt = attempt_start(quiz=quiz, user=user)
        answer_save(attempt=attempt, question=question, response={"choice": choice.pk})
        attempt_submit(attempt=attempt)
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:quizzes_question_changelist")).content
    assert b"50%" in changelist
    page = client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    html = page.content.decode()
    assert "2 answers in submitted attempts, 50% correct." in html
    assert (
        "Most chosen wrong answer: A group can contain other groups. (1 times)" in html
    )


def test_admin_import_page_imports_or_lists_problems(client, admin_user, bank):
    client.force_login(admin_user)
    url = reverse("admin:quizzes_question_import")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile(
        "bad.yaml", b"questions:\n  - slug: x\n    type: nope\n    prompt: p\n"
    )
    response = client.post(url, {"file": bad})
    assert "Nothing was imported" in response.content.decode()
    assert "line 2: Unknown type" in response.content.decode()
    good = SimpleUploadedFile(
        "good.yaml",
        b"questions:\n  - slug: imported\n    type: true_false\n    prompt: P\n"
        b"    explanation: E\n    answer: true\n",
    )
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert Question.objects.filter(slug="imported").exists()


def test_admin_export_downloads_the_bank(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.get(reverse("admin:quizzes_question_export"), {"format": "json"})
    assert response["Content-Disposition"].startswith("attachment")
    assert b'"groups-rule"' in response.content


def test_attempts_export_as_csv(client, admin_user, alice, questions):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    attempt_submit(attempt=attempt)
    client.force_login(admin_user)
    response = client.get(reverse("admin:quizzes_attempt_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["attempt", "user", "quiz", "number"]
    assert rows[1][1:5] == ["alice", "Basics", "1", "submitted"]
    assert rows[1][7] == "0.0"
    assert rows[1][8] == "no"


def test_the_admin_shows_an_attempts_score_as_a_percentage(
    client, admin_user, alice, questions
):
    attempt = attempt_submit(
        attempt=attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    )
    Attempt.objects.filter(pk=attempt.pk).update(score=0.853)
    client.force_login(admin_user)
    response = client.get(reverse("admin:quizzes_attempt_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][7] == "85.3"
    listing = client.get(reverse("admin:quizzes_attempt_changelist")).content.decode()
    assert '<td class="field-percent">85.3</td>' in listing
    page = client.get(
        reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    ).content.decode()
    assert "85.3" in page


def test_trainees_cannot_reach_authoring_pages(client, alice, questions):
    client.force_login(alice)
    question = questions["groups-rule"]
    for url in [
        reverse("admin:quizzes_question_preview", args=[question.pk]),
        reverse("admin:quizzes_question_import"),
        reverse("admin:quizzes_attempt_export"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_the_admin_edits_a_questions_mark_and_lists_it(client, admin_user, bank):
    client.force_login(admin_user)
    add = reverse("admin:quizzes_question_add")
    assert client.post(add, _question_post(mark="2.5")).status_code == 302
    question = Question.objects.get(slug="new-question")
    assert question.mark == Decimal("2.5")

    change = reverse("admin:quizzes_question_change", args=[question.pk])
    assert 'name="mark" value="2.5"' in client.get(change).content.decode()
    listing = client.get(reverse("admin:quizzes_question_changelist")).content
    assert '<td class="field-marks">2.5</td>' in listing.decode()


def test_the_admin_refuses_a_mark_of_zero_and_reads_an_empty_one_as_one(
    client, admin_user, bank
):
    client.force_login(admin_user)
    add = reverse("admin:quizzes_question_add")
    response = client.post(add, _question_post(mark="0"))
    assert response.status_code == 200
    assert "A question&#x27;s mark must be more than 0." in response.content.decode()
    assert not Question.objects.filter(slug="new-question").exists()

    assert client.post(add, _question_post(mark="")).status_code == 302
    assert Question.objects.get(slug="new-question").mark == 1

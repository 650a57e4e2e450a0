"""A question's mark: how much it counts in a quiz's score."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from quizzes.grading import weighted_score
from quizzes.interchange import check_document, questions_import, read_questions
from quizzes.models import Attempt, Question, Quiz, QuizQuestion
from quizzes.selectors import question_marks
from quizzes.services import answer_save, attempt_start, attempt_submit

pytestmark = pytest.mark.django_db


def _two_question_quiz(questions) -> Quiz:
    quiz = Quiz.objects.create(slug="marked", title="Marked", pass_mark=60)
    for order, slug in enumerate(["groups-nest", "name-effect"]):
        QuizQuestion.objects.create(quiz=quiz, question=questions[slug], order=order)
    return quiz


def test_a_two_mark_question_right_and_a_one_mark_wrong_score_two_thirds(
    alice, questions
):
    Question.objects.filter(slug="groups-nest").update(mark=2)
    attempt = attempt_start(quiz=_two_question_quiz(questions), user=alice)
    answer_save(
        attempt=attempt, question=questions["groups-nest"], response={"value": False}
    )
    answer_save(
        attempt=attempt, question=questions["name-effect"], response={"text": "Action"}
    )
    attempt = attempt_submit(attempt=attempt)
    assert attempt.score == pytest.approx(2 / 3)
    assert attempt.passed is True  # 66.7% against a pass mark of 60%


def test_a_skipped_question_counts_its_marks_as_lost(alice, questions):
    Question.objects.filter(slug="name-effect").update(mark=3)
    attempt = attempt_start(quiz=_two_question_quiz(questions), user=alice)
    answer_save(
        attempt=attempt, question=questions["groups-nest"], response={"value": False}
    )
    attempt = attempt_submit(attempt=attempt)
    assert attempt.score == pytest.approx(1 / 4)


def test_with_every_mark_one_the_score_is_the_mean_of_the_answers(alice, questions):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    answer_save(
        attempt=attempt, question=questions["groups-nest"], response={"value": False}
    )
    answer_save(
        attempt=attempt,
        question=questions["root-credentials"],
        response={"choices": []},
    )
    attempt = attempt_submit(attempt=attempt)
    scores = [a.score for a in attempt.answers.all()]
    assert len(scores) == 7
    assert attempt.score == sum(scores) / len(scores)


def test_weighted_score_is_the_mean_when_marks_are_equal():
    pairs = [(1.0, 1.0), (1.0, 0.5), (1.0, 0.0)]
    assert weighted_score(pairs) == (1.0 + 0.5 + 0.0) / 3
    assert weighted_score([(2.0, 1.0), (1.0, 0.0)]) == pytest.approx(2 / 3)
    assert weighted_score([]) == 0.0


def test_submitting_reads_the_marks_in_one_query(
    alice, questions, django_assert_num_queries
):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    with django_assert_num_queries(1):
        marks = question_marks(attempt.question_ids)
    assert set(marks) == set(attempt.question_ids)
    assert set(marks.values()) == {1.0}


def test_a_mark_must_be_more_than_zero_and_at_most_a_thousand(questions):
    question = questions["groups-nest"]
    for bad in (Decimal(0), Decimal(-1), Decimal(1001)):
        question.mark = bad
        with pytest.raises(ValidationError) as caught:
            question.full_clean()
        assert "mark" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(mark=0)


def test_the_review_shows_a_mark_only_when_it_is_not_one(client, alice, questions):
    Question.objects.filter(slug="groups-nest").update(mark=Decimal("2.5"))
    attempt = attempt_start(quiz=_two_question_quiz(questions), user=alice)
    attempt_submit(attempt=attempt)
    client.force_login(alice)
    page = client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "2.5 marks" in page
    assert "· 1 mark" not in page  # the other question counts as usual
    assert Attempt.objects.get(pk=attempt.pk).score == 0.0


def test_a_gift_question_has_no_mark_and_is_worth_one(db):
    file = read_questions("::Nest:: Groups can contain groups. {F}\n", format="gift")
    [entry] = file.document["questions"]
    assert "mark" not in entry
    questions_import(document=check_document(file.document))
    assert Question.objects.get(slug=entry["slug"]).mark == 1

"""Responses in words: one reading for the review page, the admin and the dashboard."""

import pytest

from quizzes.grading import REMOVED_OPTION, ResponseLabel, response_labels, sort_items
from quizzes.models import Answer, AttemptStatus, Quiz
from quizzes.selectors import question_statistics, wrong_answers
from quizzes.services import answer_save, attempt_start, attempt_submit

pytestmark = pytest.mark.django_db


def _pk(question, text_start: str) -> int:
    return next(c.pk for c in question.choices.all() if c.text.startswith(text_start))


def test_each_kind_of_response_reads_as_labels_marked_right_or_wrong(questions):
    single = questions["groups-rule"]
    assert response_labels(single, {"choice": _pk(single, "A group can sign")}) == [
        ResponseLabel("A group can sign in.", False)
    ]
    multiple = questions["root-credentials"]
    picked = [_pk(multiple, "Access keys"), _pk(multiple, "An IAM group"), 999_999]
    assert response_labels(multiple, {"choices": picked}) == [
        ResponseLabel("Access keys", True),
        ResponseLabel("An IAM group", False),
        ResponseLabel(REMOVED_OPTION, False),
    ]
    nest = questions["groups-nest"]
    assert response_labels(nest, {"value": True}) == [ResponseLabel("True", False)]
    assert response_labels(nest, {"value": False}) == [ResponseLabel("False", True)]
    policy = questions["read-get-star"]
    assert response_labels(policy, {"effect": "ImplicitDeny"}) == [
        ResponseLabel("Denied implicitly (nothing allows it)", False)
    ]
    assert response_labels(policy, {"effect": "Allow"})[0].right
    short = questions["name-effect"]
    assert response_labels(short, {"text": " effect "}) == [
        ResponseLabel("effect", True)
    ]
    sort = questions["sort-container"]
    key = {item.area_slug: item for item in sort_items(sort)}
    items = dict.fromkeys(key, "customer")
    labels = response_labels(sort, {"items": items})
    assert [label.right for label in labels] == [
        key[slug].owner == "customer" for slug in items
    ]
    assert labels[0].text == f"{key[next(iter(items))].area_name}: Customer"
    for question in questions.values():
        assert response_labels(question, {}) == []


def _answer(user, quiz, question, response):
    attempt = attempt_start(quiz=quiz, user=user)
    answer_save(attempt=attempt, question=question, response=response)
    return attempt_submit(attempt=attempt)


def test_wrong_answers_are_grouped_by_response_and_counted_in_trainees(
    questions, alice, bob
):
    quiz = Quiz.objects.get(slug="basics")
    multiple = questions["root-credentials"]
    both_wrong = [_pk(multiple, "An IAM group"), _pk(multiple, "A security group")]
    for user in (alice, bob):
        _answer(user, quiz, multiple, {"choices": both_wrong})
    _answer(alice, quiz, multiple, {"choices": both_wrong[:1]})
    answers = Answer.objects.filter(question=multiple)

    whole = wrong_answers(answers)
    assert [(w.text, w.trainees, w.answers) for w in whole] == [
        ("An IAM group; A security group", 2, 2),
        ("An IAM group", 1, 1),
    ]
    assert whole[0].quiz_id == quiz.pk and whole[0].question == multiple
    parts = wrong_answers(answers, each_part=True)
    assert [(w.text, w.trainees, w.answers) for w in parts] == [
        ("An IAM group", 3, 3),
        ("A security group", 2, 2),
    ]


def test_a_sort_counts_each_wrongly_placed_duty_and_short_answers_fold_case(
    questions, alice, bob
):
    quiz = Quiz.objects.get(slug="basics")
    sort = questions["sort-container"]
    key = {item.area_slug: item for item in sort_items(sort)}
    wrong = dict.fromkeys(key, "shared")
    _answer(alice, quiz, sort, {"items": wrong})
    texts = {w.text for w in wrong_answers(Answer.objects.filter(question=sort))}
    assert texts == {f"{item.area_name}: Shared" for item in key.values()}

    short = questions["name-effect"]
    _answer(alice, quiz, short, {"text": "Action"})
    _answer(bob, quiz, short, {"text": "ACTION"})
    rows = wrong_answers(Answer.objects.filter(question=short))
    assert [(w.text, w.trainees) for w in rows] == [("action", 2)]


def test_question_statistics_name_the_most_chosen_wrong_part(questions, alice, bob):
    quiz = Quiz.objects.get(slug="basics")
    policy = questions["read-get-star"]
    _answer(alice, quiz, policy, {"effect": "ExplicitDeny"})
    _answer(bob, quiz, policy, {"effect": "Allow"})
    stats = question_statistics(policy)
    assert (stats.answers, stats.correct, stats.percent_correct) == (2, 1, 50)
    assert stats.most_chosen_wrong.text == "Denied by an explicit Deny"
    assert stats.most_chosen_wrong.answers == 1
    assert Answer.objects.filter(attempt__status=AttemptStatus.SUBMITTED).exists()

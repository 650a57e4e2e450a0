"""Scoring of each question type, partial credit included."""

import pytest

from quizzes.grading import grade, normalise_short_answer

pytestmark = pytest.mark.django_db


def _choice(question, text_start):
    return next(c.pk for c in question.choices.all() if c.text.startswith(text_start))


def test_single_choice_right_and_wrong(questions):
    q = questions["groups-rule"]
    assert grade(q, {"choice": _choice(q, "A user")}).score == 1
    wrong = grade(q, {"choice": _choice(q, "A group can contain")})
    assert wrong.score == 0
    assert not wrong.is_correct
    chosen = [item for item in wrong.items if item.chosen]
    assert chosen[0].text == "Groups do not nest."


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        (["Email", "Access"], 1.0),
        (["Email"], 0.5),
        (["Email", "An IAM"], 0.0),
        (["Email", "Access", "An IAM"], 0.5),
        (["An IAM", "A security"], 0.0),  # never below zero
        ([], 0.0),
    ],
)
def test_multiple_answer_partial_credit(questions, picked, expected):
    q = questions["root-credentials"]
    response = {"choices": [_choice(q, p) for p in picked]}
    assert grade(q, response).score == pytest.approx(expected)


def test_true_false(questions):
    q = questions["groups-nest"]
    assert grade(q, {"value": False}).is_correct
    assert not grade(q, {"value": True}).is_correct
    assert not grade(q, {}).is_correct


def test_sort_key_comes_from_the_responsibility_model(questions):
    from responsibility.models import Duty

    q = questions["sort-container"]
    Duty.objects.filter(category__slug="container", area__slug="guest-os").update(
        owner="shared"
    )
    result = grade(q, {"items": {"guest-os": "aws", "customer-data": "customer"}})
    assert result.score == pytest.approx(0.5)
    assert {i.label: i.right for i in result.items} == {
        "Guest operating system and patching": False,
        "Customer data": True,
    }


def test_policy_key_and_feedback_come_from_the_engine(questions):
    q = questions["read-get-star"]
    right = grade(q, {"effect": "Allow"})
    assert right.is_correct
    assert "ALLOWED" in right.detail
    assert "statement 1" in right.detail
    assert not grade(q, {"effect": "ImplicitDeny"}).is_correct

    q.request_action = "s3:PutObject"
    q.save()
    from quizzes.grading import _policy_decision

    _policy_decision.cache_clear()
    assert grade(q, {"effect": "ImplicitDeny"}).is_correct


@pytest.mark.parametrize(
    "text", ["Effect", "effect", "  EFFECT ", "the   effect\telement"]
)
def test_short_answer_ignores_case_and_spacing(questions, text):
    assert grade(questions["name-effect"], {"text": text}).is_correct


@pytest.mark.parametrize("text", ["Effects", "", "Action"])
def test_short_answer_refuses_other_words(questions, text):
    assert not grade(questions["name-effect"], {"text": text}).is_correct


def test_normalise_short_answer():
    assert normalise_short_answer("  A\n b ") == "a b"

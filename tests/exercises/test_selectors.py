"""The grade result as stored, and the misconceptions read back from it."""

import json

import pytest

from exercises.grading import (
    POLICY_KEYS,
    PREDICTION_KEYS,
    grade_from_json,
    grade_policy,
    grade_prediction,
    grade_to_json,
)
from exercises.models import Submission
from exercises.selectors import common_misconceptions, result_path
from exercises.services import prediction_submit, submission_create
from tests.exercises.conftest import OWN_PASSWORD_REFERENCE

pytestmark = pytest.mark.django_db

TOO_BROAD = OWN_PASSWORD_REFERENCE.replace(
    '"arn:aws:iam::123456789012:user/${aws:username}"', '"*"'
)
SPACED = OWN_PASSWORD_REFERENCE.replace('"iam:GetUser"', '"iam: GetUser"')


def test_a_grade_is_stored_with_the_keys_rows_have_always_had(exercises):
    result = grade_policy(exercises["own-password"], TOO_BROAD)
    stored = grade_to_json(result)
    # "undecided" is written only for a comparison that could not decide, and
    # "findings_more" only when findings were left out.
    optional = ("undecided", "findings_more")
    assert tuple(stored) == tuple(k for k in POLICY_KEYS if k not in optional)
    assert json.loads(json.dumps(stored)) == stored
    assert stored["hidden"] == {"total": 1, "passed": 0}
    assert set(stored["too_permissive"]) == {
        "direction", "request", "sentence", "explanation",
    }  # fmt: skip
    assert grade_from_json(stored) == result


def test_a_prediction_is_stored_with_its_own_keys(exercises):
    exercise = exercises["predict-s3"]
    result = grade_prediction(exercise, set())
    stored = grade_to_json(result)
    assert tuple(stored) == PREDICTION_KEYS
    assert set(stored["predictions"][0]) == {
        "label", "request", "said_allowed", "actual", "passed", "explanation",
    }  # fmt: skip
    assert grade_from_json(stored) == result


def test_a_row_stored_before_the_typed_contract_reads_back():
    stored = {
        "valid": False,
        "problems": [
            {"severity": "error", "code": "json", "message": "Expected ','",
             "path": "", "line": 8, "column": 5},
        ],
        "findings": [],
        "tests": [],
        "hidden": {"total": 0, "passed": 0},
        "too_permissive": None,
        "too_strict": None,
        "exhaustive": True,
        "score": 0.0,
        "correct": False,
    }  # fmt: skip
    result = grade_from_json(stored)
    assert not result.valid
    assert result.problems[0].line == 8
    assert result.counterexamples == ()
    assert grade_to_json(result) == stored
    assert grade_from_json({}) is None


def test_the_submission_reads_its_result_typed(exercises, alice):
    submission = submission_create(
        exercise=exercises["own-password"], user=alice, text=TOO_BROAD
    )
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.grade_result.too_permissive.sentence
    assert stored.grade_result == grade_from_json(stored.result)


def test_misconceptions_read_what_grading_stored(exercises, alice, bob):
    """A field renamed in the contract but not in the reading fails here."""
    exercise = exercises["own-password"]
    for user in (alice, bob):
        submission_create(exercise=exercise, user=user, text=TOO_BROAD)
    submission_create(exercise=exercise, user=alice, text=SPACED)
    predict = exercises["predict-s3"]
    prediction_submit(
        exercise=predict,
        user=alice,
        allowed_ids=set(predict.tests.values_list("pk", flat=True)),
    )
    graded = grade_policy(exercise, TOO_BROAD)

    found = common_misconceptions(Submission.objects.all())

    broad = found.counterexamples[0]
    assert (broad.exercise_id, broad.context, broad.trainees) == (
        exercise.pk,
        "Too permissive",
        2,
    )
    assert broad.text == graded.too_permissive.request["action"]
    assert broad.example == graded.too_permissive.sentence
    predicted = {(m.context, m.text) for m in found.counterexamples}
    assert ("Predicted allowed", "Write a report") in predicted
    example = next(
        m.example for m in found.counterexamples if m.text == "Write a report"
    )
    assert example == "The engine says ImplicitDeny."
    spaced = grade_policy(exercise, SPACED)
    assert {(m.context, m.text) for m in found.findings} == {
        (f.code, f.message) for f in spaced.findings
    }
    assert all(m.trainees == 1 and m.example == "" for m in found.findings)


def test_misconceptions_count_trainees_and_keep_the_commonest(exercises, alice, bob):
    exercise = exercises["own-password"]
    submission_create(exercise=exercise, user=alice, text=TOO_BROAD)
    submission_create(exercise=exercise, user=alice, text=TOO_BROAD)
    predict = exercises["predict-s3"]
    prediction_submit(exercise=predict, user=bob, allowed_ids=set())
    found = common_misconceptions(Submission.objects.all(), limit=1)
    # Alice twice is one trainee; ties go in the order of their words.
    assert [(m.context, m.trainees) for m in found.counterexamples] == [
        ("Predicted denied", 1)
    ]
    assert len(found.counterexamples) == 1
    assert common_misconceptions(Submission.objects.none()).counterexamples == []


def test_a_path_into_the_result_must_name_fields_of_the_contract():
    assert result_path("too_permissive", "request", "action")
    with pytest.raises(LookupError, match="no field 'too_permisive'"):
        result_path("too_permisive", "sentence")
    with pytest.raises(LookupError, match="Counterexample has no field 'text'"):
        result_path("too_strict", "text")


def test_every_counterexample_is_stored_and_read_back_with_its_cause(exercises):
    result = grade_policy(exercises["own-password"], TOO_BROAD)
    stored = grade_to_json(result)
    assert stored["too_permissive"]["request"] == stored["examples"][0]["request"]
    assert set(stored["examples"][0]) == {
        "direction", "request", "sentence", "explanation", "cause", "statement",
        "line",
    }  # fmt: skip
    assert grade_from_json(stored) == result
    assert grade_from_json(stored).too_permissive_examples[0].line == 4

"""Grading a submission: parse, lint, tests, comparison with the reference, score."""

import json

import pytest

from exercises.grading import (
    EXPLAINED_UNMATCHED,
    HiddenTests,
    SubmissionTooLarge,
    grade_policy,
    grade_prediction,
    task_names,
)
from tests.exercises.conftest import OWN_PASSWORD_REFERENCE, SEED_BROKEN

pytestmark = pytest.mark.django_db

TOO_BROAD = OWN_PASSWORD_REFERENCE.replace(
    '"arn:aws:iam::123456789012:user/${aws:username}"', '"*"'
)
TOO_STRICT = OWN_PASSWORD_REFERENCE.replace(', "iam:GetUser"', "")


def test_the_reference_is_correct(exercises):
    result = grade_policy(exercises["own-password"], OWN_PASSWORD_REFERENCE)
    assert result.correct
    assert result.score == 1.0
    assert result.too_permissive is None
    assert result.too_strict is None
    assert result.hidden == HiddenTests(total=1, passed=1)


def test_the_seed_policy_is_invalid_json_pinned_to_its_line(exercises):
    result = grade_policy(exercises["own-password"], SEED_BROKEN)
    assert not result.valid
    assert result.score == 0
    (problem,) = result.problems
    assert problem.line == 8
    assert problem.column >= 1


def test_spaces_in_actions_are_findings_with_lines(exercises):
    repaired = SEED_BROKEN.replace(']\n    "Resource"', '],\n    "Resource"')
    result = grade_policy(exercises["own-password"], repaired)
    assert result.valid
    codes = {(f.code, f.line) for f in result.findings}
    assert ("action-whitespace", 5) in codes
    assert ("action-whitespace", 6) in codes
    assert not result.correct


def test_too_broad_policy_gets_a_verified_counterexample(exercises):
    result = grade_policy(exercises["own-password"], TOO_BROAD)
    assert not result.correct
    assert result.too_strict is None
    found = result.too_permissive
    assert found.request["action"].lower() in {"iam:changepassword", "iam:getuser"}
    assert found.request["resource"] != found.request["principal"]
    assert "allows" in found.sentence
    # Only the trainee's decision is explained, never the reference.
    assert "arn:aws:iam::123456789012:user/${aws:username}" not in str(result)
    assert result.hidden == HiddenTests(total=1, passed=0)
    assert 0 < result.score < 1


def test_too_strict_policy_gets_a_counterexample(exercises):
    result = grade_policy(exercises["own-password"], TOO_STRICT)
    assert result.too_permissive is None
    assert result.too_strict.request["action"] == "iam:GetUser"
    failed = [t.label for t in result.tests if not t.passed]
    assert failed == ["Alice reads her user"]


def test_oversized_text_is_refused(exercises):
    with pytest.raises(SubmissionTooLarge, match="limit is 10,000"):
        grade_policy(exercises["own-password"], " " * 10_001)


def test_predictions_are_graded_by_the_engine(exercises):
    exercise = exercises["predict-s3"]
    ids = {t.label: t.pk for t in exercise.tests.all()}
    right = grade_prediction(exercise, {ids["Read a report"]})
    assert right.correct
    wrong = grade_prediction(exercise, {ids["Read a report"], ids["Write a report"]})
    assert not wrong.correct
    assert wrong.score == pytest.approx(2 / 3, abs=0.001)


def test_explanations_of_a_long_policy_keep_to_the_statements_that_matter(exercises):
    padding = [
        {"Effect": "Allow", "Action": f"ec2:DescribeThing{i}", "Resource": "*"}
        for i in range(40)
    ]
    document = json.loads(OWN_PASSWORD_REFERENCE)
    document["Statement"] = padding + document["Statement"]
    result = grade_policy(exercises["own-password"], json.dumps(document, indent=2))
    assert result.valid
    for test in result.tests:
        explanation = test.explanation
        assert explanation.count(": does not apply:") <= EXPLAINED_UNMATCHED
        assert "more statements that do not apply" in explanation


def test_each_counterexample_names_the_statement_and_line_behind_it(exercises):
    result = grade_policy(exercises["own-password"], TOO_BROAD)
    (example,) = result.too_permissive_examples[:1]
    assert example.request == result.too_permissive.request
    assert example.sentence == result.too_permissive.sentence
    assert (example.statement, example.line) == (1, 4)
    assert example.cause == "Statement 1, on line 4, allows it."
    strict = grade_policy(exercises["own-password"], TOO_STRICT).too_strict_examples
    assert strict[0].cause == "No statement of your policy allows it."
    assert strict[0].statement is None


def test_up_to_three_counterexamples_per_direction_are_kept(exercises):
    wide = OWN_PASSWORD_REFERENCE.replace(
        '["iam:ChangePassword", "iam:GetUser"]', '"iam:*"'
    ).replace('"arn:aws:iam::123456789012:user/${aws:username}"', '"*"')
    result = grade_policy(exercises["own-password"], wide)
    examples = result.too_permissive_examples
    assert len(examples) == 3
    assert len({e.request["action"] for e in examples}) == 3
    assert result.too_strict_examples == ()
    assert all(e.direction == "too permissive" for e in examples)
    assert all("Decision: ALLOWED" in e.explanation for e in examples)


def test_task_names_are_what_the_trainee_has_seen():
    class Test:
        def __init__(self, resource):
            self.resource = resource

    scenario = "Read `reports-1` but not `reports-1-archive` or `a b`."
    names = task_names(scenario, [Test("arn:aws:s3:::reports-1/q1.csv")])
    assert names == [
        "arn:aws:s3:::reports-1/q1.csv",
        "reports-1",
        "reports-1-archive",
    ]

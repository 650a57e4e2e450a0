"""`manage.py grade_policy`: the grading as JSON, and an exit status to script with."""

import json

import pytest
from django.core.management import call_command

from tests.exercises.conftest import OWN_PASSWORD_REFERENCE, SEED_BROKEN

pytestmark = pytest.mark.django_db


def _grade(tmp_path, capsys, text: str) -> tuple[int, dict | None]:
    path = tmp_path / "policy.json"
    path.write_text(text)
    status = 0
    try:
        call_command("grade_policy", "own-password", str(path))
    except SystemExit as exit:
        status = exit.code
    out = capsys.readouterr().out
    return status, json.loads(out) if out else None


def test_the_reference_grades_correct(exercises, tmp_path, capsys):
    status, output = _grade(tmp_path, capsys, OWN_PASSWORD_REFERENCE)
    assert status == 0
    assert output["correct"] is True
    assert output["score"] == 1.0
    assert output["hidden_tests"] == {"total": 1, "passed": 1}
    assert output["too_permissive"] is None
    assert {t["label"] for t in output["tests"]} == {
        "Alice changes her password",
        "Alice reads her user",
    }


def test_an_over_broad_policy_exits_1_with_its_counterexample(
    exercises, tmp_path, capsys
):
    broad = OWN_PASSWORD_REFERENCE.replace(
        '"arn:aws:iam::123456789012:user/${aws:username}"', '"*"'
    )
    status, output = _grade(tmp_path, capsys, broad)
    assert status == 1
    assert output["too_permissive"]["action"]
    assert output["exhaustive"] in (True, False)


def test_an_invalid_policy_exits_2_with_its_problems(exercises, tmp_path, capsys):
    status, output = _grade(tmp_path, capsys, SEED_BROKEN)
    assert status == 2
    assert output["findings"][0]["line"] == 8

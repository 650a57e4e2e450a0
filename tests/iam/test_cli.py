import json
import subprocess
import sys
from pathlib import Path

import pytest

from .seed import SEED, seed_policies

ROOT = Path(__file__).resolve().parents[2]
ALLOW_GET = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/*",
        }
    ],
}


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "iam", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(
    not SEED.exists(), reason="the seed document is not beside the repository"
)
def test_validate_reports_the_seed_policies(tmp_path):
    admin = tmp_path / "admin.json"
    admin.write_text(seed_policies()[0])
    broken = tmp_path / "broken.json"
    broken.write_text(seed_policies()[1])
    result = run("validate", str(admin), str(broken))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(f"{admin}:") and " full-admin " in line for line in lines
    )
    resource_line = next(
        i
        for i, line in enumerate(seed_policies()[1].splitlines(), 1)
        if '"Resource"' in line
    )
    assert any(
        line.startswith(f"{broken}:{resource_line}:") and " invalid-json " in line
        for line in lines
    )


def test_validate_exits_zero_for_a_valid_policy(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(ALLOW_GET, indent=2))
    result = run("validate", str(path))
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_validate_guesses_resource_policies(tmp_path):
    path = tmp_path / "bucket.json"
    path.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::b/*",
                    }
                ],
            }
        )
    )
    assert run("validate", str(path)).returncode == 0


def test_evaluate_prints_the_decision_and_explanation(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(ALLOW_GET))
    result = run(
        "evaluate",
        "--policy",
        str(path),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::reports/a.csv",
        "--context",
        "aws:SourceIp=203.0.113.7",
    )
    assert result.returncode == 0
    assert "Decision: ALLOWED" in result.stdout
    assert '"Read"' in result.stdout
    denied = run(
        "evaluate",
        "--policy",
        str(path),
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::reports/a.csv",
    )
    assert "DENIED (implicit deny" in denied.stdout


def test_simulate_answers_each_line_and_survives_bad_ones():
    good = {
        "policies": {"identity": [ALLOW_GET]},
        "request": {
            "principal": "arn:aws:iam::111122223333:user/a",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/x",
        },
    }
    duplicate = (
        '{"policies": {"identity": [{"Statement": {"Effect": "Deny", '
        '"Effect": "Allow", "Action": "*", "Resource": "*"}}]}, '
        '"request": {"action": "s3:GetObject", "resource": "*"}}'
    )
    invalid_policy = {
        "policies": {"identity": [{"Statement": []}]},
        "request": {"action": "a:b", "resource": "*"},
    }
    lines = [
        json.dumps(good),
        "not json",
        duplicate,
        json.dumps(invalid_policy),
        json.dumps({"request": {}}),
        json.dumps(good),
    ]
    result = run("simulate", stdin="\n".join(lines) + "\n")
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 6
    assert answers[0] == {
        "decision": "Allow",
        "matched": [
            {"policy": "identity[0]", "statement": 0, "sid": "Read", "effect": "Allow"}
        ],
    }
    assert all("error" in answer for answer in answers[1:5])
    assert "duplicate" in answers[2]["error"]
    assert answers[5] == answers[0]


def test_simulate_flushes_each_answer():
    process = subprocess.Popen(
        [sys.executable, "-m", "iam", "simulate"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = {
            "policies": {"identity": [ALLOW_GET], "scps": [[ALLOW_GET]]},
            "request": {
                "principal": "arn:aws:iam::111122223333:user/a",
                "action": "s3:PutObject",
                "resource": "arn:aws:s3:::reports/x",
            },
        }
        process.stdin.write(json.dumps(line) + "\n")
        process.stdin.flush()
        answer = json.loads(process.stdout.readline())
        assert answer == {"decision": "ImplicitDeny", "matched": []}
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert process.returncode == 0


@pytest.mark.parametrize("command", ["validate", "evaluate", "simulate", "compare"])
def test_every_subcommand_prints_its_help(command):
    done = run(command, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m iam {command} ")
    assert done.stderr == ""


def test_compare_missing_a_file_is_a_usage_error_not_a_traceback(tmp_path):
    candidate = tmp_path / "candidate.json"
    candidate.write_text(json.dumps(ALLOW_GET))
    done = run("compare", str(candidate))
    assert done.returncode == 2
    assert "the following arguments are required: REFERENCE" in done.stderr
    assert "Traceback" not in done.stderr

"""Pathological policy submissions: what attackers and unlucky trainees send.

The tests grade them (tests/exercises/test_shipped_exercises.py,
tests/iam/test_compare.py) and ``make bench`` times them next to the shipped
exercises (benchmarks/compare_search.py). Each is ``(exercise slug, label,
policy text)``; ``submissions(reference_of)`` builds them from the shipped
references, so they follow the curriculum. Standard library only.
"""

import copy
import json
from collections.abc import Callable

# Issue 13, item 1: six conditions that can all hold together. The reference of
# read-one-bucket plus this Deny is wrong: it denies what the task needs.
RED_TEAM_DENY = {
    "Effect": "Deny",
    "Action": "s3:GetObject",
    "Resource": "*",
    "Condition": {
        "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
        "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
        "NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"},
        "StringLike": {"aws:username": "al*"},
        "StringEquals": {"aws:PrincipalTag/team": "finance"},
        "ForAnyValue:StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]},
    },
}

# The same with a seventh condition that contradicts the second: the Deny never
# applies, so the policy is right, and only a proof can say so.
NEVER_DENY = copy.deepcopy(RED_TEAM_DENY)
NEVER_DENY["Condition"]["DateLessThan"] = {"aws:CurrentTime": "2019-01-01T00:00:00Z"}


def six_denies() -> list[dict]:
    """Issue 14, item 1: six Deny statements with seven condition keys each."""
    statements = []
    for index in range(6):
        deny = copy.deepcopy(RED_TEAM_DENY)
        deny["Sid"] = f"Guard{index}"
        deny["Condition"]["Bool"] = {"aws:SecureTransport": "false"}
        deny["Condition"]["StringEquals"] = {f"aws:PrincipalTag/team{index}": "x"}
        statements.append(deny)
    return statements


def wildcard_statements(count: int) -> list[dict]:
    """Statements full of wildcards, each with a condition of its own."""
    return [
        {
            "Effect": "Allow",
            "Action": ["s3:*Object*", "iam:*User*", "ec2:*", "*:Describe*", "*:*Tag*"],
            "Resource": [
                "arn:aws:s3:::*-*/*?*",
                "arn:aws:iam::*:user/*",
                "arn:aws:*:*:*:*",
            ],
            "Condition": {
                "StringLike": {f"aws:PrincipalTag/team{index}": ["*a*", "?b*"]}
            },
        }
        for index in range(count)
    ]


def largest_wildcard_policy(limit: int = 10_000) -> str:
    """The largest policy under ``limit`` characters, every statement full of
    wildcards (the grading benchmark's worst case)."""
    statement = (
        '{{"Effect": "Allow", "Action": ["s3:*Object*", "iam:*User*", "ec2:*"], '
        '"Resource": ["arn:aws:s3:::*-*/*?*", "arn:aws:iam::*:user/*"], '
        '"Condition": {{"StringLike": '
        '{{"aws:PrincipalTag/team{n}": ["*a*", "?b*"]}}}}}}'
    )
    head, tail = '{"Version": "2012-10-17", "Statement": [', "]}"
    statements: list[str] = []
    while True:
        candidate = statements + [statement.format(n=len(statements))]
        if len(head + ", ".join(candidate) + tail) > limit:
            return head + ", ".join(statements) + tail
        statements = candidate


def submissions(reference_of: Callable[[str], str]) -> list[tuple[str, str, str]]:
    """(exercise slug, label, policy text) for every pathological submission;
    ``reference_of(slug)`` gives a shipped exercise's reference policy text."""

    def plus(slug: str, *extra: dict) -> str:
        document = json.loads(reference_of(slug))
        document["Statement"].extend(extra)
        return json.dumps(document, indent=2)

    bucket = "read-one-bucket"
    return [
        (
            bucket,
            "red team: a Deny whose six conditions can hold",
            plus(bucket, RED_TEAM_DENY),
        ),
        (bucket, "red team: a Deny that never applies", plus(bucket, NEVER_DENY)),
        (bucket, "six Deny statements of seven keys", plus(bucket, *six_denies())),
        (
            bucket,
            "30 wildcard statements",
            json.dumps({"Version": "2012-10-17", "Statement": wildcard_statements(30)}),
        ),
        (bucket, "largest wildcard policy", largest_wildcard_policy()),
    ]

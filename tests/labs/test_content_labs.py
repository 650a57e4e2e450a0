"""The labs shipped in labs/content/: each one playable and graded rightly.

For every lab the starting account must fail at least one goal and the
solution must meet them all; for several labs a plausible wrong solution must
fail the goal that catches it (a wrong "solved" would teach the wrong thing).
These tests use the engine only, no database.
"""

import copy
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from iam.account.goals import check_goals, describe, validate_goals
from labs.interchange import LAB_KEYS
from labs.operations import apply_operations, lab_account, lab_problems
from tests.labs.lab_fixtures import shipped_documents

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LABS = shipped_documents()
QUIZ_TOPICS = {
    topic["slug"]
    for topic in yaml.safe_load(
        (
            Path(__file__).resolve().parents[2] / "quizzes/content/questions.yaml"
        ).read_text(encoding="utf-8")
    )["topics"]
}
SCENARIOS = {
    "lock-down-root-user",
    "onboard-team-with-groups",
    "auditors-read-only",
    "intern-too-much-access",
    "rotate-access-key",
    "contain-leaked-access-key",
    "ec2-role-instead-of-keys",
    "cross-account-partner",
    "boundary-for-delegated-admins",
    "close-privilege-escalation",
}


def _start(slug: str):
    return lab_account(LABS[slug]["setup"], now=NOW, clock=lambda: NOW)


def _solved(slug: str, solution=None):
    account = _start(slug)
    apply_operations(
        account, LABS[slug]["solution"] if solution is None else solution, now=NOW
    )
    return account


def _failing(account, slug: str) -> list[str]:
    return [
        describe(result.goal)
        for result in check_goals(account, LABS[slug]["goals"])
        if not result.passed
    ]


def test_at_least_twelve_labs_cover_the_scenarios_of_the_issue():
    assert len(LABS) >= 12
    assert set(LABS) >= SCENARIOS


@pytest.mark.parametrize("slug", sorted(LABS))
def test_a_shipped_lab_is_well_formed(slug):
    lab = LABS[slug]
    assert lab["slug"] == slug
    assert set(lab) <= LAB_KEYS
    assert set(lab["topics"]) <= QUIZ_TOPICS
    assert lab["hints"], "every lab has hints"
    assert all(isinstance(hint, str) for hint in lab["hints"])
    assert all(isinstance(lab[key], str) for key in ("title", "summary", "brief"))
    assert lab["source"].startswith("https://docs.aws.amazon.com/")
    validate_goals(lab["goals"])


@pytest.mark.parametrize("slug", sorted(LABS))
def test_the_starting_account_fails_a_goal_and_the_solution_meets_all(slug):
    assert _failing(_start(slug), slug), "the start already meets every goal"
    assert _failing(_solved(slug), slug) == []
    assert (
        lab_problems(
            setup=LABS[slug]["setup"],
            goals=LABS[slug]["goals"],
            solution=LABS[slug]["solution"],
        )
        == []
    )


@pytest.mark.parametrize("slug", sorted(LABS))
def test_a_lab_is_the_same_on_any_day(slug):
    later = datetime(2031, 7, 9, tzinfo=UTC)
    account = lab_account(LABS[slug]["setup"], now=later, clock=lambda: later)
    apply_operations(account, LABS[slug]["solution"], now=later)
    assert _failing(account, slug) == []


def _replace(slug: str, index: int, operation: dict) -> list:
    solution = copy.deepcopy(LABS[slug]["solution"])
    solution[index] = operation
    return solution


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
OLD_KEY = "AKIAOLDCIDEPLOYKEY23"
DEVELOPER_ACCESS = "arn:aws:iam::123456789012:policy/DeveloperAccess"

WRONG_SOLUTIONS = [
    pytest.param(
        "auditors-read-only",
        [{"attach_policy": {"kind": "group", "name": "Auditors", "arn": ADMIN}}],
        "user dana cannot s3:PutObject on any resource",
        id="administrator-access-for-auditors",
    ),
    pytest.param(
        "auditors-read-only",
        [
            {
                "attach_policy": {
                    "kind": "user",
                    "name": "dana",
                    "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                }
            },
            {
                "attach_policy": {
                    "kind": "user",
                    "name": "eli",
                    "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                }
            },
        ],
        "no policy-on-user finding",
        id="read-only-on-each-auditor-instead-of-the-group",
    ),  # fmt: skip
    pytest.param(
        "lock-down-root-user",
        _replace(
            "lock-down-root-user",
            0,
            {"set_root_mfa": {"enabled": True}},
        ),
        "the root user has no access keys",
        id="root-mfa-but-the-key-kept",
    ),
    pytest.param(
        "rotate-access-key",
        [{"delete_access_key": {"name": "ci-deploy", "key_id": OLD_KEY}}],
        "user ci-deploy has exactly 1 active access key",
        id="old-key-deleted-before-a-new-one-exists",
    ),
    pytest.param(
        "rotate-access-key",
        [
            {"create_access_key": {"name": "ci-deploy"}},
            {
                "update_access_key": {
                    "name": "ci-deploy",
                    "key_id": "AKIAOLDCIDEPLOYKEY23",
                    "status": "Inactive",
                }
            },
        ],
        "user ci-deploy's access key AKIAOLDCIDEPLOYKEY23 is deleted",
        id="old-key-only-deactivated",
    ),  # fmt: skip
    pytest.param(
        "contain-leaked-access-key",
        LABS["contain-leaked-access-key"]["solution"][1:],
        "user build-bot's access key AKIALEAKEDBUILDKEY45 is inactive or deleted",
        id="leaked-key-left-active",
    ),
    pytest.param(
        "intern-too-much-access",
        LABS["intern-too-much-access"]["solution"][::2],
        "no inline policies on users",
        id="intern-out-of-admins-but-inline-policy-kept",
    ),
    pytest.param(
        "cross-account-partner",
        _replace(
            "cross-account-partner",
            0,
            {
                "create_role": {
                    "name": "PartnerReports",
                    "trust": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                }
            },
        ),
        "111122223333 cannot assume role PartnerReports with no condition keys in "
        "the request",
        id="partner-trusted-without-external-id",
    ),
    pytest.param(
        "ec2-role-instead-of-keys",
        LABS["ec2-role-instead-of-keys"]["solution"][:3],
        "user app-server has no access keys",
        id="role-made-but-the-key-left-on-the-box",
    ),
    pytest.param(
        "close-privilege-escalation",
        [
            {
                "detach_policy": {
                    "kind": "group",
                    "name": "Developers",
                    "arn": DEVELOPER_ACCESS,
                }
            }
        ],
        "user tia can lambda:UpdateFunctionCode on "
        "arn:aws:lambda:us-east-1:123456789012:function:*",
        id="escalation-closed-by-taking-everything-away",
    ),  # fmt: skip
    pytest.param(
        "boundary-for-delegated-admins",
        [{"put_permissions_boundary": {"kind": "user", "name": "maria", "arn": ADMIN}}],
        "user maria cannot iam:AttachUserPolicy on "
        "arn:aws:iam::123456789012:user/maria",
        id="administrator-access-as-the-boundary",
    ),
    pytest.param(
        "onboard-team-with-groups",
        LABS["onboard-team-with-groups"]["solution"][:1]
        + LABS["onboard-team-with-groups"]["solution"][2:],
        "user ana is a member of group DataReaders",
        id="ana-in-one-group-only",
    ),
]


@pytest.mark.parametrize(("slug", "solution", "failing"), WRONG_SOLUTIONS)
def test_a_plausible_wrong_solution_fails_the_goal_that_catches_it(
    slug, solution, failing
):
    assert failing in _failing(_solved(slug, solution), slug)


def test_the_escalation_lab_starts_with_a_privilege_escalation_finding():
    results = check_goals(_start("close-privilege-escalation"), [
        {"no_finding": {"code": "privilege-escalation", "group": "Developers"}}
    ])  # fmt: skip
    assert not results[0].passed
    assert "version" in results[0].message.lower()


def test_a_group_as_bucket_principal_is_refused_in_the_groups_lab():
    from labs.operations import OperationError

    account = _start("groups-are-not-principals")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject",
            "Principal": {"AWS": "arn:aws:iam::123456789012:group/Analysts"},
            "Resource": "arn:aws:s3:::analytics-results/*",
        }],
    }  # fmt: skip
    with pytest.raises(OperationError, match="group is not a principal"):
        apply_operations(account, [{"put_resource_policy": {
            "arn": "arn:aws:s3:::analytics-results", "document": policy}}])  # fmt: skip


def test_nesting_groups_is_refused_in_the_groups_lab():
    from labs.operations import OperationError

    account = _start("no-nested-groups")
    with pytest.raises(OperationError, match="cannot be nested"):
        apply_operations(account, [{"add_user_to_group": {
            "group_name": "Engineering", "user_name": "Frontend"}}])  # fmt: skip

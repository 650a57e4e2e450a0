"""Lab goals checked on a practice account (issue 16), with counterexamples."""

import json

import pytest

from iam.account import Account
from iam.account.goals import GoalError, check_goals, validate_goals

ID = "123456789012"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def account() -> Account:
    account = Account(ID)
    account.create_user("bob")
    account.create_group("Auditors")
    return account


def _one(account, goal):
    [result] = check_goals(account, [goal])
    return result


def test_can_holds_once_the_group_grants_it(account):
    goal = {"can": {"principal": "user/bob", "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::reports/*"}}  # fmt: skip
    result = _one(account, goal)
    assert not result.passed
    assert result.request == {
        "principal": f"arn:aws:iam::{ID}:user/bob",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/example",
    }
    account.add_user_to_group("Auditors", "bob")
    account.attach_policy("group", "Auditors", S3_READ)
    assert _one(account, goal).passed


def test_cannot_finds_the_resource_where_it_is_still_allowed(account):
    account.put_inline_policy(
        "user",
        "bob",
        "Reports",
        _policy({"Effect": "Allow", "Action": "s3:*",
                 "Resource": "arn:aws:s3:::reports/*"}),
    )  # fmt: skip
    goal = {"cannot": {"principal": "user/bob", "action": "s3:DeleteObject"}}
    result = _one(account, goal)
    assert not result.passed
    assert result.request["resource"].startswith("arn:aws:s3:::reports/")
    assert "bob can still s3:DeleteObject" in result.message
    account.put_inline_policy(
        "user",
        "bob",
        "Reports",
        _policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/*"},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        ),
    )
    assert _one(account, goal).passed


def test_cannot_counts_an_allow_that_needs_only_its_conditions(account):
    account.put_inline_policy(
        "user",
        "bob",
        "WithMfa",
        _policy({"Effect": "Allow", "Action": "ec2:TerminateInstances",
                 "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
    )  # fmt: skip
    result = _one(
        account,
        {"cannot": {"principal": "user/bob", "action": "ec2:TerminateInstances"}},
    )
    assert not result.passed
    assert "when the conditions of statement 1 hold" in result.message


def test_account_goals(account):
    key, _ = account.create_root_access_key()
    account.put_inline_policy(
        "group", "Auditors", "Old", _policy({"Effect": "Allow", "Action": "s3:*",
                                             "Resource": "*"})
    )  # fmt: skip
    goals = [
        {"root_access_keys": False},
        {"root_mfa": True},
        {"no_inline_policies": "groups"},
        {"in_group": {"user": "bob", "group": "Auditors"}},
        {"mfa": {"user": "bob"}},
    ]
    assert [r.passed for r in check_goals(account, goals)] == [False] * 5
    account.delete_root_access_key(key.id)
    account.set_root_mfa(True)
    account.delete_inline_policy("group", "Auditors", "Old")
    account.add_user_to_group("Auditors", "bob")
    account.enable_mfa("bob")
    assert all(r.passed for r in check_goals(account, goals))


def test_no_escalation_for_a_group(account):
    account.create_group("Developers")
    account.add_user_to_group("Developers", "bob")
    account.put_inline_policy(
        "group",
        "Developers",
        "Dev",
        _policy({"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}),
    )
    goal = {"no_finding": {"code": "privilege-escalation", "group": "Developers"}}
    result = _one(account, goal)
    assert not result.passed and "Steps:" in result.message
    account.put_inline_policy(
        "group",
        "Developers",
        "Dev",
        _policy({"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}),
    )
    assert _one(account, goal).passed


def test_a_deleted_identity_fails_its_goal_with_a_message(account):
    goal = {"can": {"principal": "user/carol", "action": "s3:GetObject",
                    "resource": "*"}}  # fmt: skip
    result = _one(account, goal)
    assert not result.passed and "no user carol" in result.message


@pytest.mark.parametrize(
    "goal",
    [
        {"can": {"principal": "user/bob"}},
        {"frobnicate": 1},
        {"can": {"principal": "user/bob", "action": "s3:GetObject"}},
        {"no_inline_policies": "everything"},
        {"root_mfa": True, "mfa": {"user": "bob"}},
    ],
)
def test_goals_written_wrongly_are_refused_for_the_author(goal):
    with pytest.raises(GoalError):
        validate_goals([goal])

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


# --- goal kinds the labs need -------------------------------------------------


def _trust(principal: dict, condition: dict | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return _policy(statement)


def test_not_in_group_fails_while_the_user_is_a_member(account):
    goal = {"not_in_group": {"user": "bob", "group": "Auditors"}}
    assert _one(account, goal).passed
    account.add_user_to_group("Auditors", "bob")
    result = _one(account, goal)
    assert not result.passed
    assert "still a member" in result.message


def test_access_key_goals_follow_the_key_through_rotation(account):
    old, _ = account.create_access_key("bob")
    inactive = {"access_key_inactive": {"user": "bob", "key": old.id}}
    deleted = {"access_key_deleted": {"user": "bob", "key": old.id}}
    one = {"active_access_keys": {"user": "bob", "count": 1}}
    none = {"no_access_keys": {"user": "bob"}}
    assert [r.passed for r in check_goals(account, [inactive, deleted, one, none])] == [
        False, False, True, False]  # fmt: skip
    account.create_access_key("bob")
    account.update_access_key("bob", old.id, "Inactive")
    assert [r.passed for r in check_goals(account, [inactive, deleted, one])] == [
        True, False, True]  # fmt: skip
    account.delete_access_key("bob", old.id)
    assert all(r.passed for r in check_goals(account, [inactive, deleted, one]))
    assert not _one(account, none).passed


def test_can_assume_judges_a_service_by_the_trust_policy(account):
    account.create_role("App", _trust({"Service": "ec2.amazonaws.com"}))
    ec2 = {"can_assume": {"role": "App", "principal": "ec2.amazonaws.com"}}
    lam = {"cannot_assume": {"role": "App", "principal": "lambda.amazonaws.com"}}
    assert _one(account, ec2).passed
    assert _one(account, lam).passed
    assert not _one(account, {"can_assume": {
        "role": "App", "principal": "lambda.amazonaws.com"}}).passed  # fmt: skip


def test_cannot_assume_without_the_external_id_shows_the_request(account):
    account.create_role("Partner", _trust({"AWS": "arn:aws:iam::111122223333:root"}))
    without = {"cannot_assume": {"role": "Partner", "principal": "111122223333"}}
    result = _one(account, without)
    assert not result.passed
    assert result.request["action"] == "sts:AssumeRole"
    account.update_assume_role_policy("Partner", _trust(
        {"AWS": "arn:aws:iam::111122223333:root"},
        {"StringEquals": {"sts:ExternalId": "Partner-7731"}},
    ))  # fmt: skip
    assert _one(account, without).passed
    right = {"can_assume": {"role": "Partner", "principal": "111122223333",
                            "context": {"sts:ExternalId": "Partner-7731"}}}  # fmt: skip
    assert _one(account, right).passed


def test_a_missing_role_fails_can_assume_without_stopping_the_check(account):
    [result] = check_goals(account, [{"can_assume": {
        "role": "Nope", "principal": "ec2.amazonaws.com"}}])  # fmt: skip
    assert not result.passed
    assert "Nope" in result.message


def test_instance_profile_and_boundary_goals(account):
    account.create_role("App", _trust({"Service": "ec2.amazonaws.com"}))
    profile = {"instance_profile": {"role": "App"}}
    boundary = {"boundary": {"principal": "user/bob", "policy": S3_READ}}
    assert not _one(account, profile).passed
    assert not _one(account, boundary).passed
    account.add_role_to_instance_profile("AppProfile", "App")
    account.put_permissions_boundary("user", "bob", S3_READ)
    assert _one(account, profile).passed
    assert _one(account, boundary).passed


def test_cannot_holds_for_a_user_that_was_deleted(account):
    goal = {"cannot": {"principal": "user/gone", "action": "s3:GetObject"}}
    assert _one(account, goal).passed


@pytest.mark.parametrize(
    "goal",
    [
        {"active_access_keys": {"user": "bob", "count": 3}},
        {"active_access_keys": {"user": "bob", "count": "1"}},
        {"can_assume": {"role": "App"}},
        {"cannot": {"principal": "group/Auditors", "action": "s3:GetObject"}},
        {"can_assume": {"role": "App", "principal": "x", "context": "wrong"}},
        {"no_active_keys_older_than": "ninety"},
        {"boundary": {"principal": "user/bob"}},
        {"can": {"principal": "user/bob", "action": "s3:GetObject", "resource": 5}},
        {"cannot": {"principal": "user/bob", "action": "s3:Get*", "resource": None}},
        {"no_finding": {"code": "privilege-escalation", "group": ["Admins"]}},
        {
            "can_assume": {
                "role": "App",
                "principal": "111122223333",
                "context": {"sts:ExternalId": {"nested": "map"}},
            }
        },
    ],
)
def test_new_goal_kinds_written_wrongly_are_refused(goal):
    with pytest.raises(GoalError):
        validate_goals([goal])

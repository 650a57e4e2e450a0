"""Operations: a lab's setup and solution as data, applied to an account."""

from datetime import UTC, datetime, timedelta

import pytest

from iam.account import Account
from labs.operations import (
    LAB_ACCOUNT_ID,
    OperationError,
    apply_operations,
    lab_account,
    lab_problems,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _account() -> Account:
    return Account(LAB_ACCOUNT_ID, clock=lambda: NOW)


def test_operations_call_the_accounts_methods_in_order():
    account = _account()
    apply_operations(account, [
        {"create_group": {"name": "Auditors"}},
        {"create_user": {"name": "bob"}},
        {"add_user_to_group": {"group_name": "Auditors", "user_name": "bob"}},
        {"put_inline_policy": {"kind": "group", "name": "Auditors",
                               "policy_name": "Read", "document": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                           "Resource": "*"}]}}},
    ])  # fmt: skip
    assert account.users["bob"].groups == ["Auditors"]
    assert '"s3:GetObject"' in account.groups["Auditors"].inline["Read"]


@pytest.mark.parametrize(
    ("operations", "index", "words"),
    [
        ([{"create_user": {"name": "bob"}}, {"create_user": {"name": "bob"}}], 2,
         "EntityAlreadyExists"),
        ([{"drop_table": {}}], 1, "unknown operation 'drop_table'"),
        ([{"__init__": {}}], 1, "unknown operation"),
        ([{"create_user": {"name": "bob", "colour": "red"}}], 1, "wrong arguments"),
        ([{"create_user": {}}], 1, "wrong arguments"),
        (["create_user"], 1, "one key"),
        ([{"create_user": {"name": "a"}, "create_group": {"name": "b"}}], 1, "one key"),
        ([{"create_user": ["bob"]}], 1, "mapping"),
        ([{"lab_access_key": {"user": "nobody", "id": "AKIAAAAAAAAAAAAAAAAA"}}], 1,
         "NoSuchEntity"),
        ([{"create_user": {"name": "bob"}},
          {"lab_access_key": {"user": "bob", "id": "not-a-key"}}], 2, "AKIA"),
        ([{"create_user": {"name": "bob"}},
          {"lab_access_key": {"user": "bob", "id": "AKIAAAAAAAAAAAAAAAAA",
                              "created_days_ago": -3}}], 2, "number of days"),
        ([{"lab_password_used": {"user": "bob", "days_ago": 1}}], 1, "NoSuchEntity"),
        ([{"delete_policy": {"arn": 5}}], 1, "arn must be str, not int"),
        ([{"set_root_mfa": {"enabled": "yes"}}], 1, "enabled must be bool"),
        ([{"create_role": {"name": "R", "trust": "{}", "max_session_duration": True}}],
         1, "max_session_duration must be int"),
    ],
)  # fmt: skip
def test_a_failing_operation_is_named_by_its_place_and_the_engines_message(
    operations, index, words
):
    with pytest.raises(OperationError) as raised:
        apply_operations(_account(), operations)
    assert raised.value.index == index
    assert f"operation {index}" in str(raised.value)
    assert words in str(raised.value)


def test_lab_operations_date_keys_and_passwords_relative_to_now():
    account = _account()
    apply_operations(account, [
        {"create_user": {"name": "ci"}},
        {"create_login_profile": {"name": "ci"}},
        {"lab_password_used": {"user": "ci", "days_ago": 3}},
        {"lab_access_key": {"user": "ci", "id": "AKIAOLDCIDEPLOYKEY23",
                            "created_days_ago": 200, "last_used_days_ago": 1,
                            "status": "Inactive"}},
        {"lab_root_access_key": {"id": "AKIAEXAMPLEROOTKEY22", "created_days_ago": 9}},
        {"lab_root_password_used": {"days_ago": 2}},
    ], now=NOW)  # fmt: skip
    [key] = account.users["ci"].access_keys
    assert key.id == "AKIAOLDCIDEPLOYKEY23"
    assert key.created == NOW - timedelta(days=200)
    assert key.last_used == NOW - timedelta(days=1)
    assert not key.active
    assert account.users["ci"].password_last_used == NOW - timedelta(days=3)
    assert account.root.access_keys[0].created == NOW - timedelta(days=9)
    assert account.root.password_last_used == NOW - timedelta(days=2)


def test_a_user_gets_no_third_key_from_a_lab_operation():
    account = _account()
    account.create_user("ci")
    account.create_access_key("ci")
    account.create_access_key("ci")
    with pytest.raises(OperationError, match="at most two"):
        apply_operations(
            account, [{"lab_access_key": {"user": "ci", "id": "AKIAOLDCIDEPLOYKEY23"}}]
        )


def test_a_labs_account_is_the_fixed_lab_account():
    account = lab_account([{"create_user": {"name": "bob"}}])
    assert account.id == LAB_ACCOUNT_ID
    assert account.users["bob"].arn == f"arn:aws:iam::{LAB_ACCOUNT_ID}:user/bob"


GOAL = {"in_group": {"user": "bob", "group": "Auditors"}}
SETUP = [{"create_group": {"name": "Auditors"}}, {"create_user": {"name": "bob"}}]
JOIN = [{"add_user_to_group": {"group_name": "Auditors", "user_name": "bob"}}]


@pytest.mark.parametrize(
    ("setup", "goals", "solution", "words"),
    [
        ([{"create_user": {"name": "-bad name-"}}], [GOAL], JOIN, "setup: operation 1"),
        (SETUP, [{"in_group": {"user": "bob"}}], JOIN, "goal 1: goal in_group needs"),
        (SETUP, [], JOIN, "at least one goal"),
        (SETUP + JOIN, [GOAL], [], "already meets every goal"),
        (SETUP, [GOAL], [{"delete_user": {"name": "nobody"}}], "solution: operation 1"),
        (
            SETUP,
            [GOAL],
            [],
            "goal 1 (user bob is a member of group Auditors): the solution",
        ),
        ("create_user", [GOAL], JOIN, "setup: must be a list"),
    ],
)
def test_lab_problems_name_the_place(setup, goals, solution, words):
    problems = lab_problems(setup=setup, goals=goals, solution=solution)
    assert words in "; ".join(str(p) for p in problems)


def test_a_good_lab_has_no_problems():
    assert lab_problems(setup=SETUP, goals=[GOAL], solution=JOIN) == []

"""An identity's effective permissions as a table by service (issue 16)."""

import json
from pathlib import Path

import pytest

from iam.account import Account
from iam.account.model import aws_managed_from_documents
from iam.account.permissions import (
    ALLOWED,
    CONDITIONAL,
    DENIED,
    NOT_ALLOWED,
    permission_table,
)

MANAGED = (
    Path(__file__).resolve().parents[2].parent / "shared/data/aws-managed-policies"
)
ID = "123456789012"
BOB = f"arn:aws:iam::{ID}:user/bob"


def _documents(name):
    path = MANAGED / f"{name}.json"
    return path.read_text() if path.is_file() else None


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def account():
    account = Account(ID, managed_catalog=aws_managed_from_documents(_documents))
    account.create_user("bob")
    account.create_group("Auditors")
    account.add_user_to_group("Auditors", "bob")
    return account


def _rows(account):
    return {(row.action, row.resource): row for row in permission_table(account, BOB)}


def test_a_grant_through_a_group_is_a_row_with_its_reason(account):
    account.attach_policy(
        "group", "Auditors", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    )
    rows = _rows(account)
    row = rows[("s3:Get*", "*")]
    assert row.service == "s3" and row.status == ALLOWED
    assert "attached to group Auditors, of which bob is a member" in row.reason


def test_a_deny_is_a_limit_beside_the_grant_it_carves(account):
    account.put_inline_policy(
        "user",
        "bob",
        "Mine",
        _policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "*"},
        ),
    )
    rows = _rows(account)
    assert rows[("s3:*", "*")].status == ALLOWED
    assert rows[("s3:*", "*")].limits == (
        "s3:DeleteBucket: denied by inline policy Mine, in user bob (statement 2)",
    )
    assert rows[("s3:DeleteBucket", "*")].status == DENIED


def test_conditional_grants_and_boundaries(account):
    account.put_inline_policy(
        "user",
        "bob",
        "Mine",
        _policy(
            {"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
            {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"},
        ),
    )  # fmt: skip
    boundary = account.create_policy(
        "OnlyEc2",
        _policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}),
    )
    account.put_permissions_boundary("user", "bob", boundary.arn)
    rows = _rows(account)
    assert rows[("ec2:StartInstances", "*")].status == CONDITIONAL
    assert rows[("iam:CreateUser", "*")].status == NOT_ALLOWED
    assert "boundary" in rows[("iam:CreateUser", "*")].reason
    assert ("ec2:*", "*") not in rows  # a boundary grants nothing by itself


def test_not_action_says_what_it_leaves_out(account):
    account.put_inline_policy(
        "user",
        "bob",
        "Power",
        _policy({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}),
    )
    row = _rows(account)[("* except iam:*", "*")]
    assert row.status == ALLOWED and row.service == "*"


def test_the_root_user_has_one_row_for_everything(account):
    rows = permission_table(account, f"arn:aws:iam::{ID}:root")
    assert [(r.action, r.status) for r in rows] == [("*", ALLOWED)]

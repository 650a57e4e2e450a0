"""A practice account's stored state (issue 16): everything round-trips, and data
that cannot be read is refused naming where, with no half-built account."""

import json
from pathlib import Path

import pytest

from iam.account import Account, simulate
from iam.account.details import account_from_details, account_to_details
from iam.account.findings import findings
from iam.account.state import StateError, account_from_state, account_to_state

DETAILS = Path(__file__).parent / "data" / "cloudsplaining-example.json"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def _busy_account() -> Account:
    account = Account("111122223333", root_email="owner@example.com")
    account.create_root_access_key()
    account.set_root_mfa(True)
    account.create_group("Auditors")
    account.attach_policy("group", "Auditors", S3_READ)
    bob = account.create_user("bob", path="/staff/")
    account.add_user_to_group("Auditors", "bob")
    account.create_login_profile("bob")
    account.enable_mfa("bob")
    key, _secret = account.create_access_key("bob")
    account.update_access_key("bob", key.id, "Inactive")
    account.create_access_key("bob")
    account.put_inline_policy(
        "user", "bob", "Notes",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"sqs:SendMessage","Resource":"*"}]}',
    )  # fmt: skip
    policy = account.create_policy(
        "Boundary",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"s3:*","Resource":"*"}]}',
    )
    account.create_policy_version(
        policy.arn,
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"s3:Get*","Resource":"*"}]}',
        set_as_default=True,
    )
    account.put_permissions_boundary("user", "bob", policy.arn)
    account.create_role(
        "Builder",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        '{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    )
    account.add_role_to_instance_profile("BuilderProfile", "Builder")
    account.attach_policy("role", "Builder", READ_ONLY)
    account.create_resource("s3-bucket", "reports-2026")
    account.put_resource_policy(
        "arn:aws:s3:::reports-2026",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
        '"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::reports-2026/*"}]}',
    )
    return bob and account


def test_state_round_trips_through_json_with_nothing_lost():
    account = _busy_account()
    state = account_to_state(account)
    again = account_from_state(json.loads(json.dumps(state)))
    assert account_to_state(again) == state
    bob = again.user("bob")
    assert (bob.path, bob.password, bob.mfa, bob.groups) == (
        "/staff/", True, True, ["Auditors"],
    )  # fmt: skip
    assert [key.status for key in bob.access_keys] == ["Inactive", "Active"]
    assert again.root.mfa and len(again.root.access_keys) == 1
    assert again.role("Builder").instance_profiles == ["BuilderProfile"]
    # The same decisions, from the rebuilt account.
    for action, resource in [
        ("s3:GetObject", "arn:aws:s3:::reports-2026/q1.csv"),
        ("s3:PutObject", "arn:aws:s3:::reports-2026/q1.csv"),
        ("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:jobs"),
    ]:
        before = simulate(account, bob.arn, action, resource)
        after = simulate(again, bob.arn, action, resource)
        assert before.decision == after.decision


def test_state_keeps_no_secret_access_key():
    account = Account("111122223333")
    account.create_user("bob")
    _key, secret = account.create_access_key("bob")
    assert secret not in json.dumps(account_to_state(account))


def test_a_real_accounts_state_round_trips():
    account = account_from_details(DETAILS.read_text())
    again = account_from_state(json.loads(json.dumps(account_to_state(account))))
    assert account_to_details(again) == account_to_details(account)
    assert not again.credentials_known
    assert [f.code for f in findings(again)] == [f.code for f in findings(account)]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s.update(version=99), "state.version"),
        (lambda s: s.pop("users"), "state.users: missing"),
        (lambda s: s["users"][0].update(mfa="yes"), "state.users[0].mfa"),
        (lambda s: s["users"][0]["access_keys"][0].update(status="On"), "status"),
        (lambda s: s["users"][0].update(created="yesterday"), "not a date"),
        (lambda s: s["users"][0].update(groups=["Nobody"]), "unknown group Nobody"),
        (
            lambda s: s["roles"][0].update(managed=["arn:aws:iam::1:policy/X"]),
            "unknown",
        ),  # noqa: E501
        (lambda s: s["policies"][0].update(default_version="v9"), "no version v9"),
        (lambda s: s.update(id="12"), "state.id"),
    ],
)
def test_state_that_cannot_be_read_is_refused_naming_where(change, where):
    state = account_to_state(_busy_account())
    state["policies"].sort(key=lambda p: p.get("aws_managed", False))
    change(state)
    with pytest.raises(StateError, match=where.replace("[", r"\[").replace("]", r"\]")):
        account_from_state(state)

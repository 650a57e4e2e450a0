"""Session policies (issue 16): a role's session is limited to what both its
policies and the session policy allow, except where a resource policy names the
session itself; each decision names the session policy where it decides."""

import json

import pytest

from iam.account import Account, AccountError, simulate
from iam.account.cli import _line

S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
TRUST_EC2 = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
    '{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)
READ_ONLY_SESSION = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}
    ],
}
OBJECT = "arn:aws:s3:::reports/q1.csv"


@pytest.fixture
def account() -> Account:
    account = Account("111122223333")
    role = account.create_role("Builder", TRUST_EC2)
    account.attach_policy("role", "Builder", S3_FULL)
    account.create_user("bob")
    return role and account


def _role(account):
    return account.role("Builder").arn


def test_without_a_session_policy_the_role_has_its_policies(account):
    assert simulate(account, _role(account), "s3:PutObject", OBJECT).allowed


def test_a_session_policy_limits_the_session_to_what_both_allow(account):
    session = json.dumps(READ_ONLY_SESSION)
    read = simulate(
        account, _role(account), "s3:GetObject", OBJECT, session_policy=session
    )
    assert read.allowed
    write = simulate(
        account, _role(account), "s3:PutObject", OBJECT, session_policy=session
    )
    assert not write.allowed
    assert "session policy" in write.decision.reason.lower()
    # The session policy grants nothing by itself: both must allow.
    account.detach_policy("role", "Builder", S3_FULL)
    alone = simulate(
        account, _role(account), "s3:GetObject", OBJECT, session_policy=session
    )
    assert not alone.allowed


def test_a_deny_in_the_session_policy_is_named_with_where_it_comes_from(account):
    session = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        ],
    }
    decision = simulate(
        account, _role(account), "s3:DeleteObject", OBJECT, session_policy=session
    )
    assert not decision.allowed
    assert "Denied by the session policy (statement 2), passed when role Builder " in (
        decision.explain()
    )


def test_a_bucket_policy_naming_the_session_itself_is_not_limited_by_it(account):
    account.detach_policy("role", "Builder", S3_FULL)
    bucket = account.create_resource("s3-bucket", "reports")
    session_arn = "arn:aws:sts::111122223333:assumed-role/Builder/practice-session"
    account.put_resource_policy(
        bucket.arn,
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": session_arn},
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::reports/*",
                    }
                ],
            }
        ),
    )
    session = json.dumps(READ_ONLY_SESSION)
    decision = simulate(
        account, _role(account), "s3:PutObject", OBJECT, session_policy=session
    )
    assert decision.allowed


def test_only_a_role_has_a_session_policy(account):
    bob = account.user("bob").arn
    with pytest.raises(AccountError) as raised:
        simulate(account, bob, "s3:GetObject", OBJECT, session_policy=READ_ONLY_SESSION)
    assert raised.value.code == "NotPossibleInIAM"


@pytest.mark.parametrize(
    ("session", "code"),
    [
        ('{"Version": "2012-10-17", "Statement": [', "MalformedPolicyDocument"),
        (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
            '"Action":"s3:*","Resource":"*"}]}',
            "MalformedPolicyDocument",
        ),
        (json.dumps(READ_ONLY_SESSION) + " " * 2_100, "ValidationError"),
    ],
)
def test_a_bad_session_policy_is_refused_with_iams_code(account, session, code):
    with pytest.raises(AccountError) as raised:
        simulate(
            account, _role(account), "s3:GetObject", OBJECT, session_policy=session
        )
    assert raised.value.code == code


def test_the_cli_takes_a_session_policy_on_a_line(account):
    line = json.dumps(
        {
            "principal": _role(account),
            "action": "s3:PutObject",
            "resource": OBJECT,
            "session_policy": READ_ONLY_SESSION,
        }
    )
    answer = _line(account, line)
    assert answer["decision"] != "Allow"
    assert "session policy" in answer["reason"].lower()
    without = _line(account, json.dumps({**json.loads(line), "session_policy": None}))
    assert without["decision"] == "Allow"
    bad = _line(account, json.dumps({**json.loads(line), "session_policy": "{"}))
    assert bad["code"] == "MalformedPolicyDocument"

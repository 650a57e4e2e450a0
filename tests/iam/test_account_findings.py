"""Findings on a practice account (issue 16): the CIS IAM checks, and every
well-known privilege-escalation method with a case where the path is open and
one where a Deny, a resource or a condition really blocks it."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from iam.account import Account
from iam.account.findings import findings

ID = "123456789012"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=200)


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _deny(action, resource="*"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def _trust(principal: dict) -> str:
    return _policy(
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    )


def _codes(account, principal=None) -> set[str]:
    return {
        f.code
        for f in findings(account, now=NOW)
        if principal is None or f.principal == principal
    }


SUPPORT = "arn:aws:iam::aws:policy/AWSSupportAccess"


def _aws_managed(arn: str):
    """AWSSupportAccess as AWS publishes it: support:* on everything."""
    from iam.account import ManagedPolicy

    if arn != SUPPORT:
        return None
    document = _policy(_allow("support:*"))
    return ManagedPolicy(
        "AWSSupportAccess", arn, "/", {"v1": document}, aws_managed=True
    )


@pytest.fixture
def account() -> Account:
    account = Account(ID, clock=lambda: NOW, managed_catalog=_aws_managed)
    account.set_root_mfa(True)
    return account


# --- CIS checks --------------------------------------------------------------------


def test_a_clean_account_has_only_the_support_role_finding(account):
    assert _codes(account) == {"no-support-role"}


def test_root_findings(account):
    account.set_root_mfa(False)
    account.create_root_access_key()
    account.root.password_last_used = NOW - timedelta(days=3)
    found = {f.code: f for f in findings(account, now=NOW)}
    assert {"root-access-keys", "root-without-mfa", "root-used-recently"} <= set(found)
    assert found["root-used-recently"].message.startswith(
        "The root user was used on 2026-11-28"
    )
    account.root.password_last_used = NOW - timedelta(days=120)
    assert "root-used-recently" not in _codes(account)


def test_console_users_without_mfa_and_unused_passwords(account):
    account.create_user("bob")
    account.create_login_profile("bob")
    account.users["bob"].password_last_used = NOW - timedelta(days=1)
    assert "console-without-mfa" in _codes(account)
    account.enable_mfa("bob")
    assert "console-without-mfa" not in _codes(account)
    account.users["bob"].password_last_used = NOW - timedelta(days=46)
    assert "password-unused" in _codes(account)


def test_old_and_unused_access_keys(account):
    account.create_user("bob")
    key, _ = account.create_access_key("bob")
    key.last_used = NOW - timedelta(days=1)
    assert not {"access-key-not-rotated", "access-key-unused"} & _codes(account)
    key.created = NOW - timedelta(days=91)
    assert "access-key-not-rotated" in _codes(account)
    key.last_used = NOW - timedelta(days=50)
    assert "access-key-unused" in _codes(account)
    account.update_access_key("bob", key.id, "Inactive")
    assert not {"access-key-not-rotated", "access-key-unused"} & _codes(account)


def test_policies_on_users_instead_of_groups(account):
    account.create_user("bob")
    account.put_inline_policy("user", "bob", "Own", _policy(_allow("iam:GetUser")))
    assert "policy-on-user" in _codes(account)


def test_a_policy_granting_everything(account):
    account.create_group("Admins")
    policy = account.create_policy("Everything", _policy(_allow("*")))
    assert "policy-grants-everything" not in _codes(account)  # attached to no one
    account.attach_policy("group", "Admins", policy.arn)
    assert "policy-grants-everything" in _codes(account)
    account.put_inline_policy(
        "group", "Admins", "Also", _policy(_allow("*", Condition={
            "Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    )  # fmt: skip
    found = [f for f in findings(account, now=NOW) if f.principal.endswith("Admins")]
    assert not found  # a condition makes it less than everything


def test_a_support_role(account):
    trust = _trust({"AWS": f"arn:aws:iam::{ID}:root"})
    account.create_role("Support", trust)
    account.attach_policy("role", "Support", SUPPORT)
    assert "no-support-role" not in _codes(account)


# --- privilege escalation ---------------------------------------------------------

BOB = f"arn:aws:iam::{ID}:user/bob"
ALICE = f"arn:aws:iam::{ID}:user/alice"
POWER = _policy(_allow(["ec2:*", "s3:*"]))


def _bob(account, *statements):
    account.create_user("bob")
    account.put_inline_policy("user", "bob", "Bob", _policy(*statements))


def _alice_with_power(account):
    account.create_user("alice")
    account.put_inline_policy("user", "alice", "Power", POWER)


def _escalations(account) -> set[str]:
    return {
        code[len("privilege-escalation-") :]
        for code in _codes(account, BOB)
        if code.startswith("privilege-escalation-")
    }


def test_create_policy_version(account):
    policy = account.create_policy("Team", _policy(_allow("s3:GetObject")))
    account.create_user("bob")
    account.attach_policy("user", "bob", policy.arn)
    account.put_inline_policy(
        "user", "bob", "Bob", _policy(_allow("iam:CreatePolicyVersion", policy.arn))
    )
    assert "create-policy-version" in _escalations(account)
    found = next(f for f in findings(account, now=NOW) if "create-policy" in f.code)
    assert found.steps[0].startswith("bob calls iam:CreatePolicyVersion")
    # Blocked: the permission is on another policy only.
    account.put_inline_policy(
        "user",
        "bob",
        "Bob",
        _policy(_allow("iam:CreatePolicyVersion", f"arn:aws:iam::{ID}:policy/Other")),
    )
    assert "create-policy-version" not in _escalations(account)


def test_set_default_policy_version(account):
    policy = account.create_policy("Team", _policy(_allow("s3:GetObject")))
    account.create_policy_version(policy.arn, _policy(_allow("ec2:RunInstances")))
    account.create_user("bob")
    account.attach_policy("user", "bob", policy.arn)
    account.put_inline_policy(
        "user", "bob", "Bob", _policy(_allow("iam:SetDefaultPolicyVersion"))
    )
    assert "set-default-policy-version" in _escalations(account)
    # Blocked: the other version allows nothing more.
    account.delete_policy_version(policy.arn, "v2")
    account.create_policy_version(policy.arn, _policy(_allow("s3:GetObject")))
    assert "set-default-policy-version" not in _escalations(account)


@pytest.mark.parametrize(
    ("action", "code", "password"),
    [
        ("iam:CreateAccessKey", "create-access-key", False),
        ("iam:CreateLoginProfile", "create-login-profile", False),
        ("iam:UpdateLoginProfile", "update-login-profile", True),
    ],
)
def test_credentials_of_another_user(account, action, code, password):
    _alice_with_power(account)
    if password:
        account.create_login_profile("alice")
    _bob(account, _allow(action, "*"))
    assert code in _escalations(account)
    # Blocked by a Deny on alice.
    account.put_inline_policy(
        "user", "bob", "Bob", _policy(_allow(action, "*"), _deny(action, ALICE))
    )
    assert code not in _escalations(account)


def test_create_access_key_is_blocked_when_the_user_has_two_keys(account):
    _alice_with_power(account)
    account.create_access_key("alice")
    account.create_access_key("alice")
    _bob(account, _allow("iam:CreateAccessKey"))
    assert "create-access-key" not in _escalations(account)
    _bob_again = _policy(_allow(["iam:CreateAccessKey", "iam:DeleteAccessKey"]))
    account.put_inline_policy("user", "bob", "Bob", _bob_again)
    assert "create-access-key" in _escalations(account)


def test_no_path_to_a_user_who_can_do_nothing_more(account):
    account.create_user("alice")
    _bob(account, _allow(["iam:CreateAccessKey", "s3:*"]))
    assert "create-access-key" not in _escalations(account)


def test_own_credentials_only_with_a_variable(account):
    _alice_with_power(account)
    _bob(
        account,
        _allow("iam:CreateAccessKey", f"arn:aws:iam::{ID}:user/${{aws:username}}"),
    )
    assert "create-access-key" not in _escalations(account)


@pytest.mark.parametrize("verb", ["Attach", "Put"])
def test_a_policy_on_itself(account, verb):
    _bob(account, _allow(f"iam:{verb}UserPolicy", BOB))
    assert f"{verb.lower()}-user-policy" in _escalations(account)
    # Blocked: only on another user.
    account.create_user("carol")
    account.put_inline_policy(
        "user",
        "bob",
        "Bob",
        _policy(_allow(f"iam:{verb}UserPolicy", f"arn:aws:iam::{ID}:user/carol")),
    )
    assert f"{verb.lower()}-user-policy" not in _escalations(account)


@pytest.mark.parametrize("verb", ["Attach", "Put"])
def test_a_policy_on_its_group(account, verb):
    account.create_group("Dev")
    _bob(account, _allow(f"iam:{verb}GroupPolicy", f"arn:aws:iam::{ID}:group/Dev"))
    assert f"{verb.lower()}-group-policy" not in _escalations(account)  # not a member
    account.add_user_to_group("Dev", "bob")
    assert f"{verb.lower()}-group-policy" in _escalations(account)


@pytest.mark.parametrize("verb", ["Attach", "Put"])
def test_a_policy_on_a_role_it_can_assume(account, verb):
    account.create_user("bob")
    role = account.create_role("Ops", _trust({"AWS": BOB}))
    account.put_inline_policy(
        "user", "bob", "Bob", _policy(_allow(f"iam:{verb}RolePolicy", role.arn))
    )
    assert f"{verb.lower()}-role-policy" in _escalations(account)
    # Blocked: the trust policy names someone else.
    account.create_user("carol")
    account.update_assume_role_policy(
        "Ops", _trust({"AWS": f"arn:aws:iam::{ID}:user/carol"})
    )
    assert f"{verb.lower()}-role-policy" not in _escalations(account)


def test_add_user_to_group(account):
    account.create_group("Admins")
    account.put_inline_policy("group", "Admins", "Power", POWER)
    _bob(account, _allow("iam:AddUserToGroup", f"arn:aws:iam::{ID}:group/Admins"))
    assert "add-user-to-group" in _escalations(account)
    # Blocked: a boundary keeps bob to what he has.
    boundary = account.create_policy("Bound", _policy(_allow("iam:AddUserToGroup")))
    account.put_permissions_boundary("user", "bob", boundary.arn)
    assert "add-user-to-group" not in _escalations(account)


def test_update_assume_role_policy(account):
    role = account.create_role("Ops", _trust({"Service": "ec2.amazonaws.com"}))
    account.put_inline_policy("role", "Ops", "Power", POWER)
    _bob(account, _allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], role.arn))
    assert "update-assume-role-policy" in _escalations(account)
    # Blocked: bob's own policies do not allow sts:AssumeRole.
    account.put_inline_policy(
        "user", "bob", "Bob", _policy(_allow("iam:UpdateAssumeRolePolicy", role.arn))
    )
    assert "update-assume-role-policy" not in _escalations(account)


SERVICES = {
    "lambda": (
        "lambda.amazonaws.com",
        ["lambda:CreateFunction", "lambda:InvokeFunction"],
    ),
    "ec2": ("ec2.amazonaws.com", ["ec2:RunInstances"]),
    "glue": ("glue.amazonaws.com", ["glue:CreateDevEndpoint"]),
    "cloudformation": ("cloudformation.amazonaws.com", ["cloudformation:CreateStack"]),
    "datapipeline": (
        "datapipeline.amazonaws.com",
        ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
    ),
    "sagemaker": (
        "sagemaker.amazonaws.com",
        [
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
    ),
    "codebuild": (
        "codebuild.amazonaws.com",
        ["codebuild:CreateProject", "codebuild:StartBuild"],
    ),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_pass_role_to_a_service_that_runs_code(account, service):
    principal, calls = SERVICES[service]
    role = account.create_role("Runner", _trust({"Service": principal}))
    account.put_inline_policy(
        "role", "Runner", "Power", _policy(_allow(["iam:CreateUser", "s3:*"]))
    )
    account.add_role_to_instance_profile("Runner", "Runner")
    _bob(account, _allow("iam:PassRole", role.arn), _allow(calls))
    assert f"pass-role-{service}" in _escalations(account)
    # Blocked: PassRole only to another service.
    account.put_inline_policy(
        "user",
        "bob",
        "Bob",
        _policy(
            _allow(
                "iam:PassRole",
                role.arn,
                Condition={
                    "StringEquals": {"iam:PassedToService": "ecs.amazonaws.com"}
                },
            ),
            _allow(calls),
        ),
    )
    assert f"pass-role-{service}" not in _escalations(account)


def test_an_administrator_has_nothing_to_escalate_to(account):
    _alice_with_power(account)
    _bob(account, _allow("*"))
    assert not _escalations(account)


def test_findings_serialise_as_the_cli_prints_them(account):
    _alice_with_power(account)
    _bob(account, _allow("iam:CreateAccessKey", ALICE))
    found = next(
        f.as_dict() for f in findings(account, now=NOW) if f.principal == BOB
        and f.code.startswith("privilege")
    )  # fmt: skip
    assert set(found) == {"code", "severity", "principal", "message", "steps"}
    assert found["steps"][-1].startswith("alice can ")


def test_ec2_takes_a_role_only_through_an_instance_profile(account):
    role = account.create_role("Runner", _trust({"Service": "ec2.amazonaws.com"}))
    account.put_inline_policy("role", "Runner", "Power", POWER)
    _bob(account, _allow("iam:PassRole", role.arn), _allow("ec2:RunInstances"))
    assert "pass-role-ec2" not in _escalations(account)
    account.add_role_to_instance_profile("RunnerProfile", "Runner")
    assert "pass-role-ec2" in _escalations(account)


# --- chains of roles ------------------------------------------------------------------


def _chain(account, *, last_policy=None, second_hop_trusted=True):
    """dev can assume role First, which can assume role Second."""
    dev = account.create_user("dev")
    account.put_inline_policy("user", "dev", "Hop", _policy(_allow("sts:AssumeRole")))
    first = account.create_role("First", _trust({"AWS": dev.arn}))
    account.put_inline_policy("role", "First", "Hop", _policy(_allow("sts:AssumeRole")))
    trusted = first.arn if second_hop_trusted else f"arn:aws:iam::{ID}:user/nobody"
    if not second_hop_trusted:
        account.create_user("nobody")
    account.create_role("Second", _trust({"AWS": trusted}))
    account.put_inline_policy(
        "role", "Second", "Power", last_policy or _policy(_allow("*"))
    )
    return dev


def test_a_chain_of_roles_to_full_access_is_a_path(account):
    dev = _chain(account)
    found = [
        f
        for f in findings(account, now=NOW)
        if f.principal == dev.arn and f.code == "privilege-escalation-assume-role"
    ]
    assert len(found) == 1
    assert found[0].steps == (
        "dev assumes role First",
        "First assumes role Second",
        "as Second, dev can do anything",
    )
    assert "role First then role Second, which has full administrative" in (
        found[0].message
    )


def test_a_chain_that_a_trust_policy_breaks_is_no_path(account):
    dev = _chain(account, second_hop_trusted=False)
    assert "privilege-escalation-assume-role" not in _codes(account, dev.arn)


def test_a_chain_that_a_deny_breaks_is_no_path(account):
    dev = _chain(account)
    account.put_inline_policy(
        "role", "First", "NoHop", _policy(_deny("sts:AssumeRole"))
    )
    assert "privilege-escalation-assume-role" not in _codes(account, dev.arn)


def test_a_chain_to_a_role_with_its_own_method_carries_that_method(account):
    # Second cannot do everything, but may create an access key for admin.
    account.create_user("admin")
    account.put_inline_policy("user", "admin", "All", _policy(_allow("*")))
    dev = _chain(account, last_policy=_policy(_allow("iam:CreateAccessKey")))
    found = [
        f
        for f in findings(account, now=NOW)
        if f.principal == dev.arn and f.code == "privilege-escalation-create-access-key"
    ]
    assert len(found) == 1
    assert found[0].steps[:2] == ("dev assumes role First", "First assumes role Second")
    assert "Second calls iam:CreateAccessKey for user admin" in found[0].steps


def test_roles_that_trust_each_other_end_the_search(account):
    dev = account.create_user("dev")
    account.put_inline_policy("user", "dev", "Hop", _policy(_allow("sts:AssumeRole")))
    account.create_role("A", _trust({"AWS": dev.arn}))
    account.create_role("B", _trust({"AWS": f"arn:aws:iam::{ID}:role/A"}))
    account.update_assume_role_policy(
        "A", _trust({"AWS": [dev.arn, f"arn:aws:iam::{ID}:role/B"]})
    )
    for name in ("A", "B"):
        account.put_inline_policy(
            "role", name, "Hop", _policy(_allow("sts:AssumeRole"))
        )
    assert "privilege-escalation-assume-role" not in _codes(account, dev.arn)


# --- conditions an attacker meets ------------------------------------------------


def _policy_writer(account, condition):
    """bob may rewrite the policy attached to him, under ``condition``."""
    bob = account.create_user("bob")
    policy = account.create_policy("BobTools", _policy(_allow("s3:ListAllMyBuckets")))
    account.attach_policy("user", "bob", policy.arn)
    account.put_inline_policy(
        "user",
        "bob",
        "Rewrite",
        _policy(_allow("iam:CreatePolicyVersion", policy.arn, Condition=condition)),
    )
    return bob


@pytest.mark.parametrize(
    ("condition", "open_"),
    [
        # Met by every request made now, with fresh credentials, over TLS.
        ({"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}, True),
        ({"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
        # Not met by such a request.
        ({"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}, False),
        ({"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}, False),
        # Nothing says the attacker has these: taken as not met.
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, False),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False),
    ],
)
def test_a_condition_opens_a_path_only_when_a_request_made_now_meets_it(
    account, condition, open_
):
    bob = _policy_writer(account, condition)
    found = "privilege-escalation-create-policy-version" in _codes(account, bob.arn)
    assert found is open_

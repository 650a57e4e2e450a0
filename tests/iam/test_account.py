"""The practice account (issue 16): IAM's rules with IAM's error codes, and
effective permissions that name each deciding policy and where it is attached."""

import json
from pathlib import Path

import pytest

from iam.account import Account, AccountError, simulate, who_can
from iam.account.model import aws_managed_from_documents

MANAGED = Path(__file__).resolve().parents[3] / "shared/data/aws-managed-policies"
ID = "123456789012"
BOB = f"arn:aws:iam::{ID}:user/bob"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def _documents(name: str) -> str | None:
    path = MANAGED / f"{name}.json"
    return path.read_text() if path.is_file() else None


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def _deny(action, resource="*"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


@pytest.fixture
def account() -> Account:
    return Account(ID, managed_catalog=aws_managed_from_documents(_documents))


def _refused(code: str, call, *args, **kwargs) -> str:
    with pytest.raises(AccountError) as raised:
        call(*args, **kwargs)
    assert raised.value.code == code, raised.value
    return raised.value.message


# --- IAM's rules -----------------------------------------------------------------


def test_names_are_unique_without_regard_to_case(account):
    account.create_user("bob")
    message = _refused("EntityAlreadyExists", account.create_user, "BOB")
    assert message == "User with name BOB already exists."
    account.create_group("Admins")
    _refused("EntityAlreadyExists", account.create_group, "admins")


@pytest.mark.parametrize("name", ["", "bob smith", "bob/x", "é", "x" * 65])
def test_names_follow_iams_characters_and_lengths(account, name):
    _refused("ValidationError", account.create_user, name)


def test_a_path_begins_and_ends_with_a_slash(account):
    _refused("ValidationError", account.create_user, "bob", "team")
    assert (
        account.create_user("bob", "/team/").arn == f"arn:aws:iam::{ID}:user/team/bob"
    )


def test_a_user_has_at_most_two_access_keys(account):
    account.create_user("bob")
    first, secret = account.create_access_key("bob")
    assert first.id.startswith("AKIA") and len(first.id) == 20 and len(secret) == 40
    account.create_access_key("bob")
    message = _refused("LimitExceeded", account.create_access_key, "bob")
    assert message == "Cannot exceed quota for AccessKeysPerUser: 2"
    account.update_access_key("bob", first.id, "Inactive")
    _refused("LimitExceeded", account.create_access_key, "bob")  # inactive counts
    account.delete_access_key("bob", first.id)
    account.create_access_key("bob")
    _refused("ValidationError", account.update_access_key, "bob", first.id, "Off")


def test_a_user_is_in_at_most_ten_groups(account):
    account.create_user("bob")
    for number in range(10):
        account.create_group(f"g{number}")
        account.add_user_to_group(f"g{number}", "bob")
    account.add_user_to_group("g0", "bob")  # again: harmless, as in IAM
    account.create_group("g10")
    message = _refused("LimitExceeded", account.add_user_to_group, "g10", "bob")
    assert message == "Cannot exceed quota for GroupsPerUser: 10"


def test_a_group_cannot_contain_a_group(account):
    account.create_group("Developers")
    account.create_group("Everyone")
    message = _refused(
        "NotPossibleInIAM", account.add_user_to_group, "Everyone", "Developers"
    )
    assert "cannot be nested" in message


def test_ten_managed_policies_per_identity(account):
    account.create_user("bob")
    for number in range(10):
        policy = account.create_policy(f"p{number}", _policy(_allow("s3:GetObject")))
        account.attach_policy("user", "bob", policy.arn)
    extra = account.create_policy("p10", _policy(_allow("s3:GetObject")))
    message = _refused("LimitExceeded", account.attach_policy, "user", "bob", extra.arn)
    assert message == "Cannot exceed quota for PoliciesPerUser: 10"


def test_a_user_is_deleted_only_once_it_holds_nothing(account):
    account.create_user("bob")
    account.create_group("Auditors")
    key, _ = account.create_access_key("bob")
    account.add_user_to_group("Auditors", "bob")
    account.attach_policy("user", "bob", S3_READ)
    account.put_inline_policy("user", "bob", "Own", _policy(_allow("iam:GetUser")))
    account.create_login_profile("bob")
    steps = [
        ("delete login profile", lambda: account.delete_login_profile("bob")),
        ("delete access keys", lambda: account.delete_access_key("bob", key.id)),
        ("remove user from all groups",
         lambda: account.remove_user_from_group("Auditors", "bob")),
        ("detach all policies", lambda: account.detach_policy("user", "bob", S3_READ)),
        ("delete policies", lambda: account.delete_inline_policy("user", "bob", "Own")),
    ]  # fmt: skip
    for expected, undo in steps:
        message = _refused("DeleteConflict", account.delete_user, "bob")
        assert message == f"Cannot delete entity, must {expected} first."
        undo()
    account.delete_user("bob")
    assert "bob" not in account.users


def test_a_group_with_members_cannot_be_deleted(account):
    account.create_user("bob")
    account.create_group("Auditors")
    account.add_user_to_group("Auditors", "bob")
    message = _refused("DeleteConflict", account.delete_group, "Auditors")
    assert message == "Cannot delete entity, must remove users from group first."


def test_policy_documents_are_checked_and_sized(account):
    message = _refused(
        "MalformedPolicyDocument",
        account.create_policy,
        "Bad",
        '{"Version": "2012-10-17"',
    )
    assert "line" in message
    big = _policy(*[_allow(f"s3:GetObject{n:04}") for n in range(200)])
    _refused("LimitExceeded", account.create_policy, "Big", big)
    account.create_user("bob")
    message = _refused(
        "LimitExceeded", account.put_inline_policy, "user", "bob", "Big", big
    )
    assert message == "Maximum policy size of 2048 bytes exceeded for user bob"


def test_white_space_does_not_count_toward_a_policy_size(account):
    statements = [_allow(f"s3:GetObject{n:03}") for n in range(40)]
    spaced = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=40)
    assert len(spaced) > 6_144
    account.create_policy("Spaced", spaced)


def test_a_managed_policy_keeps_at_most_five_versions(account):
    policy = account.create_policy("P", _policy(_allow("s3:GetObject")))
    for _ in range(4):
        account.create_policy_version(policy.arn, _policy(_allow("s3:ListBucket")))
    _refused(
        "LimitExceeded",
        account.create_policy_version,
        policy.arn,
        _policy(_allow("s3:*")),
    )
    _refused("DeleteConflict", account.delete_policy_version, policy.arn, "v1")
    account.delete_policy_version(policy.arn, "v2")
    assert account.create_policy_version(policy.arn, _policy(_allow("s3:*"))) == "v6"


def test_an_attached_policy_cannot_be_deleted(account):
    policy = account.create_policy("P", _policy(_allow("s3:GetObject")))
    account.create_group("Auditors")
    account.attach_policy("group", "Auditors", policy.arn)
    _refused("DeleteConflict", account.delete_policy, policy.arn)


def test_aws_managed_policies_cannot_be_changed(account):
    _refused(
        "InvalidInput",
        account.create_policy_version,
        S3_READ,
        _policy(_allow("s3:*")),
    )


def test_the_root_user_cannot_have_policies_attached(account):
    message = _refused("NotPossibleInIAM", account.attach_policy, "root", "", S3_READ)
    assert "SCPs" in message


def test_an_unknown_policy_is_not_attachable(account):
    account.create_user("bob")
    message = _refused(
        "NoSuchEntity",
        account.attach_policy,
        "user",
        "bob",
        "arn:aws:iam::aws:policy/NoSuchPolicyAtAll",
    )
    assert message.endswith("does not exist or is not attachable.")


def test_a_group_is_not_a_principal_in_a_resource_policy(account):
    bucket = account.create_resource("s3-bucket", "reports")
    account.create_group("Auditors")
    document = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ID}:group/Auditors"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/*",
        }
    )
    message = _refused(
        "MalformedPolicy", account.put_resource_policy, bucket.arn, document
    )
    assert "Invalid principal in policy" in message


def test_a_trust_policy_may_not_name_a_user_that_does_not_exist(account):
    trust = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ID}:user/ghost"},
            "Action": "sts:AssumeRole",
        }
    )
    _refused("MalformedPolicyDocument", account.create_role, "R", trust)


def test_a_role_session_lasts_one_to_twelve_hours(account):
    trust = _policy(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}
    )  # fmt: skip
    _refused(
        "ValidationError", account.create_role, "R", trust, max_session_duration=60
    )
    role = account.create_role("R", trust, max_session_duration=43_200)
    assert role.max_session_duration == 43_200


# --- effective permissions ---------------------------------------------------------


@pytest.fixture
def auditors(account):
    account.create_user("bob")
    account.create_group("Auditors")
    account.add_user_to_group("Auditors", "bob")
    account.attach_policy("group", "Auditors", S3_READ)
    return account


def test_a_grant_names_the_policy_and_the_group_it_reaches_bob_through(auditors):
    decision = simulate(auditors, BOB, "s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    assert decision.allowed
    assert (
        "Allowed by AmazonS3ReadOnlyAccess (statement 1), attached to group "
        "Auditors, of which bob is a member." in decision.explain()
    )
    assert decision.as_dict()["allowed_by"][0]["policy_arn"] == S3_READ


def test_an_explicit_deny_names_its_inline_policy(auditors):
    auditors.put_inline_policy(
        "user", "bob", "NoReports", _policy(_deny("s3:*", "arn:aws:s3:::reports/*"))
    )
    decision = simulate(auditors, BOB, "s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    assert not decision.allowed
    assert "Denied by inline policy NoReports (statement 1), in user bob." in (
        decision.explain()
    )


def test_a_boundary_limits_what_the_groups_grant(auditors):
    boundary = auditors.create_policy("OnlyLogs", _policy(_allow("logs:*")))
    auditors.put_permissions_boundary("user", "bob", boundary.arn)
    decision = simulate(auditors, BOB, "s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    assert not decision.allowed
    assert "boundary" in decision.explain().lower()
    _refused(
        "NotPossibleInIAM",
        auditors.put_permissions_boundary,
        "group",
        "Auditors",
        boundary.arn,
    )


def test_a_bucket_policy_deny_applies_and_is_named(auditors):
    bucket = auditors.create_resource("s3-bucket", "reports")
    auditors.put_resource_policy(
        bucket.arn,
        _policy(
            {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::reports/secret/*"}
        ),
    )  # fmt: skip
    decision = simulate(auditors, BOB, "s3:GetObject", "arn:aws:s3:::reports/secret/a")
    assert not decision.allowed
    assert "the bucket policy (statement 1), of bucket reports" in decision.explain()
    assert simulate(auditors, BOB, "s3:GetObject", "arn:aws:s3:::reports/open").allowed


def test_the_root_user_can_do_anything_in_its_account(account):
    decision = simulate(account, f"arn:aws:iam::{ID}:root", "iam:DeleteUser", "*")
    assert decision.allowed
    assert "root user's full access" in decision.explain()


def test_a_group_cannot_make_a_request(auditors):
    message = _refused(
        "NotPossibleInIAM",
        simulate,
        auditors,
        f"arn:aws:iam::{ID}:group/Auditors",
        "s3:GetObject",
        "*",
    )
    assert "not a principal" in message


def test_assuming_a_role_needs_its_trust_policy_and_the_callers_permission(account):
    account.create_user("bob")
    account.create_user("eve")
    trust = _policy(
        {"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": "sts:AssumeRole"}
    )
    role = account.create_role("Deployer", trust)
    for name in ("bob", "eve"):
        account.put_inline_policy(
            "user", name, "Assume", _policy(_allow("sts:AssumeRole", role.arn))
        )
    assert simulate(account, BOB, "sts:AssumeRole", role.arn).allowed
    eve = simulate(account, f"arn:aws:iam::{ID}:user/eve", "sts:AssumeRole", role.arn)
    assert not eve.allowed


def test_a_role_acts_with_its_own_policies(account):
    trust = _policy(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}
    )  # fmt: skip
    role = account.create_role("WebServer", trust)
    account.attach_policy("role", "WebServer", S3_READ)
    decision = simulate(
        account, role.arn, "s3:GetObject", "arn:aws:s3:::site/index.html"
    )
    assert decision.allowed
    assert "attached to role WebServer" in decision.explain()


def test_who_can_lists_every_principal_allowed(auditors):
    auditors.create_user("carol")
    found = who_can(auditors, "s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    assert [d.principal for d in found] == [f"arn:aws:iam::{ID}:root", BOB]


def test_the_shipped_aws_managed_policies_are_attachable():
    from iam.account.managed import aws_managed_arn, aws_managed_names

    account = Account(ID)  # the shipped set by default
    names = aws_managed_names()
    assert len(names) > 1_000
    assert {"AdministratorAccess", "ReadOnlyAccess", "AWSSupportAccess"} <= set(names)
    assert all(name in names for name in (p.stem for p in MANAGED.glob("*.json")))
    account.create_role(
        "Support",
        _policy(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ID}:root"},
             "Action": "sts:AssumeRole"}
        ),
    )  # fmt: skip
    account.attach_policy("role", "Support", aws_managed_arn("AWSSupportAccess"))
    decision = simulate(
        account, f"arn:aws:iam::{ID}:role/Support", "support:DescribeCases", "*"
    )
    assert decision.allowed
    # A path is part of the ARN: job-function policies live under it.
    view_only = aws_managed_arn("ViewOnlyAccess")
    assert view_only == "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
    _refused(
        "NoSuchEntity",
        account.attach_policy,
        "role",
        "Support",
        "arn:aws:iam::aws:policy/ViewOnlyAccess",
    )

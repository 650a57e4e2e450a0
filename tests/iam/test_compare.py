"""Semantic comparison of policies: counterexamples in both directions.

The policies follow the IAM User Guide's examples (identity-based policy examples,
policy evaluation logic, permissions boundaries, SCP examples); the grading rules
are those of issue 5. No test needs a database.
"""

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iam import (
    Budget,
    Comparison,
    Counterexample,
    Request,
    catalog,
    compare,
    evaluate,
    parse_policy,
)
from iam.cli import DEFAULT_PRINCIPAL, _PolicyCache, simulate_line
from iam.compare import PRINCIPAL, Cause
from iam.values import always_sent, with_always_sent
from tests import pathological
from tests.pathological import wildcard_statements

ROOT = Path(__file__).resolve().parents[2]
ALICE = PRINCIPAL
ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(document, request, kind):
    """How the comparison documents each kind is judged, written out again."""
    parsed = parse_policy(document, kind=kind)
    everything = parse_policy(policy(ALLOW_ALL))
    trusting = parse_policy(
        policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
        kind="resource",
    )
    caller_account = request.principal.split(":")[4] if ":" in request.principal else ""
    parts = request.resource.split(":")
    owner = (parts[4] if len(parts) > 4 and parts[4] else "") or (
        request.resource_account or caller_account
    )
    cross = bool(caller_account) and caller_account != owner
    if kind in ("resource", "trust"):
        return evaluate(request, resource_policy=parsed)
    extra = {"resource_policy": trusting} if cross else {}
    if kind == "identity":
        return evaluate(request, identity=[parsed], **extra)
    if kind == "scp":
        return evaluate(request, identity=[everything], scps=[parsed], **extra)
    return evaluate(request, identity=[everything], **{kind: parsed}, **extra)


def assert_verified(result, candidate, reference, kind="identity"):
    """Every counterexample, rebuilt from its JSON, gets the claimed decisions."""
    for example, candidate_allows in (
        (result.too_permissive, True),
        (result.too_strict, False),
    ):
        if example is None:
            continue
        data = example.to_json()
        request = Request(
            data["principal"],
            data["action"],
            data["resource"],
            data["context"],
            data.get("resource_account"),
        )
        assert decide(candidate, request, kind).allowed is candidate_allows
        assert decide(reference, request, kind).allowed is not candidate_allows
        assert example.candidate.allowed is candidate_allows
        assert example.reference.allowed is not candidate_allows


def test_identical_policies_have_no_counterexample_and_are_exhaustive():
    document = policy(
        allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::reports/*"),
        deny("s3:DeleteObject"),
    )
    result = compare(document, document)
    assert isinstance(result, Comparison)
    assert result.too_permissive is None
    assert result.too_strict is None
    assert result.equivalent
    assert result.exhaustive
    assert result.checked > 0


def test_service_wildcard_is_too_permissive_with_a_real_s3_action():
    candidate = policy(allow("s3:*", "arn:aws:s3:::reports/*"))
    reference = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    result = compare(candidate, reference)
    example = result.too_permissive
    assert isinstance(example, Counterexample)
    action = example.request.action
    assert action.startswith("s3:") and action != "s3:GetObject"
    assert catalog.canonical_action(action) == action
    assert example.describe().startswith(f"Your policy also allows {action} on ")
    assert result.too_strict is None
    assert_verified(result, candidate, reference)


def test_missing_action_is_too_strict():
    reference = policy(
        allow("s3:ListBucket", "arn:aws:s3:::reports"),
        allow("s3:GetObject", "arn:aws:s3:::reports/*"),
    )
    candidate = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    result = compare(candidate, reference)
    assert result.too_permissive is None
    example = result.too_strict
    assert example.request.action == "s3:ListBucket"
    assert example.request.resource == "arn:aws:s3:::reports"
    assert example.describe() == (
        "Your policy denies s3:ListBucket on arn:aws:s3:::reports, "
        "which the task needs."
    )
    assert_verified(result, candidate, reference)


def test_fixed_user_differs_from_username_variable_both_ways():
    """A hard-coded user is right for alice only: bob is denied his own user and
    allowed alice's."""
    actions = ["iam:ChangePassword", "iam:GetUser"]
    reference = policy(allow(actions, "arn:aws:iam::123456789012:user/${aws:username}"))
    candidate = policy(allow(actions, "arn:aws:iam::123456789012:user/alice"))
    result = compare(candidate, reference)
    bob = "arn:aws:iam::123456789012:user/bob"
    assert result.too_permissive.request.principal == bob
    assert result.too_permissive.request.resource.endswith(":user/alice")
    assert result.too_strict.request.principal == bob
    assert result.too_strict.request.resource == bob
    assert "when the caller is " + bob in result.too_strict.describe()
    assert_verified(result, candidate, reference)


def test_seed_password_policy_with_any_resource_reaches_other_users():
    """The seed's self-service policy, fixed (no spaces in the actions): with
    Resource "*" it also lets alice manage bob."""
    actions = ["iam:ChangePassword", "iam:GetUser"]
    reference = policy(allow(actions, "arn:aws:iam::123456789012:user/${aws:username}"))
    candidate = policy(allow(actions, "*"))
    result = compare(candidate, reference)
    example = result.too_permissive
    assert example.request.principal == ALICE
    assert example.request.action in actions
    assert example.request.resource == "arn:aws:iam::123456789012:user/bob"
    assert example.describe() == (
        f"Your policy also allows {example.request.action} on "
        "arn:aws:iam::123456789012:user/bob."
    )
    assert result.too_strict is None
    assert_verified(result, candidate, reference)


def test_region_deny_with_an_extra_region_is_too_permissive():
    def only(regions):
        condition = {"StringNotEquals": {"aws:RequestedRegion": regions}}
        return policy(ALLOW_ALL, deny("*", Condition=condition))

    candidate = only(["eu-west-1", "eu-central-1"])
    reference = only(["eu-west-1"])
    result = compare(candidate, reference)
    example = result.too_permissive
    # Every other key is what AWS sends with any request (issue 13, item 4).
    assert example.request.context == {
        **always_sent(ALICE),
        "aws:RequestedRegion": "eu-central-1",
    }
    assert "when aws:RequestedRegion is eu-central-1" in example.describe()
    assert result.too_strict is None
    assert_verified(result, candidate, reference)


def test_wider_source_ip_range_is_too_permissive():
    def from_network(cidr):
        condition = {"IpAddress": {"aws:SourceIp": cidr}}
        return policy(
            allow("s3:GetObject", "arn:aws:s3:::reports/*", Condition=condition)
        )

    candidate = from_network("192.0.2.0/24")
    reference = from_network("192.0.2.0/25")
    result = compare(candidate, reference)
    address = result.too_permissive.request.context["aws:SourceIp"]
    assert address.startswith("192.0.2.")
    assert int(address.rsplit(".", 1)[1]) >= 128
    assert result.too_strict is None
    assert_verified(result, candidate, reference)


def test_missing_mfa_guard_lets_terminate_through_without_mfa():
    mfa = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    reference = policy(
        allow("ec2:*"),
        deny(["ec2:TerminateInstances", "ec2:StopInstances"], Condition=mfa),
    )
    candidate = policy(allow("ec2:*"))
    result = compare(candidate, reference)
    example = result.too_permissive
    assert example.request.action in ("ec2:TerminateInstances", "ec2:StopInstances")
    assert example.request.context.get("aws:MultiFactorAuthPresent") in (None, False)
    assert "aws:MultiFactorAuthPresent" in example.describe()
    assert result.too_strict is None
    assert_verified(result, candidate, reference)


def test_requiring_mfa_for_everything_is_too_strict():
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    reference = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    candidate = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*", Condition=mfa))
    result = compare(candidate, reference)
    assert result.too_permissive is None
    assert result.too_strict.request.context.get("aws:MultiFactorAuthPresent") in (
        None,
        False,
    )
    assert_verified(result, candidate, reference)


def test_not_action_deny_all_except_global_services():
    outside = {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}
    reference = policy(
        ALLOW_ALL,
        {
            "Effect": "Deny",
            "NotAction": ["iam:*", "organizations:*", "sts:*"],
            "Resource": "*",
            "Condition": outside,
        },
    )
    candidate = policy(ALLOW_ALL, deny("*", Condition=outside))
    result = compare(candidate, reference)
    example = result.too_strict
    assert example.request.action.split(":")[0] in ("iam", "organizations", "sts")
    assert example.request.context.get("aws:RequestedRegion") != "eu-west-1"
    assert result.too_permissive is None
    assert_verified(result, candidate, reference)


def test_not_action_that_forgets_a_service_is_found():
    def except_(actions):
        return policy({"Effect": "Allow", "NotAction": actions, "Resource": "*"})

    candidate = except_(["iam:*"])
    reference = except_(["iam:*", "organizations:*"])
    result = compare(candidate, reference)
    assert result.too_permissive.request.action.startswith("organizations:")
    assert result.too_strict is None
    assert_verified(result, candidate, reference)


def test_bucket_policy_open_to_everyone_versus_one_partner_account():
    reads = {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
    partner = {"AWS": "arn:aws:iam::444455556666:root"}
    reference = policy({"Effect": "Allow", "Principal": partner, **reads})
    candidate = policy({"Effect": "Allow", "Principal": "*", **reads})
    result = compare(candidate, reference, kind="resource")
    example = result.too_permissive
    assert example.request.action == "s3:GetObject"
    assert ":444455556666:" not in example.request.principal
    assert example.to_json()["resource_account"] == "123456789012"
    assert f" to {example.request.principal}" in example.describe()
    assert result.too_strict is None
    assert_verified(result, candidate, reference, "resource")


def test_bucket_policy_naming_the_wrong_account_is_too_strict_for_the_partner():
    reads = {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
    reference = policy(
        {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, **reads}
    )
    candidate = policy(
        {"Effect": "Allow", "Principal": {"AWS": "777788889999"}, **reads}
    )
    result = compare(candidate, reference, kind="resource")
    assert ":444455556666:" in result.too_strict.request.principal
    assert ":777788889999:" in result.too_permissive.request.principal
    assert_verified(result, candidate, reference, "resource")


def test_trust_policy_trusting_the_whole_account_instead_of_a_role():
    role = "arn:aws:iam::444455556666:role/deployer"
    reference = policy(
        {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "sts:AssumeRole"}
    )
    candidate = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "444455556666"},
            "Action": "sts:AssumeRole",
        }
    )
    result = compare(candidate, reference, kind="trust")
    example = result.too_permissive
    assert example.request.action == "sts:AssumeRole"
    assert ":444455556666:" in example.request.principal
    assert "deployer" not in example.request.principal
    assert result.too_strict is None
    assert_verified(result, candidate, reference, "trust")


def test_boundary_kind_missing_a_service_is_too_strict():
    reference = policy(allow(["s3:*", "cloudwatch:*", "ec2:Describe*"]))
    candidate = policy(allow(["s3:*", "cloudwatch:*"]))
    result = compare(candidate, reference, kind="boundary")
    example = result.too_strict
    assert example.request.action.startswith("ec2:Describe")
    assert example.describe().startswith("Your permissions boundary denies ")
    assert result.too_permissive is None
    assert_verified(result, candidate, reference, "boundary")


def test_scp_without_the_leave_organization_deny_is_too_permissive():
    reference = policy(ALLOW_ALL, deny("organizations:LeaveOrganization"))
    candidate = policy(ALLOW_ALL)
    result = compare(candidate, reference, kind="scp")
    example = result.too_permissive
    assert example.request.action == "organizations:LeaveOrganization"
    assert example.request.resource == "*"
    assert example.describe() == (
        "Your SCP also allows organizations:LeaveOrganization on *."
    )
    assert result.too_strict is None
    assert_verified(result, candidate, reference, "scp")


def test_scp_with_only_a_deny_blocks_everything_else():
    reference = policy(ALLOW_ALL, deny("organizations:LeaveOrganization"))
    candidate = policy(deny("organizations:LeaveOrganization"))
    result = compare(candidate, reference, kind="scp")
    assert result.too_permissive is None
    assert result.too_strict.request.action != "organizations:LeaveOrganization"
    assert_verified(result, candidate, reference, "scp")


def test_session_policy_with_a_wider_pattern_is_too_permissive():
    reference = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    candidate = policy(allow("s3:Get*", "arn:aws:s3:::reports/*"))
    result = compare(candidate, reference, kind="session")
    assert result.too_permissive.request.action.startswith("s3:Get")
    assert_verified(result, candidate, reference, "session")


def test_full_admin_against_s3_admin_names_an_unrelated_destructive_action():
    result = compare(policy(ALLOW_ALL), policy(allow("s3:*")))
    action = result.too_permissive.request.action
    assert not action.startswith("s3:")
    assert catalog.canonical_action(action) == action


def test_describe_never_quotes_the_reference():
    reference = policy(
        {
            "Sid": "SecretReferenceSid",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/hidden-prefix-*",
        }
    )
    candidate = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    result = compare(candidate, reference)
    for example in (result.too_permissive, result.too_strict):
        if example is not None:
            text = example.describe() + json.dumps(example.to_json())
            assert "SecretReferenceSid" not in text
            assert "hidden-prefix-*" not in text
            assert "SecretReferenceSid" not in example.candidate.explain()
    assert result.too_permissive is not None


def test_accepts_text_and_parsed_policies_alike():
    candidate = policy(allow("s3:*", "arn:aws:s3:::reports/*"))
    reference = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    from_text = compare(json.dumps(candidate), json.dumps(reference))
    from_parsed = compare(parse_policy(candidate), parse_policy(reference))
    assert from_text.to_json() == from_parsed.to_json()


def test_an_unknown_kind_is_refused():
    document = parse_policy(policy(allow("s3:GetObject")))
    with pytest.raises(ValueError, match="kind must be one of"):
        compare(document, document, kind="group")


def test_a_small_budget_stops_early_and_says_so():
    document = policy(
        allow(
            ["s3:*", "ec2:*", "iam:Get*"],
            Condition={"Bool": {"aws:SecureTransport": "true"}},
        )
    )
    result = compare(document, document, budget=Budget(requests=5, seconds=600))
    assert result.equivalent
    assert result.checked == 5
    assert not result.exhaustive


def test_pathological_policy_stops_at_its_budget_and_says_so():
    document = policy(*wildcard_statements(30))
    result = compare(document, document, budget=Budget(requests=1_000, seconds=600))
    assert result.equivalent
    assert result.checked == 1_000
    assert not result.exhaustive


def test_pathological_policy_is_proved_equivalent_to_itself():
    """Issue 13, item 7: thirty statements full of wildcards, each with a
    condition of its own, are decided exactly within the request budget."""
    document = policy(*wildcard_statements(30))
    result = compare(document, document)
    assert result.equivalent
    assert result.exhaustive


def test_every_counterexample_action_comes_from_the_catalog_first():
    candidate = policy(allow(["s3:GetObject", "s3:MadeUpAction"], "*"))
    reference = policy(allow("s3:ListBucket", "*"))
    result = compare(candidate, reference)
    assert result.too_permissive.request.action == "s3:GetObject"
    assert result.too_strict.request.action == "s3:ListBucket"


def test_counterexample_request_replays_through_simulate():
    candidate = policy(allow("s3:*", "arn:aws:s3:::reports/*"))
    reference = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    example = compare(candidate, reference).too_permissive
    line = json.dumps(
        {"policies": {"identity": [candidate]}, "request": example.to_json()}
    )
    assert simulate_line(line, _PolicyCache())["decision"] == "Allow"
    assert example.to_json()["principal"] != DEFAULT_PRINCIPAL


def test_to_json_has_the_simulate_request_shape():
    candidate = policy(allow("s3:*", "arn:aws:s3:::reports/*"))
    reference = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    data = compare(candidate, reference).to_json()
    assert set(data) == {"too_permissive", "too_strict", "exhaustive"}
    assert set(data["too_permissive"]) == {"principal", "action", "resource", "context"}
    assert data["too_strict"] is None
    assert data["exhaustive"] is True


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "iam", "compare", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_prints_both_directions_as_json(tmp_path):
    candidate = tmp_path / "candidate.json"
    reference = tmp_path / "reference.json"
    candidate.write_text(json.dumps(policy(allow("s3:GetObject", "*"))))
    reference.write_text(
        json.dumps(policy(allow(["s3:GetObject", "s3:PutObject"], "*")))
    )
    done = run(str(candidate), str(reference))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["too_permissive"] is None
    assert answer["too_strict"]["action"] == "s3:PutObject"
    assert set(answer["too_strict"]) >= {"principal", "action", "resource", "context"}
    assert answer["exhaustive"] is True


def test_cli_compares_resource_policies_with_kind(tmp_path):
    reads = {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
    candidate = tmp_path / "candidate.json"
    reference = tmp_path / "reference.json"
    candidate.write_text(
        json.dumps(policy({"Effect": "Allow", "Principal": "*", **reads}))
    )
    reference.write_text(
        json.dumps(
            policy({"Effect": "Allow", "Principal": {"AWS": "444455556666"}, **reads})
        )
    )
    done = run(str(candidate), str(reference), "--kind", "resource")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["too_permissive"]["resource_account"] == "123456789012"
    assert answer["too_strict"] is None


def test_cli_refuses_an_invalid_policy_with_exit_2(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(policy(allow("s3:GetObject"))))
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "allow"}]}')
    done = run(str(bad), str(good))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "error" in done.stderr


# --- properties over small generated policies --------------------------------

ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:*",
    "s3:Get*",
    "iam:GetUser",
    "iam:*",
    "ec2:TerminateInstances",
    "ec2:Describe*",
    "*",
]
RESOURCES = [
    "*",
    "arn:aws:s3:::reports",
    "arn:aws:s3:::reports/*",
    "arn:aws:s3:::*",
    "arn:aws:iam::123456789012:user/${aws:username}",
    "arn:aws:iam::*:user/*",
    "arn:aws:ec2:*:*:instance/*",
]
CONDITIONS = [
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
    {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/25", "203.0.113.0/24"]}},
    {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}},
    {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}},
    {"ForAllValues:StringLike": {"aws:TagKeys": ["team*"]}},
    {"StringLike": {"aws:PrincipalTag/team": "red*"}},
    {"Null": {"aws:SourceIp": "true"}},
]


@st.composite
def statements(draw):
    statement = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3))
    resources = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    statement[
        "NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"
    ] = actions
    resource_element = "NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"
    statement[resource_element] = resources
    if draw(st.booleans()):
        statement["Condition"] = draw(st.sampled_from(CONDITIONS))
    return statement


@st.composite
def policies(draw):
    return policy(*draw(st.lists(statements(), min_size=1, max_size=3)))


KIND = st.sampled_from(["identity", "identity", "boundary", "scp"])


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(policies(), policies(), KIND)
def test_every_counterexample_replays_to_the_claimed_decisions(
    candidate, reference, kind
):
    result = compare(candidate, reference, kind=kind)
    assert_verified(result, candidate, reference, kind)
    for example in (result.too_permissive, result.too_strict):
        if example is not None:
            assert catalog.canonical_action(example.request.action) is not None


@settings(max_examples=40, deadline=None)
@given(policies(), KIND)
def test_a_policy_never_differs_from_itself(document, kind):
    result = compare(document, document, kind=kind)
    assert result.equivalent


PROBES = [
    Request(ALICE, "s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
    Request(ALICE, "s3:PutObject", "arn:aws:s3:::other-bucket/a.txt"),
    Request(ALICE, "s3:ListBucket", "arn:aws:s3:::reports"),
    Request(ALICE, "iam:GetUser", "arn:aws:iam::123456789012:user/alice"),
    Request(ALICE, "iam:GetUser", "arn:aws:iam::123456789012:user/bob"),
    Request(
        ALICE,
        "ec2:TerminateInstances",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
        {"aws:MultiFactorAuthPresent": False},
    ),
    Request(
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::reports/q1.csv",
        {"aws:SourceIp": "192.0.2.7", "aws:RequestedRegion": "eu-west-1"},
    ),
    Request(
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::reports/q1.csv",
        {"aws:SourceIp": "192.0.2.200"},
    ),
    Request(
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::reports/q1.csv",
        {"aws:MultiFactorAuthPresent": True, "aws:MultiFactorAuthAge": "60"},
    ),
]


@settings(max_examples=60, deadline=None)
@given(policies(), policies())
def test_a_difference_on_a_probe_request_is_always_found(candidate, reference):
    """The space is built to cover what the patterns and conditions distinguish:
    wherever a plain probe request, with the keys AWS always sends, tells the
    policies apart, so does the search."""
    result = compare(candidate, reference)
    assert result.exhaustive
    for sent in PROBES:
        context = with_always_sent(sent.principal, sent.context)
        probe = Request(sent.principal, sent.action, sent.resource, context)
        mine = decide(candidate, probe, "identity").allowed
        theirs = decide(reference, probe, "identity").allowed
        if mine and not theirs:
            assert result.too_permissive is not None, probe
        if theirs and not mine:
            assert result.too_strict is not None, probe


BUCKET_PRINCIPALS = [
    "*",
    {"AWS": "444455556666"},
    {"AWS": "arn:aws:iam::123456789012:user/alice"},
    {"AWS": "arn:aws:iam::444455556666:role/deployer"},
    {"AWS": ["arn:aws:iam::123456789012:root", "777788889999"]},
    {"Service": "cloudtrail.amazonaws.com"},
]
BUCKET_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:*", "s3:Get*"]
BUCKET_RESOURCES = [
    "arn:aws:s3:::reports",
    "arn:aws:s3:::reports/*",
    "arn:aws:s3:::reports/public/*",
    "arn:aws:s3:::*",
]


@st.composite
def bucket_statements(draw):
    statement = {
        "Effect": draw(st.sampled_from(["Allow", "Deny"])),
        "Principal": draw(st.sampled_from(BUCKET_PRINCIPALS)),
        "Action": draw(
            st.lists(st.sampled_from(BUCKET_ACTIONS), min_size=1, max_size=2)
        ),
        "Resource": draw(
            st.lists(st.sampled_from(BUCKET_RESOURCES), min_size=1, max_size=2)
        ),
    }
    if draw(st.booleans()):
        statement["Condition"] = draw(st.sampled_from(CONDITIONS[:6]))
    return statement


BUCKET_POLICIES = st.lists(bucket_statements(), min_size=1, max_size=3).map(
    lambda items: policy(*items)
)
BUCKET_PROBES = [
    Request(principal, action, resource, None, "123456789012")
    for principal in (
        ALICE,
        "arn:aws:iam::444455556666:user/dev",
        "arn:aws:iam::444455556666:root",
        "arn:aws:sts::444455556666:assumed-role/deployer/session",
        "arn:aws:iam::999999999999:user/stranger",
        "arn:aws:iam::999999999999:root",
        "*",
    )
    for action, resource in (
        ("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
        ("s3:ListBucket", "arn:aws:s3:::reports"),
        ("s3:PutObject", "arn:aws:s3:::reports/public/notes.txt"),
    )
]


@settings(max_examples=50, deadline=None)
@given(BUCKET_POLICIES, BUCKET_POLICIES)
def test_bucket_policy_counterexamples_replay_and_probes_are_found(
    candidate, reference
):
    result = compare(candidate, reference, kind="resource")
    assert_verified(result, candidate, reference, "resource")
    for probe in BUCKET_PROBES:
        mine = decide(candidate, probe, "resource").allowed
        theirs = decide(reference, probe, "resource").allowed
        if mine and not theirs:
            assert result.too_permissive is not None, probe
        if theirs and not mine:
            assert result.too_strict is not None, probe


@pytest.mark.parametrize(
    ("kind", "candidate", "reference"),
    [
        (
            "identity",
            policy(allow("s3:GetObject", "arn:aws:s3:::partner-data/*")),
            policy(allow("s3:GetObject", "arn:aws:s3:::reports/*")),
        ),
        (
            "resource",
            policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "444455556666"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports/*",
                }
            ),
            policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ALICE},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports/*",
                }
            ),
        ),
    ],
)
def test_counterexamples_are_judged_as_evaluate_policy_judges_them(
    kind, candidate, reference
):
    """The search and an exercise's test requests judge one request alike."""
    from iam import evaluate_policy

    result = compare(candidate, reference, kind=kind)
    found = [e for e in (result.too_permissive, result.too_strict) if e]
    assert found
    for example in found:
        for document, decision in (
            (candidate, example.candidate),
            (reference, example.reference),
        ):
            again = evaluate_policy(parse_policy(document, kind=kind), example.request)
            assert again.effect == decision.effect


# --- issue 13: never "equivalent" without proof; requests that could happen --------

READ_ONE_BUCKET = policy(
    allow("s3:ListBucket", "arn:aws:s3:::reports-123456789012", Sid="ListReports"),
    allow("s3:GetObject", "arn:aws:s3:::reports-123456789012/*", Sid="ReadReports"),
)
# Issue 13, item 1: a Deny whose conditions can all hold at once, each key needing
# its own value; the combinations are far more than the search can try one by one.
RED_TEAM_DENY = {
    **pathological.RED_TEAM_DENY,
    "Condition": {
        **pathological.RED_TEAM_DENY["Condition"],
        "Bool": {"aws:SecureTransport": "true"},
    },
}


def test_a_deny_with_many_conditions_is_found_by_meeting_them_all_at_once():
    candidate = policy(*READ_ONE_BUCKET["Statement"], RED_TEAM_DENY)
    result = compare(candidate, READ_ONE_BUCKET)
    example = result.too_strict
    assert example is not None
    assert example.request.action == "s3:GetObject"
    assert example.candidate.effect == "ExplicitDeny"
    assert result.too_permissive is None
    assert_verified(result, candidate, READ_ONE_BUCKET)


def test_a_search_cut_short_without_a_difference_is_not_exhaustive():
    candidate = policy(*READ_ONE_BUCKET["Statement"], RED_TEAM_DENY)
    result = compare(
        candidate, READ_ONE_BUCKET, budget=Budget(requests=10, seconds=600)
    )
    assert result.equivalent
    assert not result.exhaustive


def test_an_action_outside_the_catalog_is_never_a_counterexample():
    """A misspelt action ("iam: ChangePassword") matches no request AWS sends."""
    resource = "arn:aws:iam::123456789012:user/${aws:username}"
    candidate = policy(allow(["iam: ChangePassword", "iam: GetUser"], resource))
    reference = policy(allow(["iam:ChangePassword", "iam:GetUser"], resource))
    result = compare(candidate, reference)
    assert result.too_permissive is None
    assert result.too_strict.request.action in ("iam:ChangePassword", "iam:GetUser")
    assert result.exhaustive


def test_every_counterexample_carries_the_keys_aws_always_sends():
    """A condition on aws:SecureTransport or aws:RequestedRegion is never slipped
    past by leaving the key out: real requests always have it."""
    https_only = deny("*", Condition={"Bool": {"aws:SecureTransport": "false"}})
    in_region = deny(
        "*", Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}
    )
    reads = allow("s3:GetObject", "arn:aws:s3:::reports/*")
    for candidate, reference in (
        (policy(reads), policy(reads, https_only)),
        (policy(reads), policy(reads, in_region)),
        (policy(reads, https_only), policy(reads, in_region)),
    ):
        result = compare(candidate, reference)
        assert result.too_permissive is not None
        for example in (result.too_permissive, result.too_strict):
            if example is None:
                continue
            context = example.request.context
            assert set(always_sent(example.request.principal)) <= set(context)
            assert isinstance(context["aws:SecureTransport"], bool)
            assert context["aws:RequestedRegion"] in ("us-east-1", "eu-west-1")
        assert_verified(result, candidate, reference)


def test_the_time_and_the_caller_keys_agree_with_each_other():
    candidate = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    before = {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}
    reference = policy(
        allow("s3:GetObject", "arn:aws:s3:::reports/*", Condition=before)
    )
    example = compare(candidate, reference).too_permissive
    context = example.request.context
    moment = datetime.fromisoformat(context["aws:CurrentTime"])
    assert int(moment.timestamp()) == int(context["aws:EpochTime"])
    assert moment.year >= 2030
    assert example.request.principal == ALICE
    assert context["aws:userid"].startswith("AIDA")
    assert context["aws:SourceIp"].count(".") == 3


def test_global_services_are_always_requested_in_us_east_1():
    outside = {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}
    candidate = policy(ALLOW_ALL, deny("*", Condition=outside))
    reference = policy(ALLOW_ALL, deny("s3:*", Condition=outside))
    result = compare(candidate, reference)
    example = result.too_strict
    assert example.request.action.split(":")[0] != "s3"
    if example.request.action.split(":")[0] in ("iam", "organizations"):
        assert example.request.context["aws:RequestedRegion"] == "us-east-1"
    assert_verified(result, candidate, reference)


def test_numbers_are_written_as_people_write_them():
    def at_most(operator):
        condition = {operator: {"s3:max-keys": "100"}}
        return policy(
            allow("s3:ListBucket", "arn:aws:s3:::reports", Condition=condition)
        )

    result = compare(at_most("NumericLessThanEquals"), at_most("NumericLessThan"))
    example = result.too_permissive
    assert example.request.context["s3:max-keys"] == "100"
    assert "s3:max-keys is 100" in example.describe()
    assert_verified(
        result, at_most("NumericLessThanEquals"), at_most("NumericLessThan")
    )


def test_single_valued_keys_get_one_value_under_for_any_value():
    regions = {"ForAnyValue:StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}}
    candidate = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    reference = policy(
        allow("s3:GetObject", "arn:aws:s3:::reports/*", Condition=regions)
    )
    result = compare(candidate, reference)
    assert isinstance(result.too_permissive.request.context["aws:RequestedRegion"], str)
    assert_verified(result, candidate, reference)


# --- issue 13, item 6: the cause, and up to three counterexamples per direction ----

WIDE_TEXT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadEverything",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    },
    {
      "Effect": "Deny",
      "Action": "s3:ListBucket",
      "Resource": "*"
    }
  ]
}"""
NARROW = policy(
    allow(
        ["s3:GetObject", "s3:ListBucket"],
        ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
    )
)


def test_a_too_permissive_request_names_the_statement_and_line_that_allow_it():
    result = compare(WIDE_TEXT, NARROW)
    cause = result.too_permissive.cause()
    assert isinstance(cause, Cause)
    assert (cause.statement, cause.sid, cause.line) == (1, "ReadEverything", 4)
    assert cause.text == 'Statement 1 ("ReadEverything"), on line 4, allows it.'


def test_a_too_strict_request_names_the_statement_that_denies_it():
    result = compare(WIDE_TEXT, NARROW)
    example = result.too_strict
    assert example.request.action == "s3:ListBucket"
    cause = example.cause()
    assert (cause.statement, cause.sid, cause.line) == (2, None, 10)
    assert cause.text == "Statement 2, on line 10, denies it."


def test_a_too_strict_request_no_statement_allows_says_so():
    candidate = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    cause = compare(candidate, NARROW).too_strict.cause()
    assert cause == Cause("No statement of your policy allows it.")


def test_up_to_three_counterexamples_per_direction_on_different_actions_first():
    result = compare(WIDE_TEXT, NARROW)
    permissive = result.examples("too_permissive")
    assert len(permissive) == 3
    assert permissive[0] is result.too_permissive
    assert len({e.request.action for e in permissive}) == 3
    assert result.examples("too_strict") == (result.too_strict,)
    for example in permissive:
        assert example.candidate.allowed and not example.reference.allowed
        assert example.cause().statement == 1
        replayed = compare(WIDE_TEXT, NARROW)  # the same answer every time
        assert replayed.examples("too_permissive")[1].request == permissive[1].request


def test_the_same_action_on_other_resources_fills_in_when_actions_run_out():
    candidate = policy(allow("s3:GetObject", "*"))
    reference = policy(
        allow("s3:GetObject", "arn:aws:s3:::reports/*"),
        deny("s3:GetObject", "arn:aws:s3:::archive/*"),
    )
    permissive = compare(candidate, reference).examples("too_permissive")
    assert len(permissive) >= 2
    assert len({e.request.resource for e in permissive}) == len(permissive)
    for example in permissive:
        assert example.request.action == "s3:GetObject"
        assert not example.request.resource.startswith("arn:aws:s3:::reports/")


def test_cli_keeps_its_keys_and_adds_every_example_with_its_cause(tmp_path):
    candidate = tmp_path / "candidate.json"
    reference = tmp_path / "reference.json"
    candidate.write_text(WIDE_TEXT)
    reference.write_text(json.dumps(NARROW))
    done = run(str(candidate), str(reference))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    expected = compare(WIDE_TEXT, NARROW).to_json()
    assert {k: answer[k] for k in expected} == expected
    assert list(answer)[:3] == ["too_permissive", "too_strict", "exhaustive"]
    examples = answer["examples"]
    assert len(examples["too_permissive"]) == 3
    assert examples["too_permissive"][0]["request"] == answer["too_permissive"]
    first = examples["too_strict"][0]
    assert first["cause"] == "Statement 2, on line 10, denies it."
    assert (first["statement"], first["line"]) == (2, 10)
    assert first["sentence"].startswith("Your policy denies s3:ListBucket")


# --- issue 13, item 5: the names the task uses --------------------------------------

REPORTS = policy(
    allow("s3:ListBucket", "arn:aws:s3:::reports-123456789012"),
    allow("s3:GetObject", "arn:aws:s3:::reports-123456789012/*"),
)
PREFIX_WILDCARD = policy(
    allow(["s3:ListBucket", "s3:GetObject"], "arn:aws:s3:::reports-123456789012*")
)


def test_wildcards_are_filled_with_the_names_the_task_uses():
    names = [
        "reports-123456789012-archive",
        "arn:aws:s3:::reports-123456789012/2024/q1.csv",
    ]
    result = compare(PREFIX_WILDCARD, REPORTS, names=names)
    resources = {e.request.resource for e in result.examples("too_permissive")}
    assert resources == {
        "arn:aws:s3:::reports-123456789012-archive",
        "arn:aws:s3:::reports-123456789012-archive/q1.csv",
    }
    assert_verified(result, PREFIX_WILDCARD, REPORTS)


def test_without_names_wildcards_get_invented_fills():
    result = compare(PREFIX_WILDCARD, REPORTS)
    assert "reports-123456789012example" in result.too_permissive.request.resource
    assert_verified(result, PREFIX_WILDCARD, REPORTS)


# Issue 13, item 2: the resource space is covered, not sampled.
ROLE_ANY = allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/*")
ROLE_READ_ONLY = allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/ReadOnly")
ACCESS_POINT_OBJECT = (
    "arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap/object/q1.csv"
)


def test_any_role_is_too_permissive_against_one_role():
    candidate, reference = policy(ROLE_ANY), policy(ROLE_READ_ONLY)
    result = compare(candidate, reference)
    assert result.too_permissive is not None
    assert result.too_permissive.request.action == "sts:AssumeRole"
    resource = result.too_permissive.request.resource
    assert resource.startswith("arn:aws:iam::111122223333:role/")
    assert resource != "arn:aws:iam::111122223333:role/ReadOnly"
    assert result.too_strict is None
    assert result.exhaustive
    assert_verified(result, candidate, reference)
    reverse = compare(reference, candidate)
    assert reverse.too_strict is not None and reverse.too_permissive is None
    assert_verified(reverse, reference, candidate)


def test_any_resource_reaches_access_point_objects_that_bucket_objects_miss():
    candidate = policy(allow("s3:GetObject", "*"))
    reference = policy(allow("s3:GetObject", "arn:aws:s3:::*/*"))
    result = compare(candidate, reference)
    assert result.too_permissive is not None
    assert ":accesspoint/" in result.too_permissive.request.resource
    assert "/object/" in result.too_permissive.request.resource
    assert result.too_strict is None
    assert result.exhaustive
    assert_verified(result, candidate, reference)


def test_access_point_objects_alone_are_too_strict_against_any_resource():
    candidate = policy(allow("s3:GetObject", ACCESS_POINT_OBJECT))
    reference = policy(allow("s3:GetObject", "*"))
    result = compare(candidate, reference)
    assert result.too_strict is not None
    assert result.too_strict.request.resource != ACCESS_POINT_OBJECT
    assert_verified(result, candidate, reference)


def test_equal_resource_spaces_written_differently_stay_equivalent():
    candidate = policy(allow("s3:GetObject", "arn:aws:s3:::reports-*/*"))
    reference = policy(
        allow("s3:GetObject", ["arn:aws:s3:::reports-?*/*", "arn:aws:s3:::reports-/*"])
    )
    result = compare(candidate, reference)
    assert result.equivalent
    assert result.exhaustive


def test_cli_finds_the_role_and_access_point_differences(tmp_path):
    pairs = [
        (ROLE_ANY, ROLE_READ_ONLY, "arn:aws:iam::111122223333:role/"),
        (
            allow("s3:GetObject", "*"),
            allow("s3:GetObject", "arn:aws:s3:::*/*"),
            ":accesspoint/",
        ),
    ]
    for index, (wide, narrow, expected) in enumerate(pairs):
        candidate = tmp_path / f"candidate{index}.json"
        reference = tmp_path / f"reference{index}.json"
        candidate.write_text(json.dumps(policy(wide)))
        reference.write_text(json.dumps(policy(narrow)))
        done = run(str(candidate), str(reference))
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert answer["exhaustive"] is True
        assert answer["too_strict"] is None
        found = answer["too_permissive"]
        assert expected in found["resource"]
        request = Request(
            found["principal"], found["action"], found["resource"], found["context"]
        )
        assert decide(policy(wide), request, "identity").allowed
        assert not decide(policy(narrow), request, "identity").allowed


@pytest.mark.parametrize(
    ("action", "left_out", "expected"),
    [
        ("s3:List*", "arn:aws:s3:us-*:*:storage-*", ":storage-lens-group/"),
        ("s3:*", "arn:aws:s3:us-*:*:job*", ":job/"),
        ("*", "arn:aws:s3:us-*:*:job*", ":job/"),
    ],
)
def test_every_resource_type_of_an_action_class_is_tried(action, left_out, expected):
    """Actions one pattern covers are tried once per way their resource types
    meet the patterns, not only the well-known ones and one per access level."""
    candidate = policy(allow(action, "*"))
    reference = policy({"Effect": "Allow", "Action": action, "NotResource": left_out})
    result = compare(candidate, reference)
    assert result.too_permissive is not None
    assert expected in result.too_permissive.request.resource
    assert result.exhaustive
    assert_verified(result, candidate, reference)


def test_a_resource_variable_the_caller_does_not_decide_is_not_exhaustive():
    tagged = "arn:aws:s3:::reports/${aws:PrincipalTag/team}/*"
    candidate = policy(allow("s3:GetObject", tagged))
    result = compare(candidate, candidate)
    assert result.equivalent
    assert not result.exhaustive


def test_a_resource_variable_of_the_caller_stays_exhaustive():
    own = policy(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"))
    assert compare(own, own).exhaustive


def test_a_wildcard_on_the_caller_is_not_exhaustive():
    """Callers are sampled (alice, bob, one per pattern), not covered."""
    like = {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dev-*"}}
    candidate = policy(allow("s3:GetObject", "*", Condition=like))
    result = compare(candidate, candidate)
    assert result.equivalent
    assert not result.exhaustive

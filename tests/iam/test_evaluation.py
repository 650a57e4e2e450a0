"""Combining policies; the case library in cases/ covers each rule in depth."""

import json
from pathlib import Path

import pytest

from iam import KINDS, Request, evaluate, evaluate_policy, parse_policy

ACCOUNT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/alice"
BUCKET_OBJECT = "arn:aws:s3:::reports/2024/q1.csv"


def identity(effect="Allow", action="s3:GetObject", resource="*", **extra):
    return parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": effect, "Action": action, "Resource": resource, **extra}
            ],
        }
    )


def bucket_policy(principal, effect="Allow", action="s3:GetObject"):
    return parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": effect,
                    "Principal": principal,
                    "Action": action,
                    "Resource": "arn:aws:s3:::reports/*",
                }
            ],
        },
        kind="resource",
    )


def test_nothing_allows_by_default():
    decision = evaluate(Request(ALICE, "s3:GetObject", BUCKET_OBJECT))
    assert decision.effect == "ImplicitDeny"
    assert not decision.allowed


def test_explicit_deny_overrides_allow():
    decision = evaluate(
        Request(ALICE, "s3:GetObject", BUCKET_OBJECT),
        identity=[identity(), identity("Deny")],
    )
    assert decision.effect == "ExplicitDeny"
    assert "explicit" in decision.explain().lower()


def test_action_matching_is_case_insensitive():
    assert evaluate(
        Request(ALICE, "S3:getobject", BUCKET_OBJECT), identity=[identity()]
    ).allowed


def test_not_action_allows_everything_else():
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
        }
    )
    assert evaluate(
        Request(ALICE, "s3:GetObject", BUCKET_OBJECT), identity=[policy]
    ).allowed
    assert not evaluate(
        Request(ALICE, "iam:CreateUser", "*"), identity=[policy]
    ).allowed


def test_resource_policy_naming_the_user_allows_alone_in_the_same_account():
    policy = bucket_policy({"AWS": ALICE})
    request = Request(ALICE, "s3:GetObject", BUCKET_OBJECT, resource_account=ACCOUNT)
    assert evaluate(request, resource_policy=policy).allowed
    boundary = identity(action="ec2:*")
    assert evaluate(request, resource_policy=policy, boundary=boundary).allowed


def test_resource_policy_naming_the_account_delegates_to_identity_policies():
    policy = bucket_policy({"AWS": ACCOUNT})
    request = Request(ALICE, "s3:GetObject", BUCKET_OBJECT, resource_account=ACCOUNT)
    assert not evaluate(request, resource_policy=policy).allowed
    assert evaluate(request, resource_policy=policy, identity=[identity()]).allowed


def test_resource_policy_naming_the_role_is_limited_by_the_session_policy():
    policy = bucket_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:role/Dev"})
    request = Request(SESSION, "s3:GetObject", BUCKET_OBJECT, resource_account=ACCOUNT)
    assert evaluate(request, resource_policy=policy).allowed
    assert not evaluate(
        request, resource_policy=policy, session=identity(action="ec2:*")
    ).allowed
    session_named = bucket_policy({"AWS": SESSION})
    assert evaluate(
        request, resource_policy=session_named, session=identity(action="ec2:*")
    ).allowed


def test_cross_account_needs_both_sides():
    request = Request(ALICE, "s3:GetObject", BUCKET_OBJECT, resource_account=OTHER)
    policy = bucket_policy({"AWS": ALICE})
    assert evaluate(request, resource_policy=policy).effect == "ImplicitDeny"
    assert evaluate(request, identity=[identity()]).effect == "ImplicitDeny"
    assert evaluate(request, resource_policy=policy, identity=[identity()]).allowed


def test_boundary_limits_identity_policies():
    request = Request(ALICE, "s3:GetObject", BUCKET_OBJECT)
    assert not evaluate(
        request, identity=[identity()], boundary=identity(action="ec2:*")
    ).allowed
    assert evaluate(
        request, identity=[identity()], boundary=identity(action="s3:*")
    ).allowed


def test_boundary_never_grants():
    assert not evaluate(
        Request(ALICE, "s3:GetObject", BUCKET_OBJECT), boundary=identity()
    ).allowed


def test_every_scp_level_must_allow():
    request = Request(ALICE, "s3:GetObject", BUCKET_OBJECT)
    allow_all = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        },
        kind="scp",
    )
    only_ec2 = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}],
        },
        kind="scp",
    )
    assert evaluate(
        request, identity=[identity()], scps=[allow_all, [allow_all, only_ec2]]
    ).allowed
    assert not evaluate(
        request, identity=[identity()], scps=[allow_all, only_ec2]
    ).allowed
    assert not evaluate(request, scps=[allow_all]).allowed


def test_trust_policy_must_allow_the_caller():
    trust = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ALICE},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        kind="trust",
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/Admin"
    assert evaluate(
        Request(ALICE, "sts:AssumeRole", role), resource_policy=trust
    ).allowed
    bob = f"arn:aws:iam::{ACCOUNT}:user/bob"
    assert not evaluate(
        Request(bob, "sts:AssumeRole", role),
        resource_policy=trust,
        identity=[identity(action="sts:AssumeRole")],
    ).allowed


def test_service_principal_in_trust_policy():
    trust = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        kind="trust",
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/Web"
    assert evaluate(
        Request("ec2.amazonaws.com", "sts:AssumeRole", role), resource_policy=trust
    ).allowed
    assert not evaluate(
        Request("lambda.amazonaws.com", "sts:AssumeRole", role), resource_policy=trust
    ).allowed


def test_not_principal_deny_exempts_only_fully_listed_callers():
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports/*",
                },
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": [ALICE, f"arn:aws:iam::{ACCOUNT}:root"]},
                    "Action": "s3:*",
                    "Resource": "arn:aws:s3:::reports/*",
                },
            ],
        },
        kind="resource",
    )
    request = Request(ALICE, "s3:GetObject", BUCKET_OBJECT, resource_account=ACCOUNT)
    assert evaluate(request, resource_policy=policy).allowed
    bob = Request(
        f"arn:aws:iam::{ACCOUNT}:user/bob",
        "s3:GetObject",
        BUCKET_OBJECT,
        resource_account=ACCOUNT,
    )
    assert evaluate(bob, resource_policy=policy).effect == "ExplicitDeny"


def test_decision_trace_covers_every_statement_with_reasons():
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports/*",
                },
                {
                    "Sid": "Write",
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": "*",
                },
                {
                    "Sid": "Other",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::other/*",
                },
            ],
        }
    )
    decision = evaluate(
        Request(ALICE, "s3:GetObject", BUCKET_OBJECT), identity=[policy]
    )
    statements = decision.trace[0].statements
    assert [s.matched for s in statements] == [True, False, False]
    assert "not covered by Action" in statements[1].reason
    assert "does not match Resource" in statements[2].reason
    assert [m.sid for m in decision.matched] == ["Read"]
    text = decision.explain()
    assert "ALLOWED" in text and '"Write"' in text and "does not apply" in text


def test_explanation_names_the_patterns_that_matched():
    policy = identity(
        action=["s3:List*", "s3:Get*"],
        resource=["arn:aws:s3:::other/*", "arn:aws:s3:::reports/*"],
    )
    decision = evaluate(Request(ALICE, "s3:GetObject", BUCKET_OBJECT), identity=policy)
    assert decision.trace[0].statements[0].reason == (
        'action s3:GetObject matches "s3:Get*"; '
        f'resource {BUCKET_OBJECT} matches "arn:aws:s3:::reports/*"'
    )
    assert (
        'statement 1, Allow: applies: action s3:GetObject matches "s3:Get*"'
        in decision.explain()
    )


def test_explanation_names_the_patterns_that_failed():
    wrong_action = evaluate(
        Request(ALICE, "s3:PutObject", BUCKET_OBJECT),
        identity=identity(action=["s3:Get*", "s3:List*"]),
    )
    assert wrong_action.trace[0].statements[0].reason == (
        'the action s3:PutObject is not covered by Action ["s3:Get*", "s3:List*"]'
    )
    wrong_resource = evaluate(
        Request(ALICE, "s3:GetObject", BUCKET_OBJECT),
        identity=identity(action="s3:*", resource="arn:aws:s3:::logs/*"),
    )
    assert wrong_resource.trace[0].statements[0].reason == (
        'action s3:GetObject matches "s3:*", but the resource '
        f'{BUCKET_OBJECT} does not match Resource "arn:aws:s3:::logs/*"'
    )
    not_iam = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"},
        }
    )
    excluded = evaluate(Request(ALICE, "iam:CreateUser", "*"), identity=not_iam)
    assert excluded.trace[0].statements[0].reason == (
        'the action iam:CreateUser is excluded: it matches NotAction "iam:*"'
    )


def test_explanation_of_a_failed_condition_gives_operator_key_got_and_wanted():
    policy = identity(
        Condition={
            "Bool": {"aws:SecureTransport": "true"},
            "StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-north-1"]},
        }
    )
    request = Request(
        ALICE,
        "s3:GetObject",
        BUCKET_OBJECT,
        {"aws:SecureTransport": True, "aws:RequestedRegion": "us-east-1"},
    )
    reason = evaluate(request, identity=policy).trace[0].statements[0].reason
    assert 'condition Bool aws:SecureTransport: got "true"' in reason
    assert reason.endswith(
        "but the condition failed: StringEquals aws:RequestedRegion: "
        'got "us-east-1", wanted ["eu-west-1", "eu-north-1"]'
    )


def test_explanation_shows_the_value_a_policy_variable_took():
    policy = identity(resource="arn:aws:s3:::home/${aws:username}/*")
    decision = evaluate(
        Request(ALICE, "s3:GetObject", "arn:aws:s3:::home/alice/a.txt"),
        identity=policy,
    )
    assert decision.allowed
    assert (
        'matches "arn:aws:s3:::home/${aws:username}/*" (${aws:username} is "alice")'
        in decision.trace[0].statements[0].reason
    )


def test_explanation_says_how_a_principal_element_names_the_caller():
    decision = evaluate(
        Request(SESSION, "s3:GetObject", BUCKET_OBJECT),
        resource_policy=bucket_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:role/Dev"}),
    )
    assert "Principal names the caller's role" in decision.trace[0].statements[0].reason
    stranger = evaluate(
        Request(ALICE, "s3:GetObject", BUCKET_OBJECT),
        resource_policy=bucket_policy({"AWS": f"arn:aws:iam::{OTHER}:root"}),
    )
    assert (
        stranger.trace[0]
        .statements[0]
        .reason.endswith(f"but Principal does not name the caller {ALICE}")
    )


def test_request_derives_principal_keys():
    request = Request(ALICE, "s3:GetObject", "*")
    assert request.keys["aws:principalarn"] == ((ALICE,), False)
    assert request.keys["aws:principalaccount"] == ((ACCOUNT,), False)
    assert request.keys["aws:username"] == (("alice",), False)
    session = Request(SESSION, "s3:GetObject", "*")
    assert session.keys["aws:principalarn"] == (
        (f"arn:aws:iam::{ACCOUNT}:role/Dev",),
        False,
    )
    assert "aws:username" not in session.keys
    given = Request(ALICE, "s3:GetObject", "*", {"aws:PrincipalArn": "custom"})
    assert given.keys["aws:principalarn"] == (("custom",), False)


def test_resource_account_comes_from_the_arn_then_the_argument_then_the_principal():
    assert Request(
        ALICE, "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{OTHER}:q"
    ).cross_account
    assert not Request(ALICE, "s3:GetObject", "arn:aws:s3:::b/k").cross_account
    assert Request(
        ALICE, "s3:GetObject", "arn:aws:s3:::b/k", resource_account=OTHER
    ).cross_account


def test_request_rejects_unsupported_context_values():
    with pytest.raises(TypeError):
        Request(ALICE, "s3:GetObject", "*", {"k": {"nested": 1}})


def test_root_user_has_full_access_in_its_account():
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert evaluate(Request(root, "iam:CreateUser", "*")).allowed
    assert not evaluate(
        Request(root, "iam:CreateUser", "*"),
        identity=[identity("Deny", action="iam:*")],
    ).allowed


def _many_statements(count: int, matching: int):
    statements = [
        {"Effect": "Allow", "Action": f"ec2:Action{i}", "Resource": "*"}
        for i in range(count)
    ]
    statements[matching] = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
    }
    return parse_policy({"Version": "2012-10-17", "Statement": statements})


def test_explain_lists_every_statement_by_default():
    policy = _many_statements(30, matching=17)
    text = evaluate(Request(ALICE, "s3:GetObject", BUCKET_OBJECT), identity=[policy])
    text = text.explain()
    assert text.count("does not apply") == 29
    assert "statement 18, Allow: applies" in text


def test_explain_can_count_the_statements_that_do_not_apply():
    policy = _many_statements(30, matching=17)
    decision = evaluate(
        Request(ALICE, "s3:GetObject", BUCKET_OBJECT), identity=[policy]
    )
    text = decision.explain(unmatched_limit=3)
    # The statement that decided is always shown, however far down it is.
    assert "statement 18, Allow: applies" in text
    assert text.count(": does not apply:") == 3
    assert "... and 26 more statements that do not apply" in text
    assert decision.explain(unmatched_limit=29) == decision.explain()


POLICY_ALONE = json.loads(
    (Path(__file__).parent / "policy_alone" / "cases.json").read_text()
)["cases"]


def test_every_policy_kind_has_a_case_judged_on_its_own():
    assert {case["kind"] for case in POLICY_ALONE} == set(KINDS)


@pytest.mark.parametrize("case", POLICY_ALONE, ids=lambda case: case["name"])
def test_evaluate_policy_judges_a_policy_on_its_own(case):
    data = case["request"]
    request = Request(
        data["principal"],
        data["action"],
        data["resource"],
        data.get("context"),
        data.get("resource_account"),
    )
    decision = evaluate_policy(parse_policy(case["policy"], kind=case["kind"]), request)
    assert decision.effect == case["expected"], (
        f"{case.get('note', '')}\nSee {case['doc']}\n{decision.explain()}"
    )


def test_every_effect_has_a_verdict_in_the_explanation():
    from iam import ALLOW, EXPLICIT_DENY, IMPLICIT_DENY
    from iam.explain import _VERDICTS

    assert set(_VERDICTS) == {ALLOW, EXPLICIT_DENY, IMPLICIT_DENY}

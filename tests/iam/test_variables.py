from iam import Request, evaluate, parse_policy

ALICE = "arn:aws:iam::111122223333:user/division/alice"


def decide(
    resource_pattern, resource, *, principal=ALICE, context=None, version="2012-10-17"
):
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": resource_pattern}
        ]
    }
    if version:
        document["Version"] = version
    return evaluate(
        Request(principal, "s3:GetObject", resource, context),
        identity=[parse_policy(document)],
    )


def test_username_variable_is_the_iam_user_name():
    assert decide(
        "arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/alice/notes"
    ).allowed
    assert not decide(
        "arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/bob/notes"
    ).allowed


def test_username_is_absent_for_role_sessions():
    session = "arn:aws:sts::111122223333:assumed-role/Dev/alice"
    decision = decide(
        "arn:aws:s3:::home/${aws:username}/*",
        "arn:aws:s3:::home/alice/x",
        principal=session,
    )
    assert not decision.allowed
    assert "has no value" in decision.trace[0].statements[0].reason


def test_variables_stay_literal_without_version_or_under_2008():
    for version in (None, "2008-10-17"):
        assert not decide(
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:s3:::home/alice/x",
            version=version,
        ).allowed
        assert decide(
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:s3:::home/${aws:username}/x",
            version=version,
        ).allowed


def test_default_value_applies_when_the_key_is_missing():
    pattern = "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'shared'}/*"
    assert decide(pattern, "arn:aws:s3:::teams/shared/x").allowed
    assert decide(
        pattern, "arn:aws:s3:::teams/blue/x", context={"aws:PrincipalTag/team": "blue"}
    ).allowed
    assert not decide(
        pattern,
        "arn:aws:s3:::teams/shared/x",
        context={"aws:PrincipalTag/team": "blue"},
    ).allowed


def test_special_character_variables_are_literal():
    assert decide("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*").allowed
    assert not decide("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/anything").allowed
    assert decide("arn:aws:s3:::b/${?}", "arn:aws:s3:::b/?").allowed
    assert not decide("arn:aws:s3:::b/${?}", "arn:aws:s3:::b/x").allowed
    assert decide("arn:aws:s3:::b/${$}x", "arn:aws:s3:::b/$x").allowed


def test_substituted_value_is_literal_even_with_wildcard_characters():
    pattern = "arn:aws:s3:::b/${aws:PrincipalTag/p}"
    assert not decide(
        pattern, "arn:aws:s3:::b/anything", context={"aws:PrincipalTag/p": "*"}
    ).allowed
    assert decide(
        pattern, "arn:aws:s3:::b/*", context={"aws:PrincipalTag/p": "*"}
    ).allowed


def test_multivalued_key_does_not_resolve_a_variable():
    assert not decide(
        "arn:aws:s3:::b/${aws:TagKeys}",
        "arn:aws:s3:::b/a",
        context={"aws:TagKeys": ["a"]},
    ).allowed


def test_any_context_key_can_be_a_variable_in_conditions():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}
                },
            }
        ],
    }
    policy = parse_policy(document)
    assert evaluate(
        Request(ALICE, "ec2:StopInstances", "*", {"aws:ResourceTag/owner": "alice"}),
        identity=[policy],
    ).allowed
    assert not evaluate(
        Request(ALICE, "ec2:StopInstances", "*", {"aws:ResourceTag/owner": "bob"}),
        identity=[policy],
    ).allowed


def test_unterminated_variable_is_literal_text():
    assert decide(
        "arn:aws:s3:::b/${aws:username", "arn:aws:s3:::b/${aws:username"
    ).allowed

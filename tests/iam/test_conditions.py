import pytest

from iam import Request, evaluate, parse_policy

USER = "arn:aws:iam::111122223333:user/alice"


def allowed(operator, key, values, context, *, version="2012-10-17"):
    """Whether an Allow guarded by one condition allows a request with ``context``."""
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {operator: {key: values}},
            }
        ]
    }
    if version:
        document["Version"] = version
    policy = parse_policy(document)
    request = Request(USER, "s3:GetObject", "arn:aws:s3:::b/k", context)
    return evaluate(request, identity=[policy]).allowed


@pytest.mark.parametrize(
    ("operator", "values", "context_value", "expected"),
    [
        ("StringEquals", "eu-west-1", "eu-west-1", True),
        ("StringEquals", "eu-west-1", "EU-WEST-1", False),
        ("StringEquals", ["us-east-1", "eu-west-1"], "eu-west-1", True),
        ("StringEquals", "eu-*", "eu-west-1", False),
        ("StringNotEquals", "eu-west-1", "us-east-1", True),
        ("StringNotEquals", ["eu-west-1", "us-east-1"], "us-east-1", False),
        ("StringEqualsIgnoreCase", "EU-West-1", "eu-west-1", True),
        ("StringNotEqualsIgnoreCase", "EU-West-1", "eu-west-1", False),
        ("StringLike", "eu-*", "eu-west-1", True),
        ("StringLike", "eu-????-1", "eu-west-1", True),
        ("StringLike", "EU-*", "eu-west-1", False),
        ("StringNotLike", "eu-*", "us-east-1", True),
        ("StringNotLike", ["us-*", "eu-*"], "us-east-1", False),
    ],
)
def test_string_operators(operator, values, context_value, expected):
    assert (
        allowed(
            operator,
            "aws:RequestedRegion",
            values,
            {"aws:RequestedRegion": context_value},
        )
        is expected
    )


@pytest.mark.parametrize(
    ("operator", "value", "got", "expected"),
    [
        ("NumericEquals", "10", 10, True),
        ("NumericEquals", 10, "10.0", True),
        ("NumericNotEquals", "10", 11, True),
        ("NumericLessThan", "10", 9.5, True),
        ("NumericLessThan", "10", 10, False),
        ("NumericLessThanEquals", "10", 10, True),
        ("NumericGreaterThan", "10", 11, True),
        ("NumericGreaterThanEquals", "10", 9, False),
        ("NumericEquals", "10", "ten", False),
    ],
)
def test_numeric_operators(operator, value, got, expected):
    assert allowed(operator, "s3:max-keys", value, {"s3:max-keys": got}) is expected


@pytest.mark.parametrize(
    ("operator", "value", "got", "expected"),
    [
        ("DateLessThan", "2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", True),
        ("DateLessThan", "2030-01-01", "2030-01-01T00:00:01Z", False),
        ("DateGreaterThan", "2020-01-01T00:00:00Z", "2020-06-01T12:00:00+02:00", True),
        ("DateEquals", "2020-01-01T00:00:00Z", "1577836800", True),
        ("DateEquals", "1577836800", "2020-01-01T01:00:00+01:00", True),
        ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z", True),
        ("DateLessThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", True),
        ("DateGreaterThanEquals", "2020-01-01T00:00:00Z", "not a date", False),
    ],
)
def test_date_operators_accept_iso8601_and_epoch(operator, value, got, expected):
    assert (
        allowed(operator, "aws:CurrentTime", value, {"aws:CurrentTime": got})
        is expected
    )


def test_bool_operator():
    assert allowed("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": True})
    assert allowed("Bool", "aws:SecureTransport", True, {"aws:SecureTransport": "TRUE"})
    assert not allowed(
        "Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": False}
    )
    assert not allowed("Bool", "aws:SecureTransport", "true", {})


def test_binary_equals_compares_base64_values():
    assert allowed(
        "BinaryEquals", "k:bin", "QmluYXJ5VmFsdWU=", {"k:bin": "QmluYXJ5VmFsdWU="}
    )
    assert not allowed(
        "BinaryEquals", "k:bin", "QmluYXJ5VmFsdWU=", {"k:bin": "T3RoZXI="}
    )


@pytest.mark.parametrize(
    ("operator", "value", "ip", "expected"),
    [
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.7", False),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),
        ("IpAddress", "203.0.113.7", "203.0.113.8", False),
        ("IpAddress", "2001:db8::/32", "2001:db8:1234::1", True),
        ("IpAddress", "2001:db8::/32", "203.0.113.7", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", True),
        ("NotIpAddress", ["203.0.113.0/24", "198.51.100.0/24"], "198.51.100.7", False),
    ],
)
def test_ip_operators(operator, value, ip, expected):
    assert allowed(operator, "aws:SourceIp", value, {"aws:SourceIp": ip}) is expected


@pytest.mark.parametrize(
    ("operator", "value", "arn", "expected"),
    [
        (
            "ArnEquals",
            "arn:aws:sns:us-east-1:111122223333:topic",
            "arn:aws:sns:us-east-1:111122223333:topic",
            True,
        ),
        (
            "ArnLike",
            "arn:aws:sns:*:111122223333:*",
            "arn:aws:sns:eu-west-1:111122223333:topic",
            True,
        ),
        (
            "ArnLike",
            "arn:aws:sns:*:111122223333:*",
            "arn:aws:sns:eu-west-1:444455556666:topic",
            False,
        ),
        (
            "ArnEquals",
            "arn:aws:sns:us-east-1:111122223333:topic",
            "arn:aws:sns:us-east-1:111122223333:Topic",
            False,
        ),
        (
            "ArnNotEquals",
            "arn:aws:sns:us-east-1:111122223333:topic",
            "arn:aws:sns:us-east-1:111122223333:other",
            True,
        ),
        (
            "ArnNotLike",
            "arn:aws:sns:*:111122223333:*",
            "arn:aws:sns:eu-west-1:111122223333:topic",
            False,
        ),
        ("ArnLike", "arn:aws:sns:*:111122223333:*", "not-an-arn", False),
    ],
)
def test_arn_operators(operator, value, arn, expected):
    assert allowed(operator, "aws:SourceArn", value, {"aws:SourceArn": arn}) is expected


def test_missing_key_fails_plain_operators_and_satisfies_negated_ones():
    for operator in (
        "StringEquals",
        "StringLike",
        "NumericEquals",
        "DateEquals",
        "Bool",
        "IpAddress",
        "ArnLike",
        "BinaryEquals",
    ):
        assert not allowed(operator, "k:absent", "1", {}), operator
        assert allowed(operator + "IfExists", "k:absent", "1", {}), operator
    for operator in (
        "StringNotEquals",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotLike",
        "ArnNotEquals",
        "StringNotEqualsIgnoreCase",
    ):
        assert allowed(operator, "k:absent", "1", {}), operator
        assert allowed(operator + "IfExists", "k:absent", "1", {}), operator


def test_if_exists_still_tests_a_present_key():
    assert not allowed(
        "StringEqualsIfExists",
        "ec2:InstanceType",
        "t3.micro",
        {"ec2:InstanceType": "m5.large"},
    )
    assert allowed(
        "StringEqualsIfExists",
        "ec2:InstanceType",
        "t3.micro",
        {"ec2:InstanceType": "t3.micro"},
    )
    assert not allowed(
        "StringNotEqualsIfExists",
        "ec2:InstanceType",
        "t3.micro",
        {"ec2:InstanceType": "t3.micro"},
    )


def test_null_operator():
    assert allowed("Null", "aws:TokenIssueTime", "true", {})
    assert not allowed(
        "Null",
        "aws:TokenIssueTime",
        "true",
        {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"},
    )
    assert allowed(
        "Null",
        "aws:TokenIssueTime",
        "false",
        {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"},
    )
    assert allowed("Null", "aws:TagKeys", "true", {"aws:TagKeys": []})


def test_for_all_values_holds_for_an_absent_or_empty_key():
    assert allowed("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], {})
    assert allowed(
        "ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], {"aws:TagKeys": []}
    )
    assert allowed(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        ["env", "team"],
        {"aws:TagKeys": ["env"]},
    )
    assert not allowed(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        ["env", "team"],
        {"aws:TagKeys": ["env", "cost"]},
    )


def test_for_any_value_needs_a_matching_value():
    assert not allowed("ForAnyValue:StringEquals", "aws:TagKeys", ["env"], {})
    assert not allowed(
        "ForAnyValue:StringEquals", "aws:TagKeys", ["env"], {"aws:TagKeys": []}
    )
    assert allowed(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        ["env"],
        {"aws:TagKeys": ["cost", "env"]},
    )


def test_if_exists_does_not_rescue_for_any_value_on_an_absent_or_empty_key():
    """An absent multivalued key is an empty set: no value of it matches."""
    assert not allowed("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", ["env"], {})
    assert not allowed(
        "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", ["env"], {"aws:TagKeys": []}
    )
    assert allowed(
        "ForAnyValue:StringEqualsIfExists",
        "aws:TagKeys",
        ["env"],
        {"aws:TagKeys": ["env"]},
    )


def test_for_all_values_if_exists_holds_on_an_absent_or_empty_key():
    assert allowed("ForAllValues:StringEqualsIfExists", "aws:TagKeys", ["env"], {})
    assert allowed(
        "ForAllValues:StringEqualsIfExists", "aws:TagKeys", ["env"], {"aws:TagKeys": []}
    )
    assert not allowed(
        "ForAllValues:StringEqualsIfExists",
        "aws:TagKeys",
        ["env"],
        {"aws:TagKeys": ["env", "cost"]},
    )


def test_negated_set_operators():
    assert allowed(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        ["secret"],
        {"aws:TagKeys": ["a", "b"]},
    )
    assert not allowed(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        ["secret"],
        {"aws:TagKeys": ["a", "secret"]},
    )
    assert allowed(
        "ForAnyValue:StringNotEquals",
        "aws:TagKeys",
        ["secret"],
        {"aws:TagKeys": ["a", "secret"]},
    )
    assert not allowed(
        "ForAnyValue:StringNotEquals",
        "aws:TagKeys",
        ["secret"],
        {"aws:TagKeys": ["secret"]},
    )


def test_operators_and_keys_combine_with_and():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "aws:RequestedRegion": "eu-west-1",
                        "aws:PrincipalTag/team": "blue",
                    },
                    "Bool": {"aws:SecureTransport": "true"},
                },
            }
        ],
    }
    policy = parse_policy(document)
    context = {
        "aws:RequestedRegion": "eu-west-1",
        "aws:PrincipalTag/team": "blue",
        "aws:SecureTransport": True,
    }
    assert evaluate(
        Request(USER, "s3:GetObject", "*", context), identity=[policy]
    ).allowed
    for key in context:
        partial = {k: v for k, v in context.items() if k != key}
        assert not evaluate(
            Request(USER, "s3:GetObject", "*", partial), identity=[policy]
        ).allowed


def test_context_key_names_are_case_insensitive():
    assert allowed(
        "StringEquals",
        "AWS:REQUESTEDREGION",
        "eu-west-1",
        {"aws:requestedregion": "eu-west-1"},
    )


def test_failed_condition_reason_names_operator_key_and_values():
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
                }
            ],
        }
    )
    decision = evaluate(
        Request(USER, "s3:GetObject", "*", {"aws:RequestedRegion": "us-east-1"}),
        identity=[policy],
    )
    reason = decision.trace[0].statements[0].reason
    assert (
        'StringEquals aws:RequestedRegion: got "us-east-1", wanted "eu-west-1"'
        in reason
    )

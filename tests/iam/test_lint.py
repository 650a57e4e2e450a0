import pytest

from iam import lint, parse_policy

from .seed import SEED, seed_policies


def codes(document, kind="identity"):
    return [finding.code for finding in lint(parse_policy(document, kind=kind))]


def statement(**elements):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", **elements}
        ],
    }


@pytest.mark.skipif(
    not SEED.exists(), reason="the seed document is not beside the repository"
)
def test_seed_policy_with_spaces_in_actions_is_flagged_once_repaired():
    text = seed_policies()[1].replace("]        \n", "],        \n", 1)
    findings = [f for f in lint(parse_policy(text)) if f.code == "action-whitespace"]
    lines = text.splitlines()
    assert [(f.line, f.severity) for f in findings] == [
        (
            next(i for i, line in enumerate(lines, 1) if "iam: ChangePassword" in line),
            "error",
        ),
        (next(i for i, line in enumerate(lines, 1) if "iam: GetUser" in line), "error"),
    ]
    assert '"iam:ChangePassword"' in findings[0].message


@pytest.mark.skipif(
    not SEED.exists(), reason="the seed document is not beside the repository"
)
def test_seed_admin_policy_is_full_administrator():
    assert "full-admin" in [f.code for f in lint(parse_policy(seed_policies()[0]))]


def test_unknown_service_and_action():
    assert codes(statement(Action="s4:GetObject")) == ["unknown-service"]
    assert codes(statement(Action="s3:GetObjekt")) == ["unknown-action"]
    assert codes(statement(Action="s3:Fly*")) == ["unknown-action"]
    assert codes(statement(Action="s3:get*")) == []


def test_missing_version_warns_when_variables_would_be_literal():
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/${aws:username}/*",
            }
        ]
    }
    findings = lint(parse_policy(document))
    assert [(f.code, f.severity) for f in findings] == [("missing-version", "warning")]
    document["Version"] = "2008-10-17"
    assert codes(document) == ["variables-disabled"]


def test_duplicate_sid_and_misspelled_operator_are_reported_from_text():
    text = (
        '{"Version": "2012-10-17", "Statement": ['
        '{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, '
        '{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", '
        '"Condition": {"StringEqual": {"aws:username": "x"}}}]}'
    )
    findings = lint(text)
    assert {(f.code, f.severity) for f in findings} == {
        ("duplicate-sid", "error"),
        ("unknown-operator", "error"),
    }
    assert any('"StringEquals"' in f.message for f in findings)


def test_allow_with_not_elements():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "NotAction": "iam:*",
                "NotResource": "arn:aws:s3:::secret/*",
            }
        ],
    }
    assert codes(document) == ["allow-not-action", "allow-not-resource"]


def test_full_admin():
    findings = lint(parse_policy(statement(Action="*")))
    assert [(f.code, f.severity, f.path) for f in findings] == [
        ("full-admin", "warning", "Statement[0].Action")
    ]


def test_malformed_arn_and_wrong_resource_type():
    assert codes(statement(Resource="my-bucket")) == ["malformed-arn"]
    assert codes(statement(Resource="arn:aws:s3:::my-bucket/*")) == []
    assert codes(statement(Resource="arn:aws:s3:::my-bucket")) == [
        "resource-type-mismatch"
    ]
    assert codes(
        statement(Action="s3:ListAllMyBuckets", Resource="arn:aws:s3:::my-bucket")
    ) == ["resource-type-mismatch"]
    assert codes(
        statement(Resource="arn:aws:dynamodb:us-east-1:111122223333:table/T")
    ) == ["resource-type-mismatch"]


def test_single_valued_operator_on_multivalued_key():
    document = statement(Condition={"StringEquals": {"aws:TagKeys": ["env"]}})
    assert codes(document) == ["single-valued-operator-on-multivalued-key"]
    document = statement(
        Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}
    )
    assert codes(document) == []


def test_set_operator_on_single_valued_key_and_for_all_values_suggestion():
    document = statement(
        Condition={"ForAnyValue:StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    )
    assert codes(document) == ["set-operator-on-single-valued-key"]
    document = statement(
        Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}
    )
    assert [(f.code, f.severity) for f in lint(parse_policy(document))] == [
        ("for-all-values-absent-key", "suggestion")
    ]


def test_invalid_condition_values():
    assert codes(statement(Condition={"NumericLessThan": {"s3:max-keys": "ten"}})) == [
        "invalid-condition-value"
    ]
    assert codes(statement(Condition={"IpAddress": {"aws:SourceIp": "300.1.1.1"}})) == [
        "invalid-condition-value"
    ]
    assert codes(
        statement(Condition={"DateGreaterThan": {"aws:CurrentTime": "tomorrow"}})
    ) == ["invalid-condition-value"]
    assert codes(statement(Condition={"Bool": {"aws:SecureTransport": "yes"}})) == [
        "invalid-condition-value"
    ]


def test_principal_wildcards_are_flagged():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            }
        ],
    }
    assert codes(document, "resource") == ["principal-wildcard"]


def test_policy_over_the_size_quota():
    resources = [f"arn:aws:s3:::bucket-number-{i}/*" for i in range(250)]
    findings = lint(parse_policy(statement(Resource=resources)))
    assert [f.code for f in findings] == ["policy-too-large"]
    assert "6,144" in findings[0].message
    assert (
        lint(parse_policy(statement(Resource=resources), kind="boundary"))[0].code
        == "policy-too-large"
    )


def test_findings_carry_lines_and_columns():
    text = (
        '{\n  "Version": "2012-10-17",\n'
        '  "Statement": {"Effect": "Allow", "Action": "s3:GetObject",\n'
        '    "Resource": "bucket"}\n}'
    )
    (finding,) = lint(text)
    assert (finding.code, finding.line, finding.column, finding.path) == (
        "malformed-arn",
        4,
        17,
        "Statement.Resource",
    )

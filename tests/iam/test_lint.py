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


def mismatches(**elements):
    document = statement(**elements)
    return [
        (finding.path, finding.message)
        for finding in lint(parse_policy(document))
        if finding.code == "resource-type-mismatch"
    ]


def test_no_mismatch_when_each_action_has_a_resource_that_fits():
    """A bucket and its objects for ListBucket and GetObject is the usual form."""
    assert not mismatches(
        Action=["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
        Resource=["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
    )
    assert not mismatches(
        Action=["s3:GetObject", "dynamodb:GetItem"],
        Resource=[
            "arn:aws:s3:::reports/*",
            "arn:aws:dynamodb:us-east-1:111122223333:table/Orders",
        ],
    )


def test_mismatch_is_reported_once_per_action_that_no_resource_fits():
    found = mismatches(
        Action=["s3:GetObject", "s3:ListBucket"],
        Resource=["arn:aws:s3:::reports/*", "arn:aws:s3:::logs/*"],
    )
    assert [path for path, _ in found] == ["Statement[0].Action[1]"]
    message = found[0][1]
    assert "s3:ListBucket" in message
    assert "arn:aws:s3:::reports/*, arn:aws:s3:::logs/*" in message


def test_mismatch_for_an_action_of_another_service():
    (found,) = mismatches(
        Action="dynamodb:GetItem",
        Resource=["arn:aws:s3:::reports/*", "arn:aws:s3:::reports"],
    )
    assert found[0] == "Statement[0].Action"
    assert "dynamodb" in found[1]


def test_action_without_resource_types_needs_a_star():
    (found,) = mismatches(Action="s3:ListAllMyBuckets", Resource="arn:aws:s3:::*")
    assert 'needs "Resource": "*"' in found[1]
    assert not mismatches(
        Action="s3:ListAllMyBuckets", Resource=["arn:aws:s3:::reports", "*"]
    )


def test_action_pattern_is_reported_only_when_none_of_its_actions_fits():
    assert not mismatches(Action="s3:Get*", Resource="arn:aws:s3:::reports")
    (found,) = mismatches(Action="s3:ListAllMy*", Resource="arn:aws:s3:::reports")
    assert "s3:ListAllMyBuckets" in found[1]


def test_resource_wildcards_and_variables_are_matched_against_resource_types():
    assert not mismatches(Action="s3:ListBucket", Resource="arn:aws:s3:::rep*")
    assert mismatches(Action="s3:ListBucket", Resource="arn:aws:s3:::rep*/*")
    assert not mismatches(
        Action="s3:GetObject", Resource="arn:aws:s3:::home/${aws:username}/*"
    )


def test_resource_types_the_catalog_lost_are_not_reported():
    """API Gateway's REST API resource types belong to no action in the catalog."""
    assert not mismatches(
        Action="apigateway:GET", Resource="arn:aws:apigateway:*::/restapis/*"
    )

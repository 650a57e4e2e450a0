import json

import pytest

from iam import PolicyError, parse_policy

from .seed import SEED, seed_policies

ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def problems_of(source, kind="identity"):
    with pytest.raises(PolicyError) as caught:
        parse_policy(source, kind=kind)
    return caught.value.problems


def codes_of(source, kind="identity"):
    return [problem.code for problem in problems_of(source, kind)]


@pytest.mark.skipif(
    not SEED.exists(), reason="the seed document is not beside the repository"
)
class TestSeedPolicies:
    def test_the_admin_policy_parses(self):
        policy = parse_policy(seed_policies()[0])
        assert policy.version == "2012-10-17"
        assert len(policy.statements) == 1
        assert policy.statements[0].action == ("*",)

    def test_the_second_policy_is_invalid_json_at_the_resource_line(self):
        text = seed_policies()[1]
        problems = problems_of(text)
        assert len(problems) == 1
        problem = problems[0]
        assert problem.code == "invalid-json"
        resource_line = next(
            number
            for number, line in enumerate(text.splitlines(), 1)
            if '"Resource"' in line
        )
        assert problem.line == resource_line
        assert problem.column == text.splitlines()[resource_line - 1].index('"') + 1
        assert "comma" in problem.message

    def test_the_second_policy_repaired_parses(self):
        text = seed_policies()[1].replace("]        \n", "],        \n", 1)
        policy = parse_policy(text)
        assert policy.statements[0].action == ("iam: ChangePassword", "iam: GetUser")


def test_problem_carries_path_line_and_column():
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},\n'
        '    {"Effect": "Allow", "Action": [7], "Resource": "*"}\n  ]\n}'
    )
    (problem,) = problems_of(text)
    assert problem.code == "invalid-type"
    assert problem.path == "Statement[1].Action[0]"
    assert (problem.line, problem.column) == (5, 36)


def test_dict_input_has_paths_but_no_positions():
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}],
    }
    (problem,) = problems_of(document)
    assert problem.path == "Statement[0].Effect"
    assert problem.line is None and problem.column is None


def test_statement_may_be_a_single_object():
    policy = parse_policy(
        {"Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}
    )
    assert policy.statements[0].effect == "Deny"
    assert policy.version is None
    assert not policy.variables_enabled


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            '{"Version": "2012-10-17", "Statement": [], "Statement": []}',
            "duplicate-key",
        ),
        (
            '{"Statement": {"Effect": "Deny", "Effect": "Allow", '
            '"Action": "*", "Resource": "*"}}',
            "duplicate-key",
        ),
        ('{"Version": NaN}', "invalid-json"),
        ('{"Version": Infinity}', "invalid-json"),
        ('{"Version": -Infinity}', "invalid-json"),
        ('{"Version": "\\ud800"}', "invalid-character"),
        ('{"Version": "a\\u0000b"}', "invalid-character"),
        ('{"Version": "a\x01b"}', "invalid-character"),
        ('{"Version": "2012-10-17",}', "invalid-json"),
        ('{"Version": "2012-10-17"', "invalid-json"),
        ('{"Version": "2012-10-17"} {}', "invalid-json"),
        ("", "invalid-json"),
        ("   \n ", "invalid-json"),
        ("[", "invalid-json"),
        ("nul", "invalid-json"),
        ('"just a string"', "invalid-type"),
        ("[1, 2]", "invalid-type"),
    ],
)
def test_bad_json_is_refused_with_a_clear_problem(text, code):
    problems = problems_of(text)
    assert problems[0].code == code
    assert problems[0].line is not None


def test_duplicate_key_points_at_the_second_key():
    text = (
        '{"Statement": {"Effect": "Deny",\n'
        ' "Effect": "Allow", "Action": "*", "Resource": "*"}}'
    )
    (problem,) = problems_of(text)
    assert problem.code == "duplicate-key"
    assert problem.path == "Statement.Effect"
    assert (problem.line, problem.column) == (2, 2)


def test_deep_nesting_is_refused_without_recursion():
    text = "[" * 100_000 + "]" * 100_000
    (problem,) = problems_of(text)
    assert problem.code in ("too-deep", "too-large")
    nested = "[" * 1000 + "]" * 1000
    assert codes_of('{"Version": ' + nested + "}") == ["too-deep"]


def test_deeply_nested_dict_is_refused():
    document: dict = {}
    inner = document
    for _ in range(5000):
        inner["x"] = {}
        inner = inner["x"]
    assert codes_of(document) == ["too-deep"]


def test_cyclic_dict_is_refused():
    document: dict = {"Statement": []}
    document["Statement"].append(document)
    assert codes_of(document) in (["too-deep"], ["too-large"])


def test_huge_text_is_refused_at_once():
    text = '{"Id": "' + "x" * 10_000_000 + '"}'
    assert codes_of(text) == ["too-large"]


def test_binary_input_is_refused():
    assert codes_of(b"\xff\xfe\x00garbage") == ["invalid-encoding"]


def test_bytes_input_that_is_utf8_parses():
    policy = parse_policy(json.dumps(ALLOW_ALL).encode("utf-8"))
    assert policy.statements[0].effect == "Allow"


def test_non_text_input_is_refused():
    assert codes_of(42) == ["invalid-type"]  # type: ignore[arg-type]
    assert codes_of(None) == ["invalid-type"]  # type: ignore[arg-type]


def test_unknown_kind_is_refused():
    assert codes_of(ALLOW_ALL, kind="iam") == ["invalid-kind"]


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        ({"Effect": "allow", "Action": "*", "Resource": "*"}, "invalid-effect"),
        ({"Action": "*", "Resource": "*"}, "missing-element"),
        ({"Effect": "Allow", "Resource": "*"}, "missing-element"),
        ({"Effect": "Allow", "Action": "*"}, "missing-element"),
        (
            {"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"},
            "conflicting-elements",
        ),
        (
            {"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"},
            "conflicting-elements",
        ),
        ({"Effect": "Allow", "Action": [], "Resource": "*"}, "empty-list"),
        ({"Effect": "Allow", "Action": "", "Resource": "*"}, "empty-value"),
        (
            {"Effect": "Allow", "Action": "s3GetObject", "Resource": "*"},
            "invalid-action",
        ),
        (
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"},
            "forbidden-element",
        ),
        (
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Actions": "*"},
            "unknown-element",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"stringEquals": {"a:b": "c"}},
            },
            "unknown-operator",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"NullIfExists": {"a:b": "true"}},
            },
            "unknown-operator",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"ForSomeValues:StringEquals": {"a:b": "c"}},
            },
            "unknown-operator",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"a:b": []}},
            },
            "empty-list",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"a:b": None}},
            },
            "invalid-condition",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": "a"},
            },
            "invalid-condition",
        ),
        (
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": []},
            "invalid-condition",
        ),
        ({"Sid": 5, "Effect": "Allow", "Action": "*", "Resource": "*"}, "invalid-type"),
    ],
)
def test_grammar_problems(statement, code):
    assert code in codes_of({"Version": "2012-10-17", "Statement": [statement]})


def test_operator_problem_suggests_the_right_spelling():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"stringequals": {"aws:username": "x"}},
            }
        ],
    }
    (problem,) = problems_of(document)
    assert '"StringEquals"' in problem.message
    assert problem.path == "Statement[0].Condition.stringequals"


def test_every_operator_form_parses():
    from iam.conditions import OPERATORS

    conditions = {}
    for base in OPERATORS:
        conditions[base] = {"k:a": "true"}
        if base != "Null":
            conditions[base + "IfExists"] = {"k:b": "true"}
            conditions["ForAllValues:" + base] = {"k:c": "true"}
            conditions["ForAnyValue:" + base + "IfExists"] = {"k:d": "true"}
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": conditions,
                }
            ],
        }
    )
    assert len(policy.statements[0].conditions) == len(conditions)


def test_version_must_be_one_of_two_dates():
    assert codes_of({"Version": "2012-10-18", "Statement": ALLOW_ALL["Statement"]}) == [
        "invalid-version"
    ]
    assert (
        parse_policy(
            {"Version": "2008-10-17", "Statement": ALLOW_ALL["Statement"]}
        ).version
        == "2008-10-17"
    )


def test_statement_is_required_and_not_empty():
    assert codes_of({"Version": "2012-10-17"}) == ["missing-element"]
    assert codes_of({"Version": "2012-10-17", "Statement": []}) == ["empty-list"]


def test_duplicate_sid_is_refused():
    statement = {"Sid": "Same", "Effect": "Allow", "Action": "*", "Resource": "*"}
    assert codes_of({"Version": "2012-10-17", "Statement": [statement, statement]}) == [
        "duplicate-sid"
    ]


def test_principal_rules_follow_the_kind():
    resource_statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": "s3:*",
        "Resource": "*",
    }
    parse_policy(
        {"Version": "2012-10-17", "Statement": [resource_statement]}, kind="resource"
    )
    for kind in ("identity", "boundary", "scp", "session"):
        assert codes_of(
            {"Version": "2012-10-17", "Statement": [resource_statement]}, kind
        ) == ["forbidden-element"]
    no_principal = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    assert codes_of({"Statement": [no_principal]}, "resource") == ["missing-element"]
    trust = {
        "Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    assert (
        parse_policy({"Version": "2012-10-17", "Statement": [trust]}, kind="trust")
        .statements[0]
        .resource
        is None
    )
    with_resource = dict(trust, Resource="*")
    assert codes_of({"Statement": [with_resource]}, "trust") == ["forbidden-element"]
    not_principal = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": "111122223333"},
        "Action": "sts:AssumeRole",
    }
    assert codes_of({"Statement": [not_principal]}, "trust") == ["forbidden-element"]
    unknown = dict(resource_statement, Principal={"IAM": "x"})
    assert codes_of({"Statement": [unknown]}, "resource") == ["invalid-principal"]


def test_characters_outside_latin1_are_refused_in_iam_stored_policies():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Caf\u00e9",
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::b/\u65e5",
            }
        ],
    }
    assert codes_of(document) == ["invalid-character"]
    document["Statement"][0]["Principal"] = "*"
    assert parse_policy(document, kind="resource").statements[0].sid == "Caf\u00e9"


def test_all_problems_are_reported_together():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Permit", "Action": [], "Resource": "*"},
            {"Effect": "Allow", "Action": "*"},
        ],
    }
    assert codes_of(document) == ["invalid-effect", "empty-list", "missing-element"]


def test_policy_error_message_names_the_first_problem():
    with pytest.raises(PolicyError, match="invalid-effect"):
        parse_policy(
            {"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]}
        )


def test_condition_values_keep_iam_text():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "Bool": {"aws:SecureTransport": True},
                    "NumericLessThan": {"s3:max-keys": 10},
                },
            }
        ],
    }
    conditions = parse_policy(document).statements[0].conditions
    assert [c.values for c in conditions] == [("true",), ("10",)]


def test_parse_policy_is_still_importable_from_its_old_module():
    from iam import grammar
    from iam.policy import parse_policy as old_home

    assert old_home is grammar.parse_policy is parse_policy


def test_a_document_beyond_the_read_limit_is_refused_and_says_so():
    from iam.jsontext import MAX_CHARS

    text = '{"Id": "' + "x" * MAX_CHARS + '"}'
    problems = problems_of(text)
    assert [p.code for p in problems] == ["too-large"]
    assert "can be read" in problems[0].message

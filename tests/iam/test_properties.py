"""Properties that must hold for every input, checked on random ones."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iam import PolicyError, Request, evaluate, parse_policy
from iam.matching import ArnGlob, glob, pieces_of

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

alphabet = st.sampled_from("ab*?:/.+[]()x")
texts = st.text(alphabet=st.sampled_from("ab:/.+[]()x*?"), max_size=12)


def reference_match(pattern: str, text: str) -> bool:
    """A plain dynamic-programming wildcard matcher, to check the fast one against."""
    rows, cols = len(pattern), len(text)
    table = [[False] * (cols + 1) for _ in range(rows + 1)]
    table[0][0] = True
    for i in range(1, rows + 1):
        table[i][0] = table[i - 1][0] and pattern[i - 1] == "*"
        for j in range(1, cols + 1):
            p = pattern[i - 1]
            if p == "*":
                table[i][j] = table[i - 1][j] or table[i][j - 1]
            elif p == "?" or p == text[j - 1]:
                table[i][j] = table[i - 1][j - 1]
    return table[rows][cols]


@FAST
@given(st.text(alphabet=alphabet, max_size=10), texts)
def test_matcher_agrees_with_a_reference(pattern, text):
    assert glob(pattern).match(text) == reference_match(pattern, text)


def reference_arn_match(pattern: str, text: str) -> bool:
    """ARN matching the slow way: part by part, the last part taking the rest."""
    parts = pattern.split(":", 5)
    if len(parts) < 2 or parts[0] != "arn":
        return reference_match(pattern, text)
    found = text.split(":", 5)
    if len(found) != 6 or found[0] != "arn":
        return False
    found = [*found[: len(parts) - 1], ":".join(found[len(parts) - 1 :])]
    return all(reference_match(p, f) for p, f in zip(parts, found, strict=True))


arn_texts = st.lists(
    st.text(alphabet=st.sampled_from("ab:/*?"), max_size=4), min_size=0, max_size=7
).map(lambda chunks: ":".join(["arn", *chunks]))


@FAST
@given(arn_texts, arn_texts)
def test_arn_matcher_agrees_with_a_part_by_part_reference(pattern, text):
    compiled = ArnGlob(pieces_of(pattern))
    assert compiled.match(text) == reference_arn_match(pattern, text)


ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "ec2:*",
    "*",
    "iam:?etUser",
    "iam:GetUser",
]
RESOURCES = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:ec2:*:111122223333:instance/*",
]
CONDITIONS = [
    None,
    {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
    {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": ["e*"]}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"Null": {"aws:TagKeys": "true"}},
]


@st.composite
def statements(draw, effect=None):
    statement = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        draw(st.sampled_from(["Action", "NotAction"])): draw(
            st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3)
        ),
        draw(st.sampled_from(["Resource", "NotResource"])): draw(
            st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2)
        ),
    }
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        statement["Condition"] = condition
    return statement


@st.composite
def requests(draw):
    context = {}
    if draw(st.booleans()):
        context["aws:RequestedRegion"] = draw(
            st.sampled_from(["eu-west-1", "us-east-1"])
        )
    if draw(st.booleans()):
        context["aws:TagKeys"] = draw(
            st.lists(st.sampled_from(["env", "team"]), max_size=2)
        )
    if draw(st.booleans()):
        context["aws:SecureTransport"] = draw(st.booleans())
    if draw(st.booleans()):
        context["aws:SourceIp"] = draw(st.sampled_from(["203.0.113.9", "198.51.100.1"]))
    return Request(
        draw(
            st.sampled_from(
                [
                    "arn:aws:iam::111122223333:user/alice",
                    "arn:aws:sts::111122223333:assumed-role/R/s",
                ]
            )
        ),
        draw(
            st.sampled_from(
                ["s3:GetObject", "s3:PutObject", "ec2:RunInstances", "iam:GetUser"]
            )
        ),
        draw(
            st.sampled_from(
                [
                    "arn:aws:s3:::b/k",
                    "arn:aws:s3:::other/x",
                    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                    "*",
                ]
            )
        ),
        context,
    )


def policy_of(items):
    return parse_policy({"Version": "2012-10-17", "Statement": items})


@FAST
@given(
    st.lists(statements(), min_size=1, max_size=5),
    statements(effect="Deny"),
    requests(),
)
def test_adding_a_deny_never_allows_more(items, deny, request):
    before = evaluate(request, identity=[policy_of(items)])
    after = evaluate(request, identity=[policy_of([*items, deny])])
    if not before.allowed:
        assert not after.allowed


@FAST
@given(
    st.lists(statements(), min_size=1, max_size=5),
    st.randoms(use_true_random=False),
    requests(),
)
def test_statement_order_never_changes_the_decision(items, random, request):
    shuffled = list(items)
    random.shuffle(shuffled)
    assert (
        evaluate(request, identity=[policy_of(items)]).effect
        == evaluate(request, identity=[policy_of(shuffled)]).effect
    )


@FAST
@given(st.lists(statements(), min_size=1, max_size=5), requests())
def test_evaluate_never_raises_and_always_explains(items, request):
    decision = evaluate(
        request,
        identity=[policy_of(items)],
        boundary=policy_of(items),
        session=policy_of(items),
    )
    assert decision.effect in ("Allow", "ExplicitDeny", "ImplicitDeny")
    assert decision.explain()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Effect",
                    "Action",
                    "Resource",
                    "Condition",
                    "Principal",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def parses_or_policy_error(source, kind="identity"):
    try:
        parse_policy(source, kind=kind)
    except PolicyError as error:
        assert error.problems


@FAST
@given(st.text(max_size=300))
def test_parse_policy_raises_only_policy_error_on_any_text(text):
    parses_or_policy_error(text)


@FAST
@given(st.binary(max_size=300))
def test_parse_policy_raises_only_policy_error_on_any_bytes(data):
    parses_or_policy_error(data)


@FAST
@given(json_values, st.sampled_from(["identity", "resource", "trust", "scp"]))
def test_parse_policy_raises_only_policy_error_on_any_json(value, kind):
    parses_or_policy_error(value, kind)
    try:
        text = json.dumps(value)
    except ValueError:
        return
    parses_or_policy_error(text, kind)


@FAST
@given(
    st.lists(statements(), min_size=1, max_size=3),
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["x", " ", "\\u0000", '"', "{", "]", ","]),
)
def test_parse_policy_handles_corrupted_policies(items, position, junk):
    text = json.dumps({"Version": "2012-10-17", "Statement": items})
    position = min(position, len(text))
    parses_or_policy_error(text[:position] + junk + text[position:])


def test_parse_policy_handles_extreme_inputs():
    """Empty, NUL, 100,000-deep and 10 MB inputs: a PolicyError each, never a crash."""
    for source in (
        "",
        b"",
        "\x00",
        "[" * 100_000,
        "{" * 100_000,
        '{"a":' * 100_000,
        "[" * 100_000 + "]" * 100_000,
        " " * 10_000_000,
        '"' + "a" * 10_000_000 + '"',
    ):
        parses_or_policy_error(source)

"""Properties that must hold for every input, checked on random ones."""

import itertools
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iam import PolicyError, Request, evaluate, parse_policy
from iam.matching import ArnGlob, glob, pieces_of
from tests.iam.replay import assert_counterexamples_replay

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


# Comparison: an "exhaustive" equivalence survives a brute-force enumeration.
COMPARE_ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:GetObject*",
    "s3:*Object",
    "s3:List*",
    "sts:AssumeRole",
    "sts:*",
]
COMPARE_RESOURCES = [
    "*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::*/*",
    "arn:aws:s3:::reports-*",
    "arn:aws:s3:::reports-*/*",
    "arn:aws:s3:::reports-?/*",
    "arn:aws:s3:::reports-1/q1.csv",
    "arn:aws:s3:*:*:accesspoint/*",
    "arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap/object/*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:iam::111122223333:role/ReadOnly",
    "arn:aws:iam::*:role/Read*",
    "arn:aws:iam::*:user/?",
    "arn:aws:s3:us-*:*:storage-*",
    "arn:aws:*:*:*:*",
    "arn:aws:s3:*:*:*",
]
COMPARE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def small_policies(draw):
    chosen = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
                    "Action": st.lists(
                        st.sampled_from(COMPARE_ACTIONS), min_size=1, max_size=2
                    ),
                    "Resource": st.lists(
                        st.sampled_from(COMPARE_RESOURCES), min_size=1, max_size=2
                    ),
                }
            ),
            min_size=1,
            max_size=2,
        )
    )
    for statement in chosen:
        if draw(st.integers(0, 4)) == 0:
            statement["NotResource"] = statement.pop("Resource")
    return {"Version": "2012-10-17", "Statement": chosen}


def _resources_of(statement):
    return statement.get("Resource") or statement["NotResource"]


@st.composite
def close_pairs(draw):
    """A small policy and another one that differs in one pattern, or in none:
    pairs of random policies are seldom equivalent."""
    first = draw(small_policies())
    second = json.loads(json.dumps(first))
    statement = draw(st.sampled_from(second["Statement"]))
    element = draw(st.sampled_from(["Action", "Resource", "Effect", None]))
    if element == "Action":
        statement["Action"][-1] = draw(st.sampled_from(COMPARE_ACTIONS))
    elif element == "Resource":
        _resources_of(statement)[-1] = draw(st.sampled_from(COMPARE_RESOURCES))
    elif element == "Effect":
        statement["Effect"] = "Deny" if statement["Effect"] == "Allow" else "Allow"
    return first, second


def _fragments(resources):
    """The literal pieces of the patterns' resource parts, and fresh text."""
    found = {"x", "x/x", "q1.csv"}
    for pattern in resources:
        tail = pattern.split(":", 5)[-1]
        for chunk in tail.replace("?", "*").split("*"):
            for piece in (chunk, *chunk.split("/")):
                if piece:
                    found.update((piece, piece + "x", "x" + piece))
    return sorted(found)


def _brute_force_resources(action, resources):
    """Resources of the action's types built from the policies' literal pieces."""
    from iam.sampling import action_templates, fits_template

    templates = action_templates(action)
    if not templates:
        return ["*"]
    fragments = _fragments(resources)
    accounts = ["111122223333", "123456789012", "x"]
    found = set()
    for template in templates:
        names = re.findall(r"\$\{(\w+)\}", template)
        choices = []
        for name in names:
            if name == "Partition":
                choices.append(["aws"])
            elif name == "Region":
                choices.append(["us-east-1", "x"])
            elif name == "Account":
                choices.append(accounts)
            else:
                choices.append(fragments)
        for values in itertools.product(*choices):
            text = template
            for name, value in zip(names, values, strict=True):
                text = text.replace("${" + name + "}", value, 1)
            found.add(text)
    for pattern in resources:  # every wildcard as nothing, or as fresh text
        for fill in ("", "x", "x/x"):
            found.add(pattern.replace("*", fill).replace("?", "x"))
    return sorted(r for r in found if any(fits_template(t, r) for t in templates))


@COMPARE
@given(st.one_of(close_pairs(), st.tuples(small_policies(), small_policies())))
def test_exhaustive_equivalence_survives_brute_force(pair):
    candidate, reference = pair
    from iam import compare, evaluate_policy
    from iam.compare import PRINCIPAL
    from iam.sampling import expand

    result = compare(candidate, reference)
    policies = (parse_policy(candidate), parse_policy(reference))
    assert_counterexamples_replay(result, policies)
    if not (result.equivalent and result.exhaustive):
        return
    documents = (candidate, reference)
    patterns = {a for d in documents for s in d["Statement"] for a in s["Action"]}
    resources = {r for d in documents for s in d["Statement"] for r in _resources_of(s)}
    actions = sorted({a for pattern in patterns for a in expand(pattern)})
    for action in actions:
        for resource in _brute_force_resources(action, sorted(resources)):
            request = Request(PRINCIPAL, action, resource, {})
            decisions = [evaluate_policy(p, request).allowed for p in policies]
            assert decisions[0] == decisions[1], (action, resource, decisions)

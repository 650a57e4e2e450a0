"""The comparison decides conditions exactly (issue 13, item 7).

For random pairs of policies whose statements differ only in their condition
blocks, every "exhaustive" verdict of equivalence must survive a brute-force
enumeration of contexts, and every brute-force difference must be found. The
brute-force values are written here by hand, independently of
``iam.contexts``: the tricky ones sit between close bounds (1.5 < x < 2, ten
minutes apart, nested address ranges), match one string pattern and not another
(``ab`` against ``a*`` and ``*b``), differ only in case, or are sets of tag keys.
"""

import itertools
import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from iam import compare, evaluate_policy, parse_policy
from iam.compare import PRINCIPAL, Budget
from iam.request import Request
from iam.values import with_always_sent
from tests.iam.replay import assert_counterexamples_replay

ACTION = "s3:GetObject"
RESOURCE = "arn:aws:s3:::reports/q1.csv"

# key -> (condition entries the policies draw from, brute-force values); None
# among the values stands for leaving the key out (its usual value when AWS
# always sends it).
VOCABULARY = {
    "aws:PrincipalTag/team": (
        [
            ("StringEquals", ["ab"]),
            ("StringLike", ["a*"]),
            ("StringNotLike", ["*b"]),
            ("StringEqualsIgnoreCase", ["AB"]),
            ("StringNotEquals", ["ab", "x"]),
            ("StringLikeIfExists", ["?b"]),
            ("Null", ["true"]),
            ("Null", ["false"]),
        ],
        [None, "", "a", "b", "ab", "AB", "Ab", "aab", "abb", "ax", "xb", "x", "bb"],
    ),
    "aws:MultiFactorAuthAge": (
        [
            ("NumericLessThan", ["1.5"]),
            ("NumericGreaterThan", ["1"]),
            ("NumericLessThanEquals", ["2"]),
            ("NumericEquals", ["1.7"]),
            ("NumericGreaterThanEqualsIfExists", ["2"]),
            ("NumericNotEquals", ["3600"]),
        ],
        [None, "0", "1", "1.2", "1.5", "1.6", "1.7", "1.8", "2", "2.5", "3600", "4000"],
    ),
    "aws:CurrentTime": (
        [
            ("DateGreaterThan", ["2026-03-02T09:00:00Z"]),
            ("DateLessThan", ["2026-03-02T09:10:00Z"]),
            ("DateLessThanEquals", ["2026-03-02T09:30:00Z"]),
            ("DateNotEquals", ["2026-03-02T09:05:00Z"]),
        ],
        [
            None,
            "2026-03-02T08:00:00Z",
            "2026-03-02T09:00:00Z",
            "2026-03-02T09:03:00Z",
            "2026-03-02T09:05:00Z",
            "2026-03-02T09:07:00Z",
            "2026-03-02T09:10:00Z",
            "2026-03-02T09:20:00Z",
            "2026-03-02T09:30:00Z",
            "2026-03-02T11:00:00Z",
        ],
    ),
    "aws:SourceIp": (
        [
            ("IpAddress", ["10.0.0.0/8"]),
            ("NotIpAddress", ["10.1.0.0/16"]),
            ("IpAddress", ["10.1.2.0/24", "192.0.2.0/24"]),
        ],
        [
            None,
            "10.0.0.1",
            "10.1.0.1",
            "10.1.2.3",
            "10.2.0.0",
            "192.0.2.5",
            "11.0.0.0",
            "9.255.255.255",
            "2001:db8::1",
        ],
    ),
    "aws:RequestedRegion": (
        [
            ("StringEquals", ["us-east-1"]),
            ("StringLike", ["eu-*"]),
            ("StringNotEquals", ["eu-west-1"]),
            ("ForAnyValue:StringEquals", ["us-east-1", "eu-west-1"]),
        ],
        [None, "eu-west-1", "eu-central-1", "us-west-2"],
    ),
    "aws:TagKeys": (
        [
            ("ForAllValues:StringEquals", ["team", "env"]),
            ("ForAnyValue:StringLike", ["te*"]),
            ("ForAnyValue:StringEqualsIfExists", ["env"]),
            ("ForAllValues:StringNotLike", ["*x"]),
        ],
        [
            None,
            [],
            ["team"],
            ["env"],
            ["tex"],
            ["other"],
            ["team", "env"],
            ["team", "other"],
            ["env", "tex"],
            ["team", "env", "other"],
        ],
    ),
    "aws:SecureTransport": (
        [("Bool", ["true"]), ("BoolIfExists", ["false"])],
        [None, False],
    ),
    # The caller's name: the brute force varies the caller (None: alice).
    "aws:username": (
        [
            ("StringLike", ["a*"]),
            ("StringNotLike", ["*e"]),
            ("StringEquals", ["bob"]),
            ("StringEqualsIgnoreCase", ["ALICE"]),
            ("ArnLike", ["arn:aws:iam::123456789012:user/?l*"]),
        ],
        [None, "bob", "a", "ab", "al", "ale", "Alice", "ALICE", "x", "xe"],
    ),
}
ENTRIES = [
    (operator, "aws:PrincipalArn" if operator == "ArnLike" else key, values)
    for key, (entries, _) in VOCABULARY.items()
    for operator, values in entries
]
USER = "arn:aws:iam::123456789012:user/"

# Generous: whether a comparison is exhaustive must not depend on how busy the
# machine is.
UNHURRIED = Budget(requests=10**9, seconds=600)
CONDITIONS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _block(entries):
    block = {}
    for operator, key, values in entries:
        block.setdefault(operator, {}).setdefault(key, values)
    return block


@st.composite
def statements(draw, entries_of):
    entries = draw(st.lists(st.sampled_from(entries_of), min_size=0, max_size=3))
    statement = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Action": ACTION,
        "Resource": "arn:aws:s3:::reports/*",
    }
    if entries:
        statement["Condition"] = _block(entries)
    return statement


@st.composite
def pairs(draw):
    """A policy, and the same with one condition entry added, dropped or a
    statement added: close pairs, often equivalent, sometimes subtly not. At most
    three keys per pair, so that the brute force stays small."""
    keys = draw(
        st.lists(
            st.sampled_from(sorted(VOCABULARY)), min_size=1, max_size=3, unique=True
        )
    )
    entries_of = [e for e in ENTRIES if _brute_key(e[1]) in keys]
    first = draw(st.lists(statements(entries_of), min_size=1, max_size=3))
    second = json.loads(json.dumps(first))
    change = draw(st.sampled_from(["add", "drop", "statement", "none"]))
    target = draw(st.sampled_from(second))
    if change == "add":
        operator, key, values = draw(st.sampled_from(entries_of))
        target.setdefault("Condition", {}).setdefault(operator, {})[key] = values
    elif change == "drop" and target.get("Condition"):
        operator = sorted(target["Condition"])[0]
        del target["Condition"][operator]
        if not target["Condition"]:
            del target["Condition"]
    elif change == "statement":
        second.append(draw(statements(entries_of)))
    version = "2012-10-17"
    return (
        {"Version": version, "Statement": first},
        {"Version": version, "Statement": second},
    )


def _brute_key(key):
    return "aws:username" if key == "aws:PrincipalArn" else key


def _keys(document):
    return sorted(
        {
            _brute_key(key)
            for statement in document["Statement"]
            for block in statement.get("Condition", {}).values()
            for key in block
        }
    )


def _brute_force(candidate, reference):
    """The first context (every combination of the keys' values) they disagree on."""
    policies = (parse_policy(candidate), parse_policy(reference))
    keys = sorted(set(_keys(candidate)) | set(_keys(reference)))
    for values in itertools.product(*(VOCABULARY[key][1] for key in keys)):
        context = {k: v for k, v in zip(keys, values, strict=True) if v is not None}
        name = context.pop("aws:username", None)
        caller = PRINCIPAL if name is None else USER + name
        request = Request(caller, ACTION, RESOURCE, with_always_sent(caller, context))
        decisions = [evaluate_policy(p, request).allowed for p in policies]
        if decisions[0] != decisions[1]:
            return context
    return None


@CONDITIONS
@given(pairs())
def test_conditions_are_decided_exactly(pair):
    candidate, reference = pair
    result = compare(candidate, reference, budget=UNHURRIED)
    policies = (parse_policy(candidate), parse_policy(reference))
    assert_counterexamples_replay(result, policies)
    assert result.exhaustive, "these conditions are within what compare decides"
    difference = _brute_force(candidate, reference)
    event("equivalent" if result.equivalent else "a difference")
    if result.equivalent:
        assert difference is None, difference
    else:
        assert difference is not None or result.too_permissive or result.too_strict


@pytest.mark.parametrize(
    ("extra", "equivalent"),
    [
        # 1 < age < 1.5 and age >= 2 cannot both hold: the Deny never applies.
        (
            {
                "NumericGreaterThan": {"aws:MultiFactorAuthAge": "1"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "1.5"},
                "NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "2"},
            },
            True,
        ),
        # 1.5 < age < 2 can: only a value between the two bounds shows it.
        (
            {
                "NumericGreaterThan": {"aws:MultiFactorAuthAge": "1.5"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "2"},
            },
            False,
        ),
        # "ab" in any case but not "ab" or "AB": "Ab" or "aB".
        (
            {
                "StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "AB"},
                "StringNotEquals": {"aws:PrincipalTag/team": ["ab", "AB"]},
            },
            False,
        ),
        # Starts with a, ends with b, and is not longer than two characters.
        (
            {
                "StringLike": {"aws:PrincipalTag/team": "a*"},
                "StringNotLike": {"aws:PrincipalTag/team": ["*a", "?*?*?", "a"]},
                "ForAnyValue:StringLike": {"aws:TagKeys": "*b"},
            },
            False,
        ),
        # Ten minutes apart, after the default time: still a window.
        (
            {
                "DateGreaterThan": {"aws:CurrentTime": "2026-03-02T09:00:00Z"},
                "DateLessThan": {"aws:CurrentTime": "2026-03-02T09:10:00Z"},
            },
            False,
        ),
        # Inside 10.1.0.0/16 and outside 10.0.0.0/8: no address.
        (
            {
                "IpAddress": {"aws:SourceIp": "10.1.0.0/16"},
                "NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            },
            True,
        ),
    ],
)
def test_a_conditional_deny_is_decided_exactly(extra, equivalent):
    reference = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ACTION, "Resource": "arn:aws:s3:::reports/*"}
        ],
    }
    candidate = json.loads(json.dumps(reference))
    candidate["Statement"].append(
        {"Effect": "Deny", "Action": ACTION, "Resource": "*", "Condition": extra}
    )
    result = compare(candidate, reference, budget=UNHURRIED)
    assert result.exhaustive
    assert result.equivalent is equivalent
    assert (result.too_strict is None) is equivalent
    assert result.too_permissive is None


HOME = "arn:aws:s3:::home/"


@pytest.mark.parametrize(
    ("candidate", "reference", "equivalent"),
    [
        # The caller's own folder against one named folder and a wildcard one:
        # the user "al" (or "alex") is where the second pair differs.
        ([HOME + "${aws:username}/*"], [HOME + "alice/*"], False),
        (
            [HOME + "${aws:username}/*", HOME + "al*/*"],
            [HOME + "${aws:username}/*", HOME + "al*/*", HOME + "alice/*"],
            True,
        ),
        (
            [HOME + "${aws:username}/*"],
            [HOME + "${aws:username}/*", HOME + "al*/x"],
            False,
        ),
    ],
)
def test_the_callers_own_folder_is_decided_exactly(candidate, reference, equivalent):
    def document(resources):
        statement = {"Effect": "Allow", "Action": ACTION, "Resource": resources}
        return {"Version": "2012-10-17", "Statement": [statement]}

    result = compare(document(candidate), document(reference), budget=UNHURRIED)
    assert result.exhaustive
    assert result.equivalent is equivalent


def test_a_deny_on_user_names_is_decided_exactly():
    """A Deny for users whose name starts with a and does not end with e, nor is
    bob: "a" itself is one, so the policies differ; with "a?*e" they do not."""
    reference = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ACTION, "Resource": "arn:aws:s3:::reports/*"}
        ],
    }

    def with_deny(condition):
        candidate = json.loads(json.dumps(reference))
        deny = {"Effect": "Deny", "Action": ACTION, "Resource": "*"}
        candidate["Statement"].append({**deny, "Condition": condition})
        return candidate

    differs = compare(
        with_deny(
            {
                "StringLike": {"aws:username": "a*"},
                "StringNotLike": {"aws:username": ["*e", "alice"]},
            }
        ),
        reference,
        budget=UNHURRIED,
    )
    assert differs.exhaustive
    name = differs.too_strict.request.principal.rsplit("/", 1)[1]
    assert name.startswith("a") and not name.endswith("e")
    same = compare(
        with_deny(
            {
                "StringLike": {"aws:username": "a*"},
                "StringNotLike": {"aws:username": "a*"},
            }
        ),
        reference,
        budget=UNHURRIED,
    )
    assert same.exhaustive and same.equivalent


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        (
            {"Resource": "arn:aws:s3:::reports/${aws:PrincipalTag/team}/*"},
            "a Resource holds a policy variable that the caller does not set",
        ),
        (
            {
                "Resource": "arn:aws:s3:::reports/*",
                "Condition": {
                    "NumericLessThan": {"aws:PrincipalTag/level": "3"},
                    "StringLike": {"aws:PrincipalTag/level": "1*"},
                },
            },
            "aws:PrincipalTag/level is compared as numeric and as text",
        ),
        (
            {
                "Resource": "arn:aws:s3:::reports/*",
                "Condition": {"StringLike": {"aws:userid": "AIDA*"}},
            },
            "a wildcard in the condition on aws:userid",
        ),
    ],
)
def test_what_cannot_be_decided_says_why(statement, reason):
    """The constructs the docstrings list: "could not verify", with the reason."""
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ACTION, **statement}],
    }
    result = compare(document, document, budget=UNHURRIED)
    assert result.equivalent
    assert not result.exhaustive
    assert result.undecided.startswith(reason)
    assert result.details_json()["undecided"] == result.undecided
    assert "undecided" not in result.to_json()  # the command line's contract


def test_a_condition_tying_the_callers_name_to_a_tag_is_decided():
    """The tag equal to the caller's own name is the request that differs: the
    search must try the caller's value for the tag, not only example values."""
    candidate = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ACTION,
                "Resource": "arn:aws:s3:::reports/*",
                "Condition": {
                    "StringEquals": {"aws:username": "${aws:PrincipalTag/owner}"}
                },
            }
        ],
    }
    reference = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ACTION, "Resource": "arn:aws:s3:::other/*"}
        ],
    }
    result = compare(candidate, reference, budget=UNHURRIED)
    assert result.exhaustive
    example = result.too_permissive
    name = example.request.principal.rsplit("/", 1)[1]
    assert example.request.context["aws:PrincipalTag/owner"] == name

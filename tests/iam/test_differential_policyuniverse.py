"""Differential tests against policyuniverse (Netflix), an independent implementation.

Actions: policyuniverse expands an action pattern with ``fnmatch`` over its own
lower-cased list of actions. That agrees with the IAM User Guide (Action element:
"The prefix and the action name are case insensitive", and ``*`` and ``?`` are
wildcards within an action name) for patterns made of letters, digits, ``:``, ``*``
and ``?`` that hold at least one ``*``. Outside that, the two differ on purpose, and
AWS sides with this engine: policyuniverse expands only patterns holding a ``*``
(``s3:Get?bject`` is taken literally), and ``fnmatch`` reads ``[...]`` as a set of
characters where IAM reads a bracket as itself. The two libraries ship different
snapshots of the Service Authorization Reference, so they are compared on the
actions both know.

ARNs: policyuniverse has no resource wildcard matcher, but its ``ARN`` class splits
an ARN into partition, service, region, account and resource, which is what this
engine's ARN-aware matching relies on (a wildcard stays within its part; the
resource part keeps its own ``:`` and ``/``).
"""

import random
import string

import pytest

from iam import Request, catalog, expand_actions
from iam.matching import split_arn

pytest.importorskip(
    "policyuniverse",
    reason="policyuniverse is not installed (pip install -r requirements-dev.txt)",
)

from policyuniverse import all_permissions  # noqa: E402
from policyuniverse.arn import ARN  # noqa: E402
from policyuniverse.expander_minimizer import (  # noqa: E402
    _expand_wildcard_action as their_expansion,
)

COMMON = frozenset(a.lower() for a in catalog.all_actions) & frozenset(all_permissions)


def ours(pattern: str) -> set[str]:
    return {action.lower() for action in expand_actions(pattern)} & COMMON


def theirs(pattern: str) -> set[str]:
    return set(their_expansion([pattern])) & COMMON


def generated_patterns(count: int, seed: int = 20240601) -> list[str]:
    """Random action patterns cut from real actions: prefixes, ``?``, mixed case."""
    rng = random.Random(seed)
    actions = sorted(a for a in catalog.all_actions if a.lower() in COMMON)
    patterns = []
    for _ in range(count):
        service, name = rng.choice(actions).split(":", 1)
        cut = rng.randrange(len(name) + 1)
        shape = rng.randrange(4)
        if shape == 0:
            pattern = f"{service}:{name[:cut]}*"
        elif shape == 1:
            pattern = f"{service}:*{name[cut:]}"
        elif shape == 2:
            pattern = f"{service}:{name[:cut]}*{name[cut + 1 :]}" if name else "x:*"
        else:
            chars = list(f"{service}:{name[:cut]}")
            for _ in range(rng.randrange(1, 3)):
                spot = rng.randrange(len(service) + 1, len(chars) + 1)
                if spot < len(chars):
                    chars[spot] = "?"
            pattern = "".join(chars) + "*"
        patterns.append(
            "".join(c.upper() if rng.random() < 0.3 else c for c in pattern)
        )
    return patterns


HAND_PICKED = [
    "s3:Get*",
    "S3:GET*",
    "iam:*AccessKey*",
    "ec2:Describe*",
    "ec2:*",
    "iam:?etUser*",
    "s3:*Object",
    "s3:Put*Acl",
    "*:GetBucket*",
    "s?:List*",
    "dynamodb:*Item",
    "kms:*crypt*",
    "sts:Assume*",
]


@pytest.mark.parametrize("pattern", HAND_PICKED + generated_patterns(150))
def test_action_patterns_cover_what_policyuniverse_expands_them_to(pattern):
    assert ours(pattern) == theirs(pattern)


def test_brackets_are_literal_where_fnmatch_reads_a_character_set():
    # IAM has only two wildcards, * and ?; "[" means itself. fnmatch disagrees.
    assert theirs("s3:[GD]e*Object") >= {"s3:getobject", "s3:deleteobject"}
    assert ours("s3:[GD]e*Object") == set()


def generated_arns(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    arns = []
    for _ in range(count):
        partition = rng.choice(["aws", "aws-cn", "aws-us-gov"])
        service = rng.choice(["s3", "ec2", "iam", "sqs", "logs", "dynamodb", "kms"])
        region = rng.choice(["", "us-east-1", "eu-west-1", "ap-southeast-2"])
        account = rng.choice(["", "111122223333", "444455556666"])
        words = [
            "".join(rng.choices(string.ascii_letters + string.digits + "-_.", k=5))
            for _ in range(rng.randrange(1, 4))
        ]
        resource = rng.choice(["/", ":"]).join(words)
        if rng.random() < 0.3:
            resource = f"{rng.choice(['table', 'log-group', 'instance'])}/{resource}"
        arns.append(f"arn:{partition}:{service}:{region}:{account}:{resource}")
    return arns


HAND_PICKED_ARNS = [
    "arn:aws:s3:::reports/2024/q1.csv",
    "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/alice",
    "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:web/1",
    "arn:aws:sqs:eu-west-1:111122223333:queue",
    "arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-0123456789abcdef0",
]


@pytest.mark.parametrize("arn", HAND_PICKED_ARNS + generated_arns(100))
def test_arns_split_into_the_parts_policyuniverse_reads(arn):
    theirs = ARN(arn)
    assert not theirs.error
    partition, service, region, account, resource = split_arn(arn)[1:]
    assert (partition, service, region, account, resource) == (
        theirs.partition,
        theirs.tech,
        theirs.region,
        theirs.account_number,
        theirs.name,
    )
    request = Request("arn:aws:iam::999988887777:user/alice", "s3:GetObject", arn)
    assert request.owner_account == (account or "999988887777")

"""Concrete values for a comparison's requests: the world it is played in, and
the filling of patterns and condition values.

Every request ``compare`` tries lives in account 123456789012, Region
us-east-1, with users ``alice`` and ``bob``. A Resource pattern is filled in
with a few values (``example``, ``other``, ``example/q1.csv``; a wildcard Region
or account also another one); a condition gets values that satisfy it and
values that do not (inside and outside each CIDR, a day before and after each
date, around each number, listed and unlisted strings, true and false).
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .conditions import Condition, parse_date, parse_network, parse_number
from .matching import LITERAL, ONE, STAR, Glob, Piece, split_arn_pieces
from .variables import resolve, template_items

Lookup = Callable[[str], "str | None"]

ACCOUNT = "123456789012"
REGION = "us-east-1"
PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/alice"
# The role a trust policy guards: the "resource" of sts:AssumeRole.
TRUSTING_ROLE = f"arn:aws:iam::{ACCOUNT}:role/example-role"
SECOND_USER = "bob"

SPARE_ACCOUNTS = ("210987654321", "444455556666", "777788889999", "111122223333")
_REGIONS = (
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "sa-east-1",
    "ap-northeast-1",
    "ca-central-1",
    "us-east-2",
    "us-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "ap-southeast-1",
    "ap-south-1",
)
# Values a wildcard in a resource takes: a word, another word, a deeper path.
_FILLS = ("example", "other", "example/q1.csv")
# Readable values for ARN template placeholders; others become ``example-...``.
EXAMPLE_VALUES = {
    "BucketName": "example-bucket",
    "ObjectName": "q1.csv",
    "UserNameWithPath": SECOND_USER,
    "UserName": SECOND_USER,
    "RoleNameWithPath": "example-role",
    "RoleName": "example-role",
    "GroupNameWithPath": "developers",
    "GroupName": "developers",
    "PolicyNameWithPath": "example-policy",
    "InstanceId": "i-0123456789abcdef0",
    "TableName": "example-table",
    "FunctionName": "example-function",
    "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
}
# The moment every request is made, unless a condition asks for another one.
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# The caller's address, unless a condition asks for another one.
SOURCE_IP = "198.51.100.7"
_OUTSIDE_ADDRESSES = ("198.51.100.23", "203.0.113.99", "192.0.2.200", "2001:db8::99")
_OTHER_ARN = "arn:aws:iam::210987654321:role/other-role"


def _fill(pieces: Sequence[Piece], star: str, one: str = "x") -> str:
    return "".join(
        star if kind == STAR else one if kind == ONE else text for kind, text in pieces
    )


def _choices(
    pieces: Sequence[Piece], pool: Sequence[str], limit: int, filler: str
) -> list[str]:
    """Values of ``pool`` an ARN part's pattern matches; else the part filled."""
    if all(kind == LITERAL for kind, _ in pieces):
        return [_fill(pieces, "")]
    matcher = Glob(pieces)
    chosen = [value for value in pool if matcher.match(value)][:limit]
    return chosen or [_fill(pieces, filler, filler)]


def _split_parts(pieces: Sequence[Piece]) -> list[list[Piece]] | None:
    """The six parts of an ARN pattern, as pieces; None when it is not an ARN."""
    parts = split_arn_pieces(pieces)
    if len(parts) != 6 or parts[0] != [(LITERAL, "arn")]:
        return None
    return parts


def resource_examples(
    pieces: Sequence[Piece], accounts: Sequence[str], names: Sequence[str] = ()
) -> list[str]:
    """Concrete resources a resolved pattern matches (a few of them).

    ``names`` are resource names the task uses (``reports-123456789012-archive``,
    or the part after the fifth colon of an ARN); those the pattern's resource
    part matches, and an object in each, are tried before invented fills.
    """
    if not any(kind != LITERAL for kind, _ in pieces):
        return [_fill(pieces, "")]
    parts = _split_parts(pieces)
    if parts is None:
        return [_fill(pieces, star) for star in _FILLS[:2]]
    partition, service, region, account, resource = parts[1:]
    if any(kind != LITERAL for kind, _ in service):
        return []  # any service at all: the catalog's example ARNs stand for it
    heads = itertools.product(
        _choices(partition, ("aws",), 1, "aws"),
        [_fill(service, "")],
        _choices(region, _REGIONS, 2, "example") if region else [""],
        _choices(account, accounts, 2, "0") if account else [""],
    )
    fills = _FILLS
    if resource and resource[0] == (LITERAL, "user/"):
        fills = (SECOND_USER, *_FILLS[1:])  # "another user" reads best as bob
    tails = [_fill(resource, star) for star in fills] if resource else [""]
    if resource and names:
        part = Glob(resource)
        named = [n for name in names for n in (name, f"{name}/q1.csv")]
        tails = [n for n in named if part.match(n)][:12] + tails
    return [
        "arn:" + ":".join(head) + ":" + tail
        for head in heads
        for tail in dict.fromkeys(tails)
    ]


def condition_values(
    condition: Condition, lookups: Sequence[Lookup], listed: frozenset[str]
) -> list[Any]:
    """Values of the condition's key that satisfy it, then values that do not.

    ``listed`` holds every condition value of both policies: a Region chosen to
    _fill a wildcard or to miss is one they do not name, where there is one.
    """
    family = condition.family
    values = condition.values
    if family == "null":
        return []
    if family == "bool":
        return [True, False]
    if family.startswith("numeric"):
        found: list[Any] = []
        for value in values:
            number = parse_number(value)
            if number is not None:
                found.extend(number_text(number + step) for step in (0, -1, 1))
        return found
    if family.startswith("date"):
        found = []
        for value in values:
            moment = parse_date(value)
            if moment is not None:
                found.extend(date_text(moment + step) for step in (0, -86400, 86400))
        return found
    if family == "ip":
        return _addresses(values)
    if family == "binary":
        return [*values, "b3RoZXI="]
    texts: list[str] = []
    for value in values:
        items = template_items(value, variables=condition.variables)
        for lookup in lookups:
            pieces = resolve(items, lookup)
            if pieces is None:
                continue
            if family == "arn":
                texts.extend(resource_examples(pieces, (ACCOUNT,)))
            elif family == "string-like" and condition.key_lower.endswith("region"):
                like = Glob(pieces)
                regions = [r for r in _REGIONS if like.match(r)]
                named = [r for r in regions if r in listed][:1]
                unnamed = [r for r in regions if r not in listed][:1]
                texts.extend(named + unnamed or [_fill(pieces, "example")])
            elif family == "string-like":
                texts.append(_fill(pieces, "example"))
            else:
                texts.append(_fill(pieces, "*", "?"))  # literal characters here
    if family == "string-ignore-case" and texts:
        texts.append(texts[0].swapcase())
    if family == "arn":
        texts.append(_OTHER_ARN)
    elif condition.key_lower.endswith("region"):
        unnamed = (r for r in _REGIONS if r not in texts and r not in listed)
        texts.append(next(unnamed, "example"))
    else:
        texts.append("other-value")
    return texts


def number_text(number: Decimal) -> str:
    """A number as people write it: ``100``, ``0.5``, never ``1E+2``."""
    if number == number.to_integral():
        return str(int(number))
    return format(number.normalize(), "f")


def date_text(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _addresses(values: Sequence[str]) -> list[str]:
    networks = [n for n in (parse_network(v) for v in values) if n is not None]
    found: list[str] = []
    for network in networks:
        inside = network.network_address + (1 if network.num_addresses > 2 else 0)
        found.append(str(inside))
        try:
            found.append(str(network.broadcast_address + 1))
        except ipaddress.AddressValueError:
            found.append(str(network.network_address - 1))
    for address in _OUTSIDE_ADDRESSES:
        parsed = ipaddress.ip_address(address)
        if not any(parsed in network for network in networks):
            found.append(address)
            break
    return found


def always_sent(principal: str) -> dict[str, Any]:
    """The context keys AWS sends with every request of ``principal``.

    Secure transport, the Region (``us-east-1``, where global services such as
    IAM are served too), the time in both forms, the caller's address, and the
    caller's unique id. The caller's ARN, account and user name are derived by
    ``Request`` itself. A service principal acting for itself has no address or
    unique id.
    """
    context: dict[str, Any] = {
        "aws:SecureTransport": True,
        "aws:RequestedRegion": REGION,
        "aws:CurrentTime": date_text(NOW.timestamp()),
        "aws:EpochTime": str(int(NOW.timestamp())),
    }
    userid = _user_id(principal)
    if userid is not None:
        context["aws:SourceIp"] = SOURCE_IP
        context["aws:userid"] = userid
    return context


def with_always_sent(principal: str, context: dict[str, Any] | None) -> dict[str, Any]:
    """``context`` completed with ``always_sent``; the two times kept in step."""
    full = always_sent(principal)
    if not context:
        return full
    names = {key.lower() for key in context}
    if "aws:currenttime" in names and "aws:epochtime" not in names:
        moment = parse_date(_value_of(context, "aws:currenttime"))
        if moment is not None:
            full["aws:EpochTime"] = str(int(moment))
    elif "aws:epochtime" in names and "aws:currenttime" not in names:
        moment = parse_date(_value_of(context, "aws:epochtime"))
        if moment is not None:
            full["aws:CurrentTime"] = date_text(moment)
    for key in list(full):
        if key.lower() in names:
            del full[key]
    full.update(context)
    return full


def _value_of(context: dict[str, Any], name: str) -> str:
    return str(next(v for k, v in context.items() if k.lower() == name))


def _user_id(principal: str) -> str | None:
    """A unique id shaped like AWS's: AIDA... for a user, AROA...:session for a
    role session, the account id for a root user, ``anonymous`` for anyone."""
    if principal == "*":
        return "anonymous"
    parts = principal.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return principal if principal.isdigit() else None
    resource = parts[5]
    if resource == "root":
        return parts[4]
    tail = resource.rsplit("/", 1)[-1]
    if resource.startswith("assumed-role/"):
        return f"AROA{_letters(resource.split('/')[1])}:{tail}"
    return f"AIDA{_letters(tail)}"


def _letters(name: str) -> str:
    """Sixteen upper-case characters derived from ``name``, like AWS's ids."""
    text = "".join(c for c in name.upper() if c.isalnum()) + "EXAMPLE1234567890"
    return text[:16]

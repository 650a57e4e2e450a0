"""
``compare(candidate, reference, kind=...)`` looks for a concrete request that the
candidate allows and the reference denies (the candidate is *too permissive*) and
one that the reference allows and the candidate denies (*too strict*). Both
policies judge every request through ``evaluate_policy``, the one way the engine
judges a policy on its own (its docstring gives the rule per kind), so a
counterexample and an exercise's test request are never judged differently.
Resource and trust policies are compared for a resource owned by account
123456789012 (``resource_account``).

The requests tried are described in ``iam.search``; the values filled in, in
``iam.values``; the sentence shown to a learner is built by ``iam.wording``.

Each direction keeps up to three counterexamples (``MAX_EXAMPLES``), each on an
action and resource of its own, and each names its cause: the candidate's
statement that allows it, or the one that denies it, or that none allows it.
Once both directions have one, the search goes on for at most ``MORE_REQUESTS``
requests to find the others.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .evaluation import Decision, evaluate_policy
from .grammar import parse_policy
from .policy import KINDS, Policy
from .request import Request
from .search import SearchSpace
from .values import PRINCIPAL
from .wording import (
    TOO_PERMISSIVE,
    TOO_STRICT,
    describe_cause,
    describe_counterexample,
)

__all__ = [
    "PRINCIPAL",
    "TOO_PERMISSIVE",
    "TOO_STRICT",
    "Budget",
    "Cause",
    "Comparison",
    "Counterexample",
    "compare",
]


@dataclass(frozen=True)
class Budget:
    """How far a comparison may go: requests evaluated and wall-clock seconds."""

    requests: int = 50_000
    seconds: float = 1.5


# The budget of a comparison that names none. Tests raise its time limit, so that
# no verdict they check depends on how busy the machine is.
DEFAULT_BUDGET = Budget()

# Counterexamples kept per direction, and the requests tried for the extra ones
# once both directions have their first.
MAX_EXAMPLES = 3
MORE_REQUESTS = 1_000


@dataclass(frozen=True)
class Cause:
    """The statement of the candidate that decided a counterexample.

    ``statement`` is its number (1 for the first), ``line`` where it starts in
    the policy text (None for a policy given as a dict); both None when no
    statement allows a request the task needs. ``text`` is the sentence.
    """

    text: str
    statement: int | None = None
    sid: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Counterexample:
    """A concrete request on which the two policies disagree.

    ``candidate`` and ``reference`` are the decisions of each policy. Show the
    learner ``describe()`` and ``candidate.explain()``; the reference's decision
    is for graders and authors only, since its trace quotes the reference.
    """

    direction: str
    request: Request
    candidate: Decision
    reference: Decision
    kind: str = "identity"
    absent_keys: tuple[str, ...] = ()
    # Context keys the policies test (as spelt there); None: name every key.
    tested_keys: tuple[str, ...] | None = None
    policy: Policy | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The request in the ``simulate`` command's shape."""
        return _request_json(self.request)

    def describe(self) -> str:
        """One sentence for the learner, naming the request but not the reference."""
        shown = None
        if self.tested_keys is not None:
            shown = {key.lower() for key in self.tested_keys}
        return describe_counterexample(
            self.direction, self.kind, self.request, self.absent_keys, shown
        )

    def cause(self) -> Cause:
        """Which statement of the candidate allows the request (too permissive),
        or denies it, or that none allows it (too strict)."""
        wanted = "Allow" if self.direction == TOO_PERMISSIVE else "Deny"
        found = None
        for trace in self.candidate.trace:
            if self.policy is None or trace.policy is self.policy:
                found = next(
                    (s for s in trace.statements if s.matched and s.effect == wanted),
                    None,
                )
                if found is not None:
                    break
        if found is None:
            return Cause(describe_cause(self.direction, self.kind))
        statement = found.statement
        line = None
        if self.policy is not None:
            line = self.policy.locate(statement.path)[0]
        return Cause(
            describe_cause(self.direction, self.kind, statement.label, line),
            statement.index + 1,
            statement.sid,
            line,
        )

    def details_json(self) -> dict[str, Any]:
        """The request, the sentence and its cause, for the command line."""
        cause = self.cause()
        return {
            "request": self.to_json(),
            "sentence": self.describe(),
            "cause": cause.text,
            "statement": cause.statement,
            "sid": cause.sid,
            "line": cause.line,
        }


@dataclass(frozen=True)
class Comparison:
    """The outcome of ``compare``: one counterexample per direction, or None."""

    too_permissive: Counterexample | None
    too_strict: Counterexample | None
    exhaustive: bool
    checked: int
    # The other counterexamples per direction (at most MAX_EXAMPLES - 1 each).
    more_too_permissive: tuple[Counterexample, ...] = ()
    more_too_strict: tuple[Counterexample, ...] = ()
    # Why the comparison is not exhaustive, in words for the learner; else None.
    undecided: str | None = None

    def examples(self, direction: str) -> tuple[Counterexample, ...]:
        """Every counterexample of one direction, the first one first."""
        if direction == TOO_PERMISSIVE:
            first, more = self.too_permissive, self.more_too_permissive
        else:
            first, more = self.too_strict, self.more_too_strict
        return () if first is None else (first, *more)

    @property
    def equivalent(self) -> bool:
        """No counterexample in either direction (over the space searched)."""
        return self.too_permissive is None and self.too_strict is None

    def to_json(self) -> dict[str, Any]:
        """The command line's answer: both requests (or None) and ``exhaustive``."""
        return {
            TOO_PERMISSIVE: None
            if self.too_permissive is None
            else self.too_permissive.to_json(),
            TOO_STRICT: None if self.too_strict is None else self.too_strict.to_json(),
            "exhaustive": self.exhaustive,
        }

    def details_json(self) -> dict[str, Any]:
        """``to_json`` plus ``examples``: every counterexample per direction, with
        its sentence and cause (the command line's answer)."""
        data = self.to_json()
        if self.undecided:
            data["undecided"] = self.undecided
        data["examples"] = {
            direction: [e.details_json() for e in self.examples(direction)]
            for direction in (TOO_PERMISSIVE, TOO_STRICT)
        }
        return data


def compare(
    candidate: Policy | str | Mapping[str, Any],
    reference: Policy | str | Mapping[str, Any],
    *,
    kind: str = "identity",
    budget: Budget | None = None,
    names: Sequence[str] = (),
) -> Comparison:
    """Compares two policies by meaning: where does one allow what the other denies?

    ``candidate`` and ``reference`` are ``Policy`` objects or policy text or dicts,
    parsed with ``kind`` (identity, resource, boundary, scp, session, trust);
    ``PolicyError`` is raised for an invalid one. Returns a ``Comparison`` holding
    a verified counterexample per direction, or None where the search found none.
    The module docstring describes the space searched and its bounds.
    ``names`` are resources the task names (ARNs from its test requests, bucket
    names from its text): a wildcard is filled with them before invented values,
    so a counterexample speaks of ``reports-123456789012-archive``, not of
    ``reports-123456789012example``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    budget = budget or DEFAULT_BUDGET
    started = time.perf_counter()
    deadline = started + budget.seconds
    policies = (_as_policy(candidate, kind), _as_policy(reference, kind))
    space = SearchSpace(kind, policies, started + budget.seconds / 2, names)
    found: dict[str, list[Counterexample]] = {TOO_PERMISSIVE: [], TOO_STRICT: []}
    seen: set[tuple[str, str, str]] = set()
    # Requests on an action a direction already shows wait here: other actions first.
    spare: dict[str, list[Request]] = {TOO_PERMISSIVE: [], TOO_STRICT: []}

    def keep(direction: str, request: Request) -> None:
        """Verifies the request again and keeps it as a counterexample."""
        action, context = request.action, request.context or {}
        seen.add((direction, action, request.resource))
        example = _verified(
            direction,
            kind,
            policies,
            request,
            _absent(space, action, context),
            space.relevant_names(action),
        )
        if example is not None:  # pragma: no branch - evaluate is deterministic
            found[direction].append(example)

    checked = 0
    complete = True
    stop_at: int | None = None  # set once both directions have a counterexample
    for principal, action, resource, context in itertools.chain(
        space.requests(), space.exact_requests()
    ):
        if stop_at is not None and checked >= stop_at:
            break
        if checked >= budget.requests or (
            checked % 32 == 0 and time.perf_counter() > deadline
        ):
            complete = False
            break
        request = Request(principal, action, resource, context, space.owner)
        checked += 1
        allowed = [evaluate_policy(policy, request).allowed for policy in policies]
        if allowed[0] == allowed[1]:
            continue
        direction = TOO_PERMISSIVE if allowed[0] else TOO_STRICT
        examples = found[direction]
        if len(examples) >= MAX_EXAMPLES or (direction, action, resource) in seen:
            continue
        if any(e.request.action == action for e in examples):
            if len(spare[direction]) < MAX_EXAMPLES:
                spare[direction].append(request)
            continue
        keep(direction, request)
        counts = [len(examples) for examples in found.values()]
        if min(counts) >= MAX_EXAMPLES:
            break
        if stop_at is None and min(counts) > 0:
            stop_at = checked + MORE_REQUESTS
    for direction, waiting in spare.items():
        for request in waiting:
            fresh = (direction, request.action, request.resource) not in seen
            if fresh and len(found[direction]) < MAX_EXAMPLES:
                keep(direction, request)
    permissive, strict = found[TOO_PERMISSIVE], found[TOO_STRICT]
    exhaustive = bool(permissive and strict) or (complete and not space.truncated)
    undecided = None
    if not exhaustive:
        undecided = space.reason or (
            f"the search stopped at its limit ({budget.requests:,} requests, "
            f"{budget.seconds:g} seconds)"
        )
    return Comparison(
        permissive[0] if permissive else None,
        strict[0] if strict else None,
        exhaustive,
        checked,
        tuple(permissive[1:]),
        tuple(strict[1:]),
        undecided,
    )


def _absent(
    space: SearchSpace, action: str, context: Mapping[str, Any]
) -> tuple[str, ...]:
    """The condition keys tested for ``action`` that the request leaves out."""
    present = {key.lower() for key in context}
    return tuple(
        name for name in space.relevant_names(action) if name.lower() not in present
    )


def _request_json(request: Request) -> dict[str, Any]:
    context = {
        key: list(value) if isinstance(value, (list, tuple)) else value
        for key, value in (request.context or {}).items()
    }
    data: dict[str, Any] = {
        "principal": request.principal,
        "action": request.action,
        "resource": request.resource,
        "context": context,
    }
    if request.resource_account is not None:
        data["resource_account"] = request.resource_account
    return data


def _as_policy(value: Policy | str | Mapping[str, Any], kind: str) -> Policy:
    if isinstance(value, Policy):
        return value
    return parse_policy(value, kind=kind)


def _verified(
    direction: str,
    kind: str,
    policies: tuple[Policy, Policy],
    request: Request,
    absent: tuple[str, ...],
    tested: tuple[str, ...],
) -> Counterexample | None:
    """Rebuilds the request from its JSON form and decides it again on both."""
    data = _request_json(request)
    fresh = Request(
        data["principal"],
        data["action"],
        data["resource"],
        data["context"],
        data.get("resource_account"),
    )
    candidate = evaluate_policy(policies[0], fresh)
    reference = evaluate_policy(policies[1], fresh)
    expected = direction == TOO_PERMISSIVE
    if candidate.allowed != expected or reference.allowed == expected:
        return None
    return Counterexample(
        direction, fresh, candidate, reference, kind, absent, tested, policies[0]
    )

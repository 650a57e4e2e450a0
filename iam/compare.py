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
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .evaluation import Decision, evaluate_policy
from .grammar import parse_policy
from .policy import KINDS, Policy
from .request import Request
from .search import SearchSpace
from .values import PRINCIPAL
from .wording import TOO_PERMISSIVE, TOO_STRICT, describe_counterexample

__all__ = [
    "PRINCIPAL",
    "TOO_PERMISSIVE",
    "TOO_STRICT",
    "Budget",
    "Comparison",
    "Counterexample",
    "compare",
]


@dataclass(frozen=True)
class Budget:
    """How far a comparison may go: requests evaluated and wall-clock seconds."""

    requests: int = 50_000
    seconds: float = 1.5


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


@dataclass(frozen=True)
class Comparison:
    """The outcome of ``compare``: one counterexample per direction, or None."""

    too_permissive: Counterexample | None
    too_strict: Counterexample | None
    exhaustive: bool
    checked: int

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


def compare(
    candidate: Policy | str | Mapping[str, Any],
    reference: Policy | str | Mapping[str, Any],
    *,
    kind: str = "identity",
    budget: Budget | None = None,
) -> Comparison:
    """Compares two policies by meaning: where does one allow what the other denies?

    ``candidate`` and ``reference`` are ``Policy`` objects or policy text or dicts,
    parsed with ``kind`` (identity, resource, boundary, scp, session, trust);
    ``PolicyError`` is raised for an invalid one. Returns a ``Comparison`` holding
    a verified counterexample per direction, or None where the search found none.
    The module docstring describes the space searched and its bounds.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    budget = budget or Budget()
    started = time.perf_counter()
    deadline = started + budget.seconds
    policies = (_as_policy(candidate, kind), _as_policy(reference, kind))
    space = SearchSpace(kind, policies, started + budget.seconds / 2)
    found: dict[str, Counterexample] = {}
    checked = 0
    complete = True
    for principal, action, resource, context in space.requests():
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
        if direction in found:
            continue
        present = {key.lower() for key in context}
        tested = space.relevant_names(action)
        absent = tuple(name for name in tested if name.lower() not in present)
        example = _verified(direction, kind, policies, request, absent, tested)
        if example is None:  # pragma: no cover - evaluate is deterministic
            continue
        found[direction] = example
        if len(found) == 2:
            break
    exhaustive = len(found) == 2 or (complete and not space.truncated)
    return Comparison(
        found.get(TOO_PERMISSIVE), found.get(TOO_STRICT), exhaustive, checked
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
    return Counterexample(direction, fresh, candidate, reference, kind, absent, tested)

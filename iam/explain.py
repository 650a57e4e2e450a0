"""The explanation of a decision: what a learner reads about each statement.

Evaluation records only the outcome of each statement; the sentences here are
built when ``Decision.explain()`` or a trace's ``reason`` is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .matching import glob
from .policy import NO_ACTION, NO_PRINCIPAL, NO_RESOURCE, ResourceSet, Statement
from .principals import ACCOUNT, ROLE
from .request import Request
from .variables import Variable, template_items, unresolved_names

if TYPE_CHECKING:
    from .evaluation import Decision, StatementTrace

# Keyed by ``Decision.effect`` (``iam.evaluation``'s ALLOW, EXPLICIT_DENY and
# IMPLICIT_DENY, spelled out: that module imports this one).
_VERDICTS = {
    "Allow": "ALLOWED",
    "ExplicitDeny": "DENIED (explicit deny)",
    "ImplicitDeny": "DENIED (implicit deny: nothing allowed it)",
}

_KIND_NAMES = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "trust": "role trust policy",
    "boundary": "permissions boundary",
    "scp": "service control policy",
    "session": "session policy",
}


def statement_reason(item: StatementTrace) -> str:
    """Why a statement applied or did not, in plain English (``StatementTrace.reason``).

    Names the pattern that matched or the ones that failed, e.g. ``action
    s3:GetObject matches "s3:Get*"; resource arn:aws:s3:::reports/q1.csv
    matches "arn:aws:s3:::reports/*"``, and for a failed condition the
    operator, the key, the value the request had and the values wanted.
    """
    statement = item.statement
    request = item.request
    assert request is not None
    if item.failed == NO_ACTION:
        return _action_failure(statement, request)
    passed = [_action_match(statement, request)]
    if item.failed == NO_RESOURCE:
        return _but(passed, _resource_failure(statement, request))
    resource = _resource_match(statement, request)
    if resource is not None:
        passed.append(resource)
    if item.failed == NO_PRINCIPAL:
        if statement.not_principal is not None:
            failure = f"NotPrincipal exempts the caller {request.principal}"
        else:
            failure = f"Principal does not name the caller {request.principal}"
        return _but(passed, failure)
    principal = _principal_match(statement, item.grant)
    if principal is not None:
        passed.append(principal)
    for condition in statement.conditions:
        if condition is item.condition:
            failure = condition.explain_failure(request.keys)
            failure = f"the condition failed: {failure}"
            return _but(passed, failure)
        passed.append(f"condition {condition.explain_success(request.keys)}")
    if item.failed is not None:  # pragma: no cover - every failure is handled
        return _but(passed, "it did not apply")
    return "; ".join(passed)


def explain_decision(decision: Decision, *, unmatched_limit: int | None = None) -> str:
    """A decision in plain English, step by step, for a learner (``Decision.explain``).

    Every statement is listed with why it applies or not. With
    ``unmatched_limit``, a policy lists at most that many statements that do
    not apply (all those that apply are always listed) and counts the rest:
    in a policy of sixty statements the ones that decided are what matter.
    """
    request = decision.request
    verdict = _VERDICTS[decision.effect]
    lines = [
        f"Decision: {verdict}",
        f"Request: {request.principal} asks for {request.action} on {request.resource}",
        f"Why: {decision.reason}",
    ]
    if decision.steps:
        lines.append("How the policies combine:")
        lines.extend(
            f"  {number}. {step}" for number, step in enumerate(decision.steps, 1)
        )
    if decision.trace:
        lines.append("Statement by statement:")
    for policy in decision.trace:
        lines.append(f"  {policy.label} ({_KIND_NAMES[policy.kind]}):")
        if not policy.statements:
            lines.append("    (no statements)")
        skipped = 0
        shown_unmatched = 0
        for item in policy.statements:
            if not item.matched:
                if unmatched_limit is not None and shown_unmatched >= unmatched_limit:
                    skipped += 1
                    continue
                shown_unmatched += 1
            state = "applies" if item.matched else "does not apply"
            head = f"{item.statement.label}, {item.effect}"
            lines.append(f"    - {head}: {state}: {item.reason}")
        if skipped:
            noun = "statement" if skipped == 1 else "statements"
            lines.append(f"    - ... and {skipped} more {noun} that do not apply")
    return "\n".join(lines)


def _but(passed: list[str], failure: str) -> str:
    return "; ".join(passed) + f", but {failure}"


def _first_action_pattern(patterns: Sequence[str], action: str) -> str | None:
    action_lower = action.lower()
    for pattern in patterns:
        if glob(pattern, lower=True).match(action_lower):
            return pattern
    return None


def _action_match(statement: Statement, request: Request) -> str:
    """How the Action (or NotAction) element let the action through."""
    if statement.not_action is not None:
        return (
            f"action {request.action} is not in NotAction "
            f"{_listed(statement.not_action)}"
        )
    pattern = _first_action_pattern(statement.action or (), request.action)
    return f'action {request.action} matches "{pattern}"'


def _action_failure(statement: Statement, request: Request) -> str:
    """Why the Action (or NotAction) element kept the action out."""
    if statement.not_action is not None:
        pattern = _first_action_pattern(statement.not_action, request.action)
        return (
            f'the action {request.action} is excluded: it matches NotAction "{pattern}"'
        )
    return (
        f"the action {request.action} is not covered by Action "
        f"{_listed(statement.action)}"
    )


def _resource_patterns(statement: Statement, request: Request) -> list[str]:
    """The Resource or NotResource entries that match the request's resource."""
    patterns = statement.resource or statement.not_resource or ()
    return [
        pattern
        for pattern in patterns
        if ResourceSet((pattern,), variables=statement.variables).match(request)
    ]


def _with_values(pattern: str, statement: Statement, request: Request) -> str:
    """A pattern, quoted, with the value each of its policy variables took."""
    values = []
    for item in template_items(pattern, variables=statement.variables):
        if isinstance(item, Variable):
            value = request.lookup(item.key)
            value = item.default if value is None else value
            if value is not None:
                values.append(f'{item.text} is "{value}"')
    note = f" ({', '.join(values)})" if values else ""
    return f'"{pattern}"{note}'


def _resource_match(statement: Statement, request: Request) -> str | None:
    """How the Resource (or NotResource) element let the resource through."""
    if statement.not_resource is not None:
        return (
            f"resource {request.resource} is not in NotResource "
            f"{_listed(statement.not_resource)}"
        )
    if statement.resource is None:
        return None
    found = _resource_patterns(statement, request)
    pattern = _with_values(found[0], statement, request) if found else "?"
    return f"resource {request.resource} matches {pattern}"


def _resource_failure(statement: Statement, request: Request) -> str:
    """Why the Resource (or NotResource) element kept the resource out."""
    if statement.not_resource is not None:
        found = _resource_patterns(statement, request)
        pattern = _with_values(found[0], statement, request) if found else "?"
        return (
            f"the resource {request.resource} is excluded: it matches NotResource "
            f"{pattern}"
        )
    patterns = statement.resource or ()
    missing = sorted(
        {
            name
            for pattern in patterns
            for name in unresolved_names(
                template_items(pattern, variables=statement.variables),
                request.lookup,
            )
        }
    )
    note = ""
    if missing:
        note = (
            f" ({', '.join(missing)} has no value in this request, so that entry "
            "matches nothing)"
        )
    return (
        f"the resource {request.resource} does not match Resource "
        f"{_listed(patterns)}{note}"
    )


def _principal_match(statement: Statement, grant: str | None) -> str | None:
    """How the Principal (or NotPrincipal) element let the caller through."""
    if statement.not_principal is not None:
        return "NotPrincipal does not exempt the caller"
    if statement.principal is None:
        return None
    if ("*", "*") in statement.principal or ("AWS", "*") in statement.principal:
        return 'Principal "*" covers everyone'
    how = {
        ROLE: "names the caller's role",
        ACCOUNT: "names the caller's account",
    }.get(grant or "", "names the caller")
    return f"Principal {how}"


def _listed(values: Sequence[str] | None) -> str:
    values = values or ()
    if len(values) == 1:
        return f'"{values[0]}"'
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"

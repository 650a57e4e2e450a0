"""What an identity can do, as a table by service, with the reason for each row.

Each row is one grant as a policy writes it (an Action pattern on a Resource
pattern, from an Allow statement that reaches the identity), decided with every
policy that applies: the pattern itself is the request, so ``s3:*`` on ``*``
stays allowed only when nothing denies ``s3:*`` as a whole, and each Deny that
carves out part of the service (``s3:Delete*``) is listed beside it as a limit.
This is how the IAM console summarises a policy: by service, with what limits
it, never by listing thousands of single actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evaluation import ALLOW, EXPLICIT_DENY
from .effective import Evaluator
from .model import Account

ALLOWED, DENIED, CONDITIONAL, NOT_ALLOWED = (
    "allowed",
    "denied",
    "allowed under conditions",
    "not allowed",
)


@dataclass(frozen=True)
class PermissionRow:
    service: str  # "s3", or "*" for every service
    action: str  # the pattern as written: "s3:Get*"
    resource: str  # the pattern as written
    status: str  # ALLOWED, DENIED, CONDITIONAL or NOT_ALLOWED
    reason: str  # which policy decided, and where it is attached
    limits: tuple[str, ...] = ()  # Denies that carve out part of the service


def _service(pattern: str) -> str:
    return pattern.split(":", 1)[0].lower() if ":" in pattern else "*"


def permission_table(account: Account, principal: str) -> list[PermissionRow]:
    """Every grant that reaches the principal, by service, decided."""
    evaluator = Evaluator(account, principal)  # gathers the policies once
    policies = evaluator.attached
    boundary = evaluator.boundary
    denies: list[tuple[str, str]] = []  # (service, sentence)
    # (action requested, action shown, resource, where, conditional)
    grants: list[tuple[str, str, str, str, bool]] = []
    seen: set[tuple[str, str]] = set()
    guarded = [*policies, *([boundary] if boundary else [])]
    for attachment, policy in guarded:
        for statement in policy.statements:
            actions = statement.action or ()
            if statement.effect == "Deny":
                where = f"{attachment} ({statement.label})"
                for pattern in statement.action or ("*",):
                    denies.append((_service(pattern), f"{pattern}: denied by {where}"))
                continue
            if boundary and attachment is boundary[0]:
                continue  # a boundary grants nothing by itself
            # An Allow with NotAction grants everything it does not list:
            # the row says so, and is decided as "*".
            shown = [(p, p) for p in actions]
            if statement.not_action is not None:
                shown = [("*", "* except " + ", ".join(statement.not_action))]
            for request, pattern in shown:
                for resource in statement.resource or ("*",):
                    if (pattern, resource) in seen:
                        continue
                    seen.add((pattern, resource))
                    conditional = bool(statement.conditions)
                    grants.append(
                        (request, pattern, resource, str(attachment), conditional)
                    )
    rows = []
    for request, pattern, resource, where, conditional in grants:
        decision = evaluator.decide(request, resource)
        service = _service(request)
        if decision.effect == ALLOW:
            status = ALLOWED
            reason = "; ".join(d.sentence() for d in decision.allowed_by) or where
        elif decision.effect == EXPLICIT_DENY:
            status = DENIED
            reason = "; ".join(d.sentence() for d in decision.denied_by)
        elif conditional:
            status, reason = CONDITIONAL, f"{where}, when its conditions hold"
        else:
            status = NOT_ALLOWED
            reason = decision.decision.reason  # a boundary, most often
        limits = tuple(
            sentence
            for deny_service, sentence in denies
            if status != DENIED and deny_service in (service, "*")
        )
        rows.append(PermissionRow(service, pattern, resource, status, reason, limits))
    rows.sort(key=lambda row: (row.service != "*", row.service, row.action))
    return rows

"""Effective permissions in a practice account: every policy that applies to a
request, evaluated the way AWS does, and each deciding statement named with the
policy *and where it is attached*.

    decision = simulate(account, "arn:aws:iam::123456789012:user/bob",
                        "s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    decision.allowed, decision.explain()
    # "Allowed by AmazonS3ReadOnlyAccess (statement 1), attached to group
    #  Auditors, of which bob is a member."
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..evaluation import Decision, StatementTrace, evaluate
from ..grammar import parse_policy
from ..policy import Policy
from ..problems import PolicyError
from ..request import Request
from .errors import (
    MALFORMED_POLICY_DOCUMENT,
    NO_SUCH_ENTITY,
    NOT_POSSIBLE_IN_IAM,
    VALIDATION_ERROR,
    AccountError,
)
from .model import Account, Role, User, _malformed

# AssumeRole's Policy parameter: at most 2,048 characters of plain text (the
# packed, compressed size has its own limit, which this does not model).
SESSION_POLICY_CHARS = 2_048

_ASSUME = ("sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity")


@dataclass(frozen=True)
class Attachment:
    """A policy as it reaches a principal: its name and where it is attached."""

    policy: str  # "AmazonS3ReadOnlyAccess", "inline policy ReadReports"
    where: str  # "attached to group Auditors, of which bob is a member"
    arn: str | None = None  # a managed policy's ARN

    def __str__(self) -> str:
        return f"{self.policy}, {self.where}" if self.where else self.policy


@dataclass(frozen=True)
class Deciding:
    """One statement that applied to the request, and the policy it is in."""

    attachment: Attachment
    statement: StatementTrace

    @property
    def effect(self) -> str:
        return self.statement.effect

    def sentence(self) -> str:
        where = f", {self.attachment.where}" if self.attachment.where else ""
        return f"{self.attachment.policy} ({self.statement.statement.label}){where}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.attachment.policy,
            "policy_arn": self.attachment.arn,
            "where": self.attachment.where,
            "statement": self.statement.statement.index,
            "sid": self.statement.sid,
            "effect": self.effect,
        }


@dataclass(frozen=True)
class AccountDecision:
    """What ``simulate`` found: the engine's decision and which attachments
    allowed and denied."""

    principal: str
    decision: Decision
    deciding: tuple[Deciding, ...]

    @property
    def allowed(self) -> bool:
        return self.decision.allowed

    @property
    def effect(self) -> str:
        return self.decision.effect

    @property
    def allowed_by(self) -> list[Deciding]:
        return [d for d in self.deciding if d.effect == "Allow"]

    @property
    def denied_by(self) -> list[Deciding]:
        return [d for d in self.deciding if d.effect == "Deny"]

    def explain(self) -> str:
        """The decision for a learner: which policy decided, and where it is."""
        verdict = "Allowed" if self.allowed else "Denied"
        lines = [f"{verdict}: {self.decision.reason}"]
        denied = self.denied_by
        if denied:
            lines += [f"Denied by {d.sentence()}." for d in denied]
        elif self.allowed:
            lines += [f"Allowed by {d.sentence()}." for d in self.allowed_by]
        elif self.allowed_by:
            lines += [
                f"{d.sentence()} allows it, but that is not enough on its own."
                for d in self.allowed_by
            ]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.decision.as_dict(),
            "principal": self.principal,
            "allowed_by": [d.as_dict() for d in self.allowed_by],
            "denied_by": [d.as_dict() for d in self.denied_by],
            "explanation": self.explain(),
        }


@cache
def _full_access() -> Policy:
    return parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
    )


class _Caller:
    """The principal of a request resolved in the account, with its policies."""

    def __init__(self, account: Account, principal: str) -> None:
        self.account = account
        self.user: User | None = None
        self.role: Role | None = None
        self.request_principal = principal
        prefix = f"arn:aws:iam::{account.id}:"
        session = f"arn:aws:sts::{account.id}:assumed-role/"
        if principal in (account.root_arn, account.id):
            self.request_principal = account.root_arn
        elif principal.startswith(prefix + "user/"):
            self.user = self._find(account.users, principal)
        elif principal.startswith(prefix + "role/"):
            self.role = self._find(account.roles, principal)
            self.request_principal = f"{session}{self.role.name}/practice-session"
        elif principal.startswith(session):
            name = principal[len(session) :].split("/", 1)[0]
            self.role = account.role(name)
        elif principal.startswith(prefix + "group/"):
            raise AccountError(
                NOT_POSSIBLE_IN_IAM,
                f"{principal} is a group, and a group is not a principal: it cannot "
                "make a request. Ask about one of its users.",
            )
        else:
            raise AccountError(
                NO_SUCH_ENTITY,
                f"{principal} is not the root user, a user or a role of account "
                f"{account.id}.",
            )

    @staticmethod
    def _find(table, arn: str):
        name = arn.rsplit("/", 1)[-1]
        found = table.get(name)
        if found is None or found.arn != arn:
            raise AccountError(NO_SUCH_ENTITY, f"No principal {arn} in this account.")
        return found

    def identity_policies(self) -> list[tuple[Attachment, Policy]]:
        account = self.account
        if self.user is None and self.role is None:
            root = Attachment(
                "The root user's full access",
                "which no IAM policy can take away within its own account",
            )
            return [(root, _full_access())]
        owner = self.user or self.role
        kind = "user" if self.user else "role"
        found: list[tuple[Attachment, Policy]] = []
        for name in owner.inline:
            found.append(
                (
                    Attachment(f"inline policy {name}", f"in {kind} {owner.name}"),
                    owner.inline_policy(name),
                )
            )
        for arn in owner.managed:
            managed = account.managed_policy(arn)
            found.append(
                (
                    Attachment(managed.name, f"attached to {kind} {owner.name}", arn),
                    managed.policy(),
                )
            )
        for group_name in self.user.groups if self.user else ():
            group = account.group(group_name)
            member = f"of which {owner.name} is a member"
            for name in group.inline:
                found.append(
                    (
                        Attachment(
                            f"inline policy {name}",
                            f"in group {group.name}, {member}",
                        ),
                        group.inline_policy(name),
                    )
                )
            for arn in group.managed:
                managed = account.managed_policy(arn)
                found.append(
                    (
                        Attachment(
                            managed.name,
                            f"attached to group {group.name}, {member}",
                            arn,
                        ),
                        managed.policy(),
                    )
                )
        return found

    def boundary(self) -> tuple[Attachment, Policy] | None:
        owner = self.user or self.role
        arn = getattr(owner, "boundary", None)
        if owner is None or arn is None:
            return None
        managed = self.account.managed_policy(arn)
        kind = "user" if self.user else "role"
        attachment = Attachment(
            managed.name, f"the permissions boundary of {kind} {owner.name}", arn
        )
        return attachment, managed.policy(kind="boundary")


def _resource_policy(
    account: Account, action: str, resource: str
) -> tuple[Attachment, Policy] | None:
    if action.lower() in _ASSUME:
        role = next((r for r in account.roles.values() if r.arn == resource), None)
        if role is not None:
            where = Attachment("the trust policy", f"of role {role.name}", None)
            return where, role.trust_policy()
        return None
    for found in account.resources.values():
        policy = found.policy()
        if policy is not None and found.covers(resource):
            what = {"s3-bucket": "bucket", "kms-key": "key", "sqs-queue": "queue"}
            label = (
                "the key policy"
                if found.kind == "kms-key"
                else (f"the {what[found.kind]} policy")
            )
            return Attachment(label, f"of {what[found.kind]} {found.name}"), policy
    return None


def _deciding(decision: Decision, where: dict[str, Attachment]) -> tuple[Deciding, ...]:
    """The statements that applied, each with where its policy is attached.
    Read from the raw runs: ``Decision.matched`` would first build a trace of
    every statement of every policy, most of which did not apply."""
    found = []
    for label, policy, results in decision.runs:
        attachment = where.get(label)
        if attachment is None:
            continue
        for statement, (failed, _, grant) in zip(
            policy.statements, results, strict=True
        ):
            if failed is None:
                trace = StatementTrace(
                    label, statement, True, None, None, grant, decision.request
                )
                found.append(Deciding(attachment, trace))
    return tuple(found)


def _session(caller: _Caller, document: str | Mapping[str, Any]):
    """The session policy passed when the caller's role was assumed."""
    if caller.role is None:
        raise AccountError(
            NOT_POSSIBLE_IN_IAM,
            "A session policy is passed when a role is assumed, and only a role "
            "session has one: ask about a role (or its assumed-role session).",
        )
    if isinstance(document, str) and len(document) > SESSION_POLICY_CHARS:
        raise AccountError(
            VALIDATION_ERROR,
            f"The session policy is {len(document):,} characters; AssumeRole takes "
            f"at most {SESSION_POLICY_CHARS:,}.",
        )
    try:
        policy = parse_policy(document, kind="session")
    except PolicyError as error:
        raise _malformed(error, MALFORMED_POLICY_DOCUMENT) from None
    where = f"passed when role {caller.role.name} was assumed"
    return Attachment("the session policy", where), policy


class Evaluator:
    """Decides requests of one principal: its policies are gathered once, so
    a table or a search of many requests pays for that once. Build a new one
    after the account changes.

    ``session_policy`` (a role's principal only) is the policy passed when the
    role was assumed: it limits the session to what both it and the role's
    policies allow, except where a resource policy names the session itself."""

    def __init__(
        self,
        account: Account,
        principal: str,
        session_policy: str | Mapping[str, Any] | None = None,
    ) -> None:
        self.account = account
        self.principal = principal
        caller = _Caller(account, principal)
        self.request_principal = caller.request_principal
        # Each identity-based policy that reaches the principal, with where it
        # is attached; and its permissions boundary, if any.
        self.attached = caller.identity_policies()
        self.identity = [policy for _, policy in self.attached]
        self.boundary = caller.boundary()
        self.where: dict[str, Attachment] = {
            f"identity[{index}]": attachment
            for index, (attachment, _) in enumerate(self.attached)
        }
        if self.boundary:
            self.where["boundary"] = self.boundary[0]
        self.session = (
            None if session_policy is None else _session(caller, session_policy)
        )
        if self.session:
            self.where["session"] = self.session[0]

    def _decision(self, action, resource, context, resource_policy=True):
        on_resource = (
            _resource_policy(self.account, action, resource)
            if resource_policy
            else None
        )
        request = Request(self.request_principal, action, resource, context)
        decision = evaluate(
            request,
            identity=self.identity,
            boundary=self.boundary[1] if self.boundary else None,
            session=self.session[1] if self.session else None,
            resource_policy=on_resource[1] if on_resource else None,
        )
        return decision, on_resource

    def allowed(
        self,
        action: str,
        resource: str,
        context: Mapping[str, Any] | None = None,
        *,
        resource_policy: bool = True,
    ) -> bool:
        """Whether the request is allowed; with ``resource_policy=False``, by
        the principal's own side alone (its policies and boundary)."""
        return self._decision(action, resource, context, resource_policy)[0].allowed

    def decide(
        self, action: str, resource: str, context: Mapping[str, Any] | None = None
    ) -> AccountDecision:
        decision, on_resource = self._decision(action, resource, context)
        where = self.where
        if on_resource:
            where = {**where, "resource": on_resource[0]}
        return AccountDecision(self.principal, decision, _deciding(decision, where))


def simulate(
    account: Account,
    principal: str,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    *,
    session_policy: str | Mapping[str, Any] | None = None,
) -> AccountDecision:
    """Decides a request of one of the account's principals with every policy
    that applies: its own, its groups', its boundary, the resource's, and for a
    role's session the session policy it was assumed with, if any."""
    evaluator = Evaluator(account, principal, session_policy)
    return evaluator.decide(action, resource, context)


def who_can(
    account: Account,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
) -> list[AccountDecision]:
    """Every principal of the account allowed the request, with why."""
    found = []
    for principal in account.principals():
        decision = simulate(account, principal, action, resource, context)
        if decision.allowed:
            found.append(decision)
    return found

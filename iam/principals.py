"""Who is calling, and whether a Principal or NotPrincipal element names them.

A caller has several identities at once: an IAM user is also its account; a role
session is its session ARN, its role and its account. A ``Principal`` element
matches when it names any of them; how it names the caller matters to the
evaluation (a resource policy that names the user or session directly can allow on
its own within an account, one that names the role is still limited by boundaries
and session policies, one that names the account delegates to identity policies).
A ``NotPrincipal`` element excludes a caller only when every identity is listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_ACCOUNT = re.compile(r"[0-9]{12}")
_CANONICAL = re.compile(r"[0-9a-f]{64}")

# How a Principal element names the caller, strongest first.
DIRECT = "direct"
ROLE = "role"
ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal of a request, as parsed from its ARN or name.

    ``kind`` is one of: user, role-session, role, root, federated-user,
    anonymous, service, canonical-user, other.
    """

    text: str
    kind: str
    account: str | None = None
    partition: str = "aws"
    name: str | None = None
    role_name: str | None = None

    @property
    def principal_arn(self) -> str | None:
        """What ``aws:PrincipalArn`` holds for this caller."""
        if self.kind == "role-session" and self.account and self.role_name:
            return f"arn:{self.partition}:iam::{self.account}:role/{self.role_name}"
        if self.kind in ("user", "role", "root", "federated-user", "other"):
            return self.text
        return None

    @property
    def principal_type(self) -> str | None:
        """What ``aws:PrincipalType`` holds for this caller."""
        return {
            "user": "User",
            "role-session": "AssumedRole",
            "role": "AssumedRole",
            "root": "Account",
            "federated-user": "FederatedUser",
            "anonymous": "Anonymous",
        }.get(self.kind)


@lru_cache(maxsize=4096)
def parse_caller(text: str) -> Caller:
    """Reads a request principal: an ARN, an account id, a service, ``*``."""
    text = text.strip()
    if text in ("*", "anonymous", ""):
        return Caller(text, "anonymous")
    if _ACCOUNT.fullmatch(text):
        return Caller(f"arn:aws:iam::{text}:root", "root", text)
    if _CANONICAL.fullmatch(text):
        return Caller(text, "canonical-user")
    parts = text.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        _, partition, service, _, account, resource = parts
        account_or_none = account or None
        if service == "iam":
            if resource == "root":
                return Caller(text, "root", account_or_none, partition)
            kind, _, rest = resource.partition("/")
            name = rest.rsplit("/", 1)[-1] if rest else None
            if kind == "user" and name:
                return Caller(text, "user", account_or_none, partition, name)
            if kind == "role" and name:
                return Caller(text, "role", account_or_none, partition, name, name)
        if service == "sts":
            kind, _, rest = resource.partition("/")
            if kind == "assumed-role" and "/" in rest:
                role, _, session = rest.partition("/")
                return Caller(
                    text, "role-session", account_or_none, partition, session, role
                )
            if kind == "federated-user" and rest:
                return Caller(text, "federated-user", account_or_none, partition, rest)
        return Caller(text, "other", account_or_none, partition)
    return Caller(text, "service")


def _role_key(value: str) -> tuple[str, str] | None:
    """(account, role name) for an IAM role ARN, path ignored."""
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam":
        return None
    kind, _, rest = parts[5].partition("/")
    if kind != "role" or not rest:
        return None
    return parts[4], rest.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PrincipalSet:
    """A compiled Principal or NotPrincipal element."""

    everyone: bool
    accounts: frozenset[str]
    arns: frozenset[str]
    roles: frozenset[tuple[str, str]]
    services: frozenset[str]
    federated: frozenset[str]
    canonical: frozenset[str]
    values: tuple[tuple[str, str], ...]

    @classmethod
    def build(cls, entries: Iterable[tuple[str, str]]) -> PrincipalSet:
        """From (type, value) pairs: ("*", "*"), ("AWS", arn), ("Service", name)..."""
        everyone = False
        accounts: set[str] = set()
        arns: set[str] = set()
        roles: set[tuple[str, str]] = set()
        services: set[str] = set()
        federated: set[str] = set()
        canonical: set[str] = set()
        values = tuple(entries)
        for kind, value in values:
            if value == "*" and kind in ("*", "AWS"):
                everyone = True
            elif kind == "AWS":
                if _ACCOUNT.fullmatch(value):
                    accounts.add(value)
                    continue
                parts = value.split(":", 5)
                if len(parts) == 6 and parts[2] == "iam" and parts[5] == "root":
                    accounts.add(parts[4])
                    continue
                role = _role_key(value)
                if role is not None:
                    roles.add(role)
                arns.add(value)
            elif kind == "Service":
                services.add(value.lower())
            elif kind == "Federated":
                federated.add(value)
            elif kind == "CanonicalUser":
                canonical.add(value)
            elif value == "*":
                # {"Service": "*"} and similar: AWS treats a bare * as everyone.
                everyone = True
        return cls(
            everyone,
            frozenset(accounts),
            frozenset(arns),
            frozenset(roles),
            frozenset(services),
            frozenset(federated),
            frozenset(canonical),
            values,
        )

    def grant(self, caller: Caller) -> str | None:
        """How this element names ``caller``: DIRECT, ROLE, ACCOUNT or None."""
        if self.everyone:
            return DIRECT
        kind = caller.kind
        direct_kinds = ("user", "role-session", "federated-user", "root", "other")
        if kind in direct_kinds and caller.text in self.arns:
            return DIRECT
        if (
            kind in ("role-session", "role")
            and caller.account
            and caller.role_name
            and (caller.account, caller.role_name) in self.roles
        ):
            return ROLE
        if caller.account is not None and caller.account in self.accounts:
            return DIRECT if kind == "root" else ACCOUNT
        if kind == "service" and (
            caller.text.lower() in self.services or caller.text in self.federated
        ):
            return DIRECT
        if kind == "canonical-user" and caller.text in self.canonical:
            return DIRECT
        return None

    def lists_every_identity(self, caller: Caller) -> bool:
        """Whether a NotPrincipal element exempts ``caller``: all identities listed."""
        if self.everyone:
            return True
        kind = caller.kind
        account_listed = caller.account is not None and caller.account in self.accounts
        if kind == "root":
            return account_listed
        if kind in ("user", "federated-user", "other"):
            return account_listed and caller.text in self.arns
        if kind == "role-session":
            role_listed = (caller.account, caller.role_name) in self.roles
            return account_listed and role_listed and caller.text in self.arns
        if kind == "role":
            return account_listed and (caller.account, caller.role_name) in self.roles
        if kind == "service":
            return caller.text.lower() in self.services or caller.text in self.federated
        if kind == "canonical-user":
            return caller.text in self.canonical
        return False

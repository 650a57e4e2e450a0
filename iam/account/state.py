"""A practice account as plain JSON data, and back, with nothing lost.

``details.py`` reads and writes what AWS's ``get-account-authorization-details``
prints, which leaves out the root user, passwords, MFA and access keys. A stored
practice account needs all of it, so ``account_to_state`` writes every field of
the model and ``account_from_state`` rebuilds the same account:

    state = account_to_state(account)        # a dict of str, int, bool, list
    same = account_from_state(json.loads(json.dumps(state)))

AWS managed policies are written by ARN only and found again in the shipped set.
Secret access keys are never kept (AWS shows one once, at creation), so they are
not part of the state. ``account_from_state`` raises ``StateError`` for data it
cannot read, naming where, and never returns a half-built account.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .errors import AccountError
from .model import (
    AccessKey,
    Account,
    Group,
    ManagedPolicy,
    Resource,
    Role,
    RootUser,
    User,
)

VERSION = 1


class StateError(ValueError):
    """Stored account data that cannot be read back."""


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _key(key: AccessKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "status": key.status,
        "created": _when(key.created),
        "last_used": _when(key.last_used),
        "last_used_service": key.last_used_service,
    }


def _identity(identity: User | Group | Role) -> dict[str, Any]:
    return {
        "name": identity.name,
        "path": identity.path,
        "arn": identity.arn,
        "created": _when(identity.created),
        "managed": list(identity.managed),
        "inline": dict(identity.inline),
    }


def _policy(account: Account, policy: ManagedPolicy) -> dict[str, Any]:
    """An AWS managed policy as in the shipped set is written by ARN alone."""
    if policy.aws_managed:
        shipped = account._aws_managed(policy.arn) if account._aws_managed else None
        if shipped is not None and shipped.versions == policy.versions:
            return {"arn": policy.arn, "aws_managed": True}
    return {
        "arn": policy.arn,
        "aws_managed": policy.aws_managed,
        "name": policy.name,
        "path": policy.path,
        "versions": dict(policy.versions),
        "default_version": policy.default_version,
        "created": _when(policy.created),
    }


def account_to_state(account: Account) -> dict[str, Any]:
    """Every fact of ``account`` as JSON-ready data."""
    root = account.root
    return {
        "version": VERSION,
        "id": account.id,
        "credentials_known": account.credentials_known,
        "ids": dict(account.ids),
        "root": {
            "email": root.email,
            "password": root.password,
            "mfa": root.mfa,
            "access_keys": [_key(key) for key in root.access_keys],
            "password_last_used": _when(root.password_last_used),
        },
        "users": [
            {
                **_identity(user),
                "password": user.password,
                "password_last_used": _when(user.password_last_used),
                "mfa": user.mfa,
                "access_keys": [_key(key) for key in user.access_keys],
                "groups": list(user.groups),
                "boundary": user.boundary,
            }
            for user in account.users.values()
        ],
        "groups": [_identity(group) for group in account.groups.values()],
        "roles": [
            {
                **_identity(role),
                "trust": role.trust,
                "max_session_duration": role.max_session_duration,
                "instance_profiles": list(role.instance_profiles),
                "boundary": role.boundary,
                "description": role.description,
            }
            for role in account.roles.values()
        ],
        "policies": [_policy(account, policy) for policy in account.policies.values()],
        "resources": [
            {
                "kind": resource.kind,
                "name": resource.name,
                "arn": resource.arn,
                "policy": resource.policy_text,
            }
            for resource in account.resources.values()
        ],
    }


class _Reader:
    """Reads one state, naming the place of the first thing it cannot read."""

    def __init__(self, where: str = "state") -> None:
        self.where = where

    def at(self, part: str) -> _Reader:
        return _Reader(f"{self.where}.{part}")

    def fail(self, message: str) -> StateError:
        return StateError(f"{self.where}: {message}")

    def get(self, data: Any, key: str, kind: type | tuple = str, default=...) -> Any:
        if not isinstance(data, dict):
            raise self.fail("expected an object")
        if key not in data:
            if default is not ...:
                return default
            raise self.at(key).fail("missing")
        value = data[key]
        if value is None and default is None:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.at(key).fail(f"expected {getattr(kind, '__name__', kind)}")
        return value

    def when(self, data: Any, key: str, optional: bool = False) -> datetime | None:
        value = self.get(data, key, str, None if optional else ...)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.at(key).fail(f"not a date: {value!r}") from None
        if parsed.tzinfo is None:
            raise self.at(key).fail("a date needs its time zone")
        return parsed

    def strings(self, data: Any, key: str) -> list[str]:
        values = self.get(data, key, list)
        if not all(isinstance(value, str) for value in values):
            raise self.at(key).fail("expected a list of strings")
        return list(values)

    def documents(self, data: Any, key: str) -> dict[str, str]:
        values = self.get(data, key, dict)
        if not all(isinstance(value, str) for value in values.values()):
            raise self.at(key).fail("expected names and policy documents")
        return dict(values)

    def keys(self, data: Any) -> list[AccessKey]:
        keys = []
        for index, entry in enumerate(self.get(data, "access_keys", list)):
            read = self.at(f"access_keys[{index}]")
            status = read.get(entry, "status")
            if status not in ("Active", "Inactive"):
                raise read.at("status").fail("Active or Inactive")
            keys.append(
                AccessKey(
                    read.get(entry, "id"),
                    status,
                    read.when(entry, "created"),
                    read.when(entry, "last_used", optional=True),
                    read.get(entry, "last_used_service", str, None),
                )
            )
        return keys

    def identity(self, data: Any) -> tuple:
        return (
            self.get(data, "name"),
            self.get(data, "path"),
            self.get(data, "arn"),
            self.when(data, "created"),
            self.strings(data, "managed"),
            self.documents(data, "inline"),
            {},
        )


def account_from_state(
    state: Any,
    *,
    clock: Callable[[], datetime] | None = None,
    managed_catalog: Callable[[str], ManagedPolicy | None] | None = None,
) -> Account:
    """The account ``account_to_state`` wrote. ``clock`` and ``managed_catalog``
    are passed to ``Account``."""
    read = _Reader()
    if not isinstance(state, dict):
        raise read.fail("expected an object")
    if state.get("version") != VERSION:
        raise read.at("version").fail(f"this code reads version {VERSION}")
    options: dict[str, Any] = {"managed_catalog": managed_catalog}
    if clock is not None:
        options["clock"] = clock
    root_data = read.get(state, "root", dict)
    try:
        account = Account(
            read.get(state, "id"),
            root_email=read.at("root").get(root_data, "email"),
            **options,
        )
    except AccountError as error:  # a bad account id
        raise read.at("id").fail(error.message) from None
    account.credentials_known = read.get(state, "credentials_known", bool)
    account.ids = read.documents(state, "ids")
    at = read.at("root")
    account.root = RootUser(
        email=at.get(root_data, "email"),
        password=at.get(root_data, "password", bool),
        mfa=at.get(root_data, "mfa", bool),
        access_keys=at.keys(root_data),
        password_last_used=at.when(root_data, "password_last_used", optional=True),
    )
    for index, data in enumerate(read.get(state, "users", list)):
        at = read.at(f"users[{index}]")
        user = User(
            *at.identity(data),
            password=at.get(data, "password", bool),
            password_last_used=at.when(data, "password_last_used", optional=True),
            mfa=at.get(data, "mfa", bool),
            access_keys=at.keys(data),
            groups=at.strings(data, "groups"),
            boundary=at.get(data, "boundary", str, None),
        )
        account.users[user.name] = user
    for index, data in enumerate(read.get(state, "groups", list)):
        group = Group(*read.at(f"groups[{index}]").identity(data))
        account.groups[group.name] = group
    for index, data in enumerate(read.get(state, "roles", list)):
        at = read.at(f"roles[{index}]")
        role = Role(
            *at.identity(data),
            trust=at.get(data, "trust"),
            max_session_duration=at.get(data, "max_session_duration", int),
            instance_profiles=at.strings(data, "instance_profiles"),
            boundary=at.get(data, "boundary", str, None),
            description=at.get(data, "description", str, ""),
        )
        account.roles[role.name] = role
    for index, data in enumerate(read.get(state, "policies", list)):
        at = read.at(f"policies[{index}]")
        arn = at.get(data, "arn")
        aws_managed = at.get(data, "aws_managed", bool, False)
        if aws_managed and "versions" not in data:
            found = account._aws_managed(arn) if account._aws_managed else None
            if found is None:
                raise at.fail(f"no AWS managed policy {arn} in the shipped set")
            account.policies[arn] = found
            continue
        versions = at.documents(data, "versions")
        default = at.get(data, "default_version")
        if default not in versions:
            raise at.at("default_version").fail(f"no version {default}")
        account.policies[arn] = ManagedPolicy(
            at.get(data, "name"),
            arn,
            at.get(data, "path"),
            versions,
            default,
            aws_managed=aws_managed,
            created=at.when(data, "created"),
        )
    for index, data in enumerate(read.get(state, "resources", list)):
        at = read.at(f"resources[{index}]")
        resource = Resource(
            at.get(data, "kind"),
            at.get(data, "name"),
            at.get(data, "arn"),
            at.get(data, "policy", str, None),
        )
        account.resources[resource.arn] = resource
    _check_references(account)
    return account


def _check_references(account: Account) -> None:
    """Every name and ARN the state refers to exists in it."""
    for user in account.users.values():
        for group in user.groups:
            if group not in account.groups:
                raise StateError(f"user {user.name} is in unknown group {group}")
    for kind, table in (
        ("user", account.users),
        ("group", account.groups),
        ("role", account.roles),
    ):
        for identity in table.values():
            for arn in [*identity.managed, getattr(identity, "boundary", None)]:
                if arn is not None and arn not in account.policies:
                    raise StateError(f"{kind} {identity.name} refers to unknown {arn}")

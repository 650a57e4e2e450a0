"""Reading and writing the JSON of ``aws iam get-account-authorization-details``,
the format PMapper and cloudsplaining read: users, groups, roles and managed
policies with their documents.

``account_from_details`` builds a new ``Account`` and raises ``DetailsError``,
naming where in the file (``UserDetailList[3].GroupList[0]``), at the first
problem: nothing half-read is ever returned. ``account_to_details`` writes an
account back. Credentials (passwords, MFA, access keys) and resource policies are
not part of this format; AWS keeps them in the credential report and on each
resource.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from ..grammar import parse_policy
from ..problems import PolicyError
from .model import (
    AWS_MANAGED_PREFIX,
    Account,
    Group,
    ManagedPolicy,
    Role,
    User,
)

_ID_PREFIX = {"user": "AIDA", "group": "AGPA", "role": "AROA", "policy": "ANPA"}


class DetailsError(ValueError):
    """A problem in an authorization-details file, and where it is."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


def _document(value: Any, where: str, kind: str = "identity") -> str:
    """A policy document as text, checked: the CLI gives objects, the raw API
    URL-encoded strings."""
    if isinstance(value, str):
        text = unquote(value)
    elif isinstance(value, dict):
        text = json.dumps(value, indent=2)
    else:
        raise DetailsError(where, "a policy document must be an object or a string")
    try:
        parse_policy(text, kind=kind)
    except PolicyError as error:
        raise DetailsError(where, str(error)) from None
    return text


def _arn(entry: Any, where: str, account_id: str) -> str:
    """An entity's ARN, which must be in the account the file describes."""
    arn = _field(entry, "Arn", where)
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "iam":
        raise DetailsError(f"{where}.Arn", f"not an IAM ARN: {arn}")
    if parts[4] not in (account_id, "aws"):
        raise DetailsError(
            f"{where}.Arn",
            f"{arn} is in account {parts[4]}, not {account_id}: a file describes "
            "one account",
        )
    return arn


def _field(entry: Any, key: str, where: str, kind: type = str) -> Any:
    if not isinstance(entry, dict):
        raise DetailsError(where, "expected an object")
    value = entry.get(key)
    if not isinstance(value, kind):
        raise DetailsError(f"{where}.{key}", f"missing or not a {kind.__name__}")
    return value


def _list(entry: dict, key: str, where: str) -> list:
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise DetailsError(f"{where}.{key}", "expected a list")
    return value


def _date(entry: dict, where: str) -> datetime:
    raw = entry.get("CreateDate")
    if raw is None:
        return datetime(2020, 1, 1, tzinfo=UTC)
    try:
        when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise DetailsError(f"{where}.CreateDate", f"not a date: {raw!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _seconds(entry: dict, where: str) -> int:
    """A role's maximum session duration: 3,600 to 43,200 seconds."""
    value = entry.get("MaxSessionDuration", 3_600)
    if type(value) is not int or not 3_600 <= value <= 43_200:
        raise DetailsError(
            f"{where}.MaxSessionDuration", f"not 3600 to 43200 seconds: {value!r}"
        )
    return value


def _account_id(data: dict) -> str:
    for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"):
        for entry in data.get(key) or []:
            arn = entry.get("Arn", "") if isinstance(entry, dict) else ""
            parts = arn.split(":")
            if len(parts) >= 5 and parts[4].isdigit():
                return parts[4]
    return "123456789012"


def account_from_details(data: str | bytes | dict, *, account_id: str | None = None):
    """A new Account holding what the file describes."""
    if not isinstance(data, dict):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as error:
            raise DetailsError("", f"not JSON: {error}") from None
        if not isinstance(data, dict):
            raise DetailsError("", "expected an object with UserDetailList, ...")
    account = Account(account_id or _account_id(data))
    ids = account.ids
    account.credentials_known = False

    for index, entry in enumerate(_list(data, "Policies", "")):
        where = f"Policies[{index}]"
        arn = _arn(entry, where, account.id)
        versions = {}
        for number, version in enumerate(_list(entry, "PolicyVersionList", where)):
            at = f"{where}.PolicyVersionList[{number}]"
            version_id = _field(version, "VersionId", at)
            versions[version_id] = _document(version.get("Document"), f"{at}.Document")
        default = entry.get("DefaultVersionId") or next(iter(versions), "v1")
        if default not in versions:
            raise DetailsError(
                f"{where}.DefaultVersionId", f"{default} is not in PolicyVersionList"
            )
        account.policies[arn] = ManagedPolicy(
            _field(entry, "PolicyName", where),
            arn,
            entry.get("Path") or "/",
            versions,
            default,
            aws_managed=arn.startswith(AWS_MANAGED_PREFIX),
            created=_date(entry, where),
        )
        ids[arn] = entry.get("PolicyId") or ""

    def managed(entry: dict, where: str) -> list[str]:
        arns: list[str] = []
        for number, item in enumerate(_list(entry, "AttachedManagedPolicies", where)):
            at = f"{where}.AttachedManagedPolicies[{number}]"
            arn = _field(item, "PolicyArn", at)
            if arn not in account.policies:
                raise DetailsError(f"{at}.PolicyArn", f"{arn} is not in Policies")
            if arn not in arns:  # the same policy listed twice is attached once
                arns.append(arn)
        return arns

    def inline(entry: dict, key: str, where: str) -> dict[str, str]:
        found = {}
        for number, item in enumerate(_list(entry, key, where)):
            at = f"{where}.{key}[{number}]"
            found[_field(item, "PolicyName", at)] = _document(
                item.get("PolicyDocument"), f"{at}.PolicyDocument"
            )
        return found

    def boundary(entry: dict, where: str) -> str | None:
        value = entry.get("PermissionsBoundary")
        if not value:
            return None
        arn = _field(value, "PermissionsBoundaryArn", f"{where}.PermissionsBoundary")
        if arn not in account.policies:
            raise DetailsError(
                f"{where}.PermissionsBoundary", f"{arn} is not in Policies"
            )
        return arn

    for index, entry in enumerate(_list(data, "GroupDetailList", "")):
        where = f"GroupDetailList[{index}]"
        name = _field(entry, "GroupName", where)
        account.groups[name] = Group(
            name,
            entry.get("Path") or "/",
            _arn(entry, where, account.id),
            _date(entry, where),
            managed(entry, where),
            inline(entry, "GroupPolicyList", where),
            {},
        )
        ids[account.groups[name].arn] = entry.get("GroupId") or ""

    for index, entry in enumerate(_list(data, "UserDetailList", "")):
        where = f"UserDetailList[{index}]"
        name = _field(entry, "UserName", where)
        groups = []
        for number, group in enumerate(_list(entry, "GroupList", where)):
            if not isinstance(group, str) or group not in account.groups:
                raise DetailsError(
                    f"{where}.GroupList[{number}]",
                    f"group {group!r} is not in GroupDetailList",
                )
            groups.append(group)
        user = User(
            name,
            entry.get("Path") or "/",
            _arn(entry, where, account.id),
            _date(entry, where),
            managed(entry, where),
            inline(entry, "UserPolicyList", where),
            {},
            groups=groups,
            boundary=boundary(entry, where),
        )
        account.users[name] = user
        ids[user.arn] = entry.get("UserId") or ""

    for index, entry in enumerate(_list(data, "RoleDetailList", "")):
        where = f"RoleDetailList[{index}]"
        name = _field(entry, "RoleName", where)
        role = Role(
            name,
            entry.get("Path") or "/",
            _arn(entry, where, account.id),
            _date(entry, where),
            managed(entry, where),
            inline(entry, "RolePolicyList", where),
            {},
            trust=_document(
                entry.get("AssumeRolePolicyDocument"),
                f"{where}.AssumeRolePolicyDocument",
                kind="trust",
            ),
            max_session_duration=_seconds(entry, where),
            instance_profiles=[
                _field(profile, "InstanceProfileName", f"{where}.InstanceProfileList")
                for profile in _list(entry, "InstanceProfileList", where)
            ],
            boundary=boundary(entry, where),
            description=str(entry.get("Description") or ""),
        )
        account.roles[name] = role
        ids[role.arn] = entry.get("RoleId") or ""
    return account


def _id(account: Account, kind: str, arn: str) -> str:
    known = account.ids.get(arn)
    if known:
        return known
    digest = hashlib.sha256(arn.encode()).hexdigest().upper()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    tail = "".join(alphabet[int(digest[i : i + 2], 16) % 32] for i in range(0, 34, 2))
    return _ID_PREFIX[kind] + tail


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _inline_list(inline: dict[str, str]) -> list[dict]:
    return [
        {"PolicyName": name, "PolicyDocument": json.loads(text)}
        for name, text in inline.items()
    ]


def _attached(account: Account, arns: list[str]) -> list[dict]:
    return [
        {"PolicyName": account.managed_policy(arn).name, "PolicyArn": arn}
        for arn in arns
    ]


def _boundary(arn: str | None) -> dict:
    if arn is None:
        return {}
    return {
        "PermissionsBoundary": {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": arn,
        }
    }


def account_to_details(account: Account) -> dict[str, Any]:
    """The account as ``get-account-authorization-details`` prints it."""
    users = [
        {
            "Path": user.path,
            "UserName": user.name,
            "UserId": _id(account, "user", user.arn),
            "Arn": user.arn,
            "CreateDate": _when(user.created),
            "UserPolicyList": _inline_list(user.inline),
            "GroupList": list(user.groups),
            "AttachedManagedPolicies": _attached(account, user.managed),
            **_boundary(user.boundary),
            "Tags": [],
        }
        for user in account.users.values()
    ]
    groups = [
        {
            "Path": group.path,
            "GroupName": group.name,
            "GroupId": _id(account, "group", group.arn),
            "Arn": group.arn,
            "CreateDate": _when(group.created),
            "GroupPolicyList": _inline_list(group.inline),
            "AttachedManagedPolicies": _attached(account, group.managed),
        }
        for group in account.groups.values()
    ]
    roles = []
    for role in account.roles.values():
        profiles = [
            {
                "Path": "/",
                "InstanceProfileName": profile,
                "Arn": f"arn:aws:iam::{account.id}:instance-profile/{profile}",
                "Roles": [{"RoleName": role.name, "Arn": role.arn}],
            }
            for profile in role.instance_profiles
        ]
        roles.append(
            {
                "Path": role.path,
                "RoleName": role.name,
                "RoleId": _id(account, "role", role.arn),
                "Arn": role.arn,
                "CreateDate": _when(role.created),
                "AssumeRolePolicyDocument": json.loads(role.trust),
                "InstanceProfileList": profiles,
                "RolePolicyList": _inline_list(role.inline),
                "AttachedManagedPolicies": _attached(account, role.managed),
                **_boundary(role.boundary),
                "MaxSessionDuration": role.max_session_duration,
                "Tags": [],
                "RoleLastUsed": {},
            }
        )
    policies = []
    for arn, policy in account.policies.items():
        used = list(account.attachments(arn))
        attachments = sum(
            1 for kind, name in used if arn in _holder(account, kind, name).managed
        )
        boundaries = len(used) - attachments
        if policy.aws_managed and not used:
            continue  # AWS managed policies appear where they are in use
        policies.append(
            {
                "PolicyName": policy.name,
                "PolicyId": _id(account, "policy", arn),
                "Arn": arn,
                "Path": policy.path,
                "DefaultVersionId": policy.default_version,
                "AttachmentCount": attachments,
                "PermissionsBoundaryUsageCount": boundaries,
                "IsAttachable": True,
                "CreateDate": _when(policy.created),
                "UpdateDate": _when(policy.created),
                "PolicyVersionList": [
                    {
                        "Document": json.loads(text),
                        "VersionId": version,
                        "IsDefaultVersion": version == policy.default_version,
                        "CreateDate": _when(policy.created),
                    }
                    for version, text in policy.versions.items()
                ],
            }
        )
    return {
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
    }


def _holder(account: Account, kind: str, name: str):
    return {"user": account.users, "group": account.groups, "role": account.roles}[
        kind
    ][name]

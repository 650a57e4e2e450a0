"""A practice AWS account: its root user, IAM users, groups, roles, policies and
resources, and every rule IAM enforces when they change.

Each method is one IAM (or S3, KMS, SQS) call, named after it, and refuses what
IAM refuses with IAM's error code and wording (``errors.py``). Quotas are the
defaults of "IAM and AWS STS quotas" in the IAM User Guide. Nothing here talks to
AWS: access key ids and secrets are made up, in AWS's shape.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..grammar import parse_policy
from ..policy import Policy
from ..problems import PolicyError
from .errors import (
    DELETE_CONFLICT,
    ENTITY_ALREADY_EXISTS,
    INVALID_INPUT,
    LIMIT_EXCEEDED,
    MALFORMED_POLICY,
    MALFORMED_POLICY_DOCUMENT,
    NO_SUCH_ENTITY,
    NOT_POSSIBLE_IN_IAM,
    VALIDATION_ERROR,
    AccountError,
)

# Default quotas (IAM User Guide, "IAM and AWS STS quotas").
ACCESS_KEYS_PER_USER = 2
GROUPS_PER_USER = 10
MANAGED_POLICIES_PER_IDENTITY = 10
VERSIONS_PER_POLICY = 5
MANAGED_POLICY_SIZE = 6_144  # characters, white space not counted
INLINE_POLICY_SIZE = {"user": 2_048, "group": 5_120, "role": 10_240}  # all of them
TRUST_POLICY_SIZE = 2_048
SESSION_DURATION = (3_600, 43_200)  # a role's maximum session, in seconds

_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
_NAME_LENGTH = {"user": 64, "group": 128, "role": 64, "policy": 128}
_PATH = re.compile(r"/|/[\x21-\x7e]+/")
_INLINE_NAME = re.compile(r"[\x21-\x7e]+")  # ASCII, no space...
_INLINE_RESERVED = set("\\/*?")  # ...and none of RFC 3986's reserved four
_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# The 64 characters of a secret access key (made up here, never a real one).
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"  # noqa: S105
AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _size(text: str) -> int:
    """A policy's size as IAM counts it: characters that are not white space."""
    return sum(1 for ch in text if not ch.isspace())


@dataclass
class AccessKey:
    id: str
    status: str = "Active"  # or "Inactive"
    created: datetime = field(default_factory=_now)
    last_used: datetime | None = None
    last_used_service: str | None = None

    @property
    def active(self) -> bool:
        return self.status == "Active"


@dataclass
class RootUser:
    """The account's root user: signs in with its email address and password."""

    email: str
    password: bool = True
    mfa: bool = False
    access_keys: list[AccessKey] = field(default_factory=list)
    password_last_used: datetime | None = None


@dataclass
class ManagedPolicy:
    """An AWS managed policy, or a customer managed one with its versions."""

    name: str
    arn: str
    path: str = "/"
    versions: dict[str, str] = field(default_factory=dict)  # "v1" -> document
    default_version: str = "v1"
    aws_managed: bool = False
    created: datetime = field(default_factory=_now)
    _compiled: dict[str, Policy] = field(default_factory=dict, repr=False)

    @property
    def document(self) -> str:
        return self.versions[self.default_version]

    def policy(self, kind: str = "identity") -> Policy:
        """The default version, compiled once per kind."""
        key = f"{self.default_version}:{kind}"
        if key not in self._compiled:
            self._compiled[key] = parse_policy(self.document, kind=kind)
        return self._compiled[key]


@dataclass
class _Identity:
    name: str
    path: str
    arn: str
    created: datetime
    managed: list[str]  # ARNs of attached managed policies, in attachment order
    inline: dict[str, str]  # policy name -> document
    _compiled: dict[str, Policy]

    def inline_policy(self, name: str) -> Policy:
        if name not in self._compiled:
            self._compiled[name] = parse_policy(self.inline[name])
        return self._compiled[name]


@dataclass
class User(_Identity):
    password: bool = False  # a console password (login profile)
    password_last_used: datetime | None = None
    mfa: bool = False
    access_keys: list[AccessKey] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # group names, joined order
    boundary: str | None = None


@dataclass
class Group(_Identity):
    pass


@dataclass
class Role(_Identity):
    trust: str = ""
    max_session_duration: int = 3_600
    instance_profiles: list[str] = field(default_factory=list)
    boundary: str | None = None
    description: str = ""

    def trust_policy(self) -> Policy:
        if "\0trust" not in self._compiled:
            self._compiled["\0trust"] = parse_policy(self.trust, kind="trust")
        return self._compiled["\0trust"]


@dataclass
class Resource:
    """A resource with a resource-based policy: an S3 bucket, a KMS key or an
    SQS queue. A role's trust policy lives on the role."""

    kind: str  # "s3-bucket", "kms-key", "sqs-queue"
    name: str
    arn: str
    policy_text: str | None = None
    _compiled: Policy | None = field(default=None, repr=False)

    def policy(self) -> Policy | None:
        if self.policy_text is None:
            return None
        if self._compiled is None:
            self._compiled = parse_policy(self.policy_text, kind="resource")
        return self._compiled

    def covers(self, arn: str) -> bool:
        """Whether a request on ``arn`` is governed by this resource's policy: a
        bucket's policy covers the bucket and every object in it."""
        if self.kind == "s3-bucket":
            return arn == self.arn or arn.startswith(self.arn + "/")
        return arn == self.arn


def _malformed(error: PolicyError, code: str = MALFORMED_POLICY_DOCUMENT):
    problem = error.problems[0] if error.problems else None
    where = f" (line {problem.line})" if problem and problem.line else ""
    return AccountError(code, f"{error}{where}")


def _check_name(kind: str, name: str) -> None:
    limit = _NAME_LENGTH[kind]
    if not name or len(name) > limit or not _NAME.fullmatch(name):
        raise AccountError(
            VALIDATION_ERROR,
            f"The specified value for {kind}Name is invalid. It must contain only "
            f"alphanumeric characters and/or the following: +=,.@_- and be 1 to "
            f"{limit} characters long.",
        )


def _check_path(path: str) -> None:
    if len(path) > 512 or not _PATH.fullmatch(path):
        raise AccountError(
            VALIDATION_ERROR,
            "The specified value for path is invalid. It must begin and end with / "
            "and contain only printable ASCII characters.",
        )


def _check_inline_name(name: str) -> None:
    if (
        not name
        or len(name) > 128
        or not _INLINE_NAME.fullmatch(name)
        or _INLINE_RESERVED & set(name)
    ):
        raise AccountError(
            VALIDATION_ERROR,
            "The specified value for policyName is invalid. It must contain only "
            "printable ASCII characters other than space, \\ / * and ?, and be 1 "
            "to 128 characters long.",
        )


class Account:
    """One practice account. ``account_id`` is twelve digits."""

    def __init__(
        self,
        account_id: str = "123456789012",
        *,
        root_email: str = "root@example.com",
        clock: Callable[[], datetime] = _now,
        managed_catalog: Callable[[str], ManagedPolicy | None] | None = None,
    ) -> None:
        """``managed_catalog`` finds AWS managed policies by ARN: by default the
        shipped set (``managed.py``)."""
        if not _ACCOUNT_ID.fullmatch(account_id):
            raise AccountError(VALIDATION_ERROR, "An account id is twelve digits.")
        self.id = account_id
        self.root = RootUser(email=root_email)
        self.users: dict[str, User] = {}
        self.groups: dict[str, Group] = {}
        self.roles: dict[str, Role] = {}
        self.policies: dict[str, ManagedPolicy] = {}  # by ARN, attached or created
        self.resources: dict[str, Resource] = {}  # by ARN
        self.clock = clock
        if managed_catalog is None:
            from .managed import aws_managed_policy as managed_catalog
        self._aws_managed = managed_catalog
        # Unique ids (AIDA..., AROA...) kept from an imported file, by ARN.
        self.ids: dict[str, str] = {}
        # False for an account read from authorization details, which say
        # nothing of passwords, MFA or access keys.
        self.credentials_known = True

    # --- names and lookups --------------------------------------------------------

    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.id}:root"

    def _arn(self, kind: str, path: str, name: str) -> str:
        return f"arn:aws:iam::{self.id}:{kind}{path}{name}"

    def _taken(self, table: dict[str, _Identity], name: str) -> bool:
        # Names are unique without regard to case: no ADMINS beside admins.
        folded = name.casefold()
        return any(existing.casefold() == folded for existing in table)

    def user(self, name: str) -> User:
        try:
            return self.users[name]
        except KeyError:
            raise AccountError(
                NO_SUCH_ENTITY, f"The user with name {name} cannot be found."
            ) from None

    def group(self, name: str) -> Group:
        try:
            return self.groups[name]
        except KeyError:
            raise AccountError(
                NO_SUCH_ENTITY, f"The group with name {name} cannot be found."
            ) from None

    def role(self, name: str) -> Role:
        try:
            return self.roles[name]
        except KeyError:
            raise AccountError(
                NO_SUCH_ENTITY, f"The role with name {name} cannot be found."
            ) from None

    def _identity(self, kind: str, name: str) -> User | Group | Role:
        if kind == "root":
            raise AccountError(
                NOT_POSSIBLE_IN_IAM,
                "The root user cannot have policies attached: no IAM call takes "
                "it. Only AWS Organizations policies (SCPs, RCPs) and resource "
                "policies can restrict it.",
            )
        lookup = {"user": self.user, "group": self.group, "role": self.role}.get(kind)
        if lookup is None:
            raise AccountError(VALIDATION_ERROR, f"Unknown kind of identity: {kind}.")
        return lookup(name)

    def managed_policy(self, arn: str) -> ManagedPolicy:
        """A customer managed policy of this account, or an AWS managed one."""
        found = self.policies.get(arn)
        if found is None and arn.startswith(AWS_MANAGED_PREFIX) and self._aws_managed:
            found = self._aws_managed(arn)
            if found is not None:
                self.policies[arn] = found
        if found is None:
            raise AccountError(
                NO_SUCH_ENTITY, f"Policy {arn} does not exist or is not attachable."
            )
        return found

    def attachments(self, arn: str) -> Iterator[tuple[str, str]]:
        """Every (kind, name) that a managed policy is attached to, or that uses
        it as a permissions boundary."""
        for table, kind in (
            (self.users, "user"),
            (self.groups, "group"),
            (self.roles, "role"),
        ):
            for name, identity in table.items():
                if (
                    arn in identity.managed
                    or getattr(identity, "boundary", None) == arn
                ):
                    yield kind, name

    # --- the root user ------------------------------------------------------------

    def create_root_access_key(self) -> tuple[AccessKey, str]:
        if len(self.root.access_keys) >= ACCESS_KEYS_PER_USER:
            raise AccountError(
                LIMIT_EXCEEDED,
                f"Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}",
            )
        key, secret = self._new_key()
        self.root.access_keys.append(key)
        return key, secret

    def delete_root_access_key(self, key_id: str) -> None:
        self.root.access_keys.remove(self._key(self.root.access_keys, key_id, "root"))

    def set_root_mfa(self, enabled: bool) -> None:
        self.root.mfa = enabled

    # --- users --------------------------------------------------------------------

    def create_user(self, name: str, path: str = "/") -> User:
        _check_name("user", name)
        _check_path(path)
        if self._taken(self.users, name):
            raise AccountError(
                ENTITY_ALREADY_EXISTS, f"User with name {name} already exists."
            )
        user = User(name, path, self._arn("user", path, name), self.clock(), [], {}, {})
        self.users[name] = user
        return user

    def delete_user(self, name: str) -> None:
        """IAM deletes a user only once everything it holds is gone."""
        user = self.user(name)
        for present, what in (
            (user.password, "delete login profile"),
            (user.access_keys, "delete access keys"),
            (user.mfa, "delete MFA device"),
            (user.groups, "remove user from all groups"),
            (user.managed, "detach all policies"),
            (user.inline, "delete policies"),
        ):
            if present:
                raise AccountError(
                    DELETE_CONFLICT, f"Cannot delete entity, must {what} first."
                )
        del self.users[name]

    def create_login_profile(self, name: str) -> None:
        user = self.user(name)
        if user.password:
            raise AccountError(
                ENTITY_ALREADY_EXISTS, f"Login Profile for user {name} already exists."
            )
        user.password = True

    def delete_login_profile(self, name: str) -> None:
        user = self.user(name)
        if not user.password:
            raise AccountError(
                NO_SUCH_ENTITY, f"Login Profile for User {name} cannot be found."
            )
        user.password = False
        user.password_last_used = None

    def enable_mfa(self, name: str) -> None:
        self.user(name).mfa = True

    def deactivate_mfa(self, name: str) -> None:
        self.user(name).mfa = False

    def _new_key(self) -> tuple[AccessKey, str]:
        # AKIA... is the shape of a long-term key's id; these are made up.
        key_id = "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
        secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
        return AccessKey(key_id, created=self.clock()), secret

    def create_access_key(self, name: str) -> tuple[AccessKey, str]:
        """A new active key; its secret is returned this once, as AWS does."""
        user = self.user(name)
        if len(user.access_keys) >= ACCESS_KEYS_PER_USER:
            raise AccountError(
                LIMIT_EXCEEDED,
                f"Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}",
            )
        key, secret = self._new_key()
        user.access_keys.append(key)
        return key, secret

    @staticmethod
    def _key(keys: list[AccessKey], key_id: str, owner: str) -> AccessKey:
        for key in keys:
            if key.id == key_id:
                return key
        raise AccountError(
            NO_SUCH_ENTITY,
            f"The Access Key with id {key_id} cannot be found for {owner}.",
        )

    def update_access_key(self, name: str, key_id: str, status: str) -> None:
        if status not in ("Active", "Inactive"):
            raise AccountError(
                VALIDATION_ERROR, "The status of an access key is Active or Inactive."
            )
        self._key(self.user(name).access_keys, key_id, f"user {name}").status = status

    def delete_access_key(self, name: str, key_id: str) -> None:
        user = self.user(name)
        user.access_keys.remove(self._key(user.access_keys, key_id, f"user {name}"))

    # --- groups -------------------------------------------------------------------

    def create_group(self, name: str, path: str = "/") -> Group:
        _check_name("group", name)
        _check_path(path)
        if self._taken(self.groups, name):
            raise AccountError(
                ENTITY_ALREADY_EXISTS, f"Group with name {name} already exists."
            )
        group = Group(
            name, path, self._arn("group", path, name), self.clock(), [], {}, {}
        )
        self.groups[name] = group
        return group

    def delete_group(self, name: str) -> None:
        group = self.group(name)
        if any(name in user.groups for user in self.users.values()):
            raise AccountError(
                DELETE_CONFLICT,
                "Cannot delete entity, must remove users from group first.",
            )
        if group.managed:
            raise AccountError(
                DELETE_CONFLICT, "Cannot delete entity, must detach all policies first."
            )
        if group.inline:
            raise AccountError(
                DELETE_CONFLICT, "Cannot delete entity, must delete policies first."
            )
        del self.groups[name]

    def add_user_to_group(self, group_name: str, user_name: str) -> None:
        """Groups hold users only: a group is never a member of a group."""
        self.group(group_name)
        if user_name not in self.users and user_name in self.groups:
            raise AccountError(
                NOT_POSSIBLE_IN_IAM,
                f"{user_name} is a group. A group holds users only: groups cannot "
                "be nested.",
            )
        user = self.user(user_name)
        if group_name in user.groups:
            return  # IAM accepts adding a member again
        if len(user.groups) >= GROUPS_PER_USER:
            raise AccountError(
                LIMIT_EXCEEDED,
                f"Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}",
            )
        user.groups.append(group_name)

    def remove_user_from_group(self, group_name: str, user_name: str) -> None:
        self.group(group_name)
        user = self.user(user_name)
        if group_name not in user.groups:
            raise AccountError(
                NO_SUCH_ENTITY,
                f"The user with name {user_name} cannot be found in group "
                f"{group_name}.",
            )
        user.groups.remove(group_name)

    def members(self, group_name: str) -> list[User]:
        self.group(group_name)
        return [user for user in self.users.values() if group_name in user.groups]

    # --- roles --------------------------------------------------------------------

    def _trust(self, document: str) -> None:
        if _size(document) > TRUST_POLICY_SIZE:
            raise AccountError(
                LIMIT_EXCEEDED,
                f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE}",
            )
        try:
            policy = parse_policy(document, kind="trust")
        except PolicyError as error:
            raise _malformed(error) from None
        self._principals_exist(policy, MALFORMED_POLICY_DOCUMENT)

    def create_role(
        self,
        name: str,
        trust: str,
        path: str = "/",
        *,
        max_session_duration: int = 3_600,
        description: str = "",
    ) -> Role:
        _check_name("role", name)
        _check_path(path)
        if self._taken(self.roles, name):
            raise AccountError(
                ENTITY_ALREADY_EXISTS, f"Role with name {name} already exists."
            )
        self._check_duration(max_session_duration)
        self._trust(trust)
        role = Role(
            name,
            path,
            self._arn("role", path, name),
            self.clock(),
            [],
            {},
            {},
            trust=trust,
            max_session_duration=max_session_duration,
            description=description,
        )
        self.roles[name] = role
        return role

    @staticmethod
    def _check_duration(seconds: int) -> None:
        low, high = SESSION_DURATION
        if not low <= seconds <= high:
            raise AccountError(
                VALIDATION_ERROR,
                f"The maximum session duration is {low} to {high} seconds (1 to 12 "
                "hours).",
            )

    def update_assume_role_policy(self, name: str, trust: str) -> None:
        role = self.role(name)
        self._trust(trust)
        role.trust = trust
        role._compiled.pop("\0trust", None)

    def update_role(self, name: str, *, max_session_duration: int) -> None:
        role = self.role(name)
        self._check_duration(max_session_duration)
        role.max_session_duration = max_session_duration

    def add_role_to_instance_profile(self, profile: str, role_name: str) -> None:
        role = self.role(role_name)
        _check_name("role", profile)  # the same rule as other IAM names
        for other in self.roles.values():
            if profile in other.instance_profiles and other is not role:
                raise AccountError(
                    LIMIT_EXCEEDED,
                    "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
                )
        if profile not in role.instance_profiles:
            role.instance_profiles.append(profile)

    def remove_role_from_instance_profile(self, profile: str, role_name: str) -> None:
        role = self.role(role_name)
        if profile not in role.instance_profiles:
            raise AccountError(
                NO_SUCH_ENTITY,
                f"Instance profile {profile} does not hold role {role_name}.",
            )
        role.instance_profiles.remove(profile)

    def delete_role(self, name: str) -> None:
        role = self.role(name)
        if role.instance_profiles:
            raise AccountError(
                DELETE_CONFLICT,
                "Cannot delete entity, must remove roles from instance profile first.",
            )
        if role.managed:
            raise AccountError(
                DELETE_CONFLICT, "Cannot delete entity, must detach all policies first."
            )
        if role.inline:
            raise AccountError(
                DELETE_CONFLICT, "Cannot delete entity, must delete policies first."
            )
        del self.roles[name]

    # --- managed policies ---------------------------------------------------------

    def _document(self, document: str, *, limit: int, quota: str) -> None:
        try:
            parse_policy(document)
        except PolicyError as error:
            raise _malformed(error) from None
        if _size(document) > limit:
            raise AccountError(
                LIMIT_EXCEEDED, f"Cannot exceed quota for {quota}: {limit}"
            )

    def create_policy(self, name: str, document: str, path: str = "/") -> ManagedPolicy:
        _check_name("policy", name)
        _check_path(path)
        if any(
            p.name.casefold() == name.casefold() and not p.aws_managed
            for p in self.policies.values()
        ):
            raise AccountError(
                ENTITY_ALREADY_EXISTS,
                f"A policy called {name} already exists. Duplicate names are not "
                "allowed.",
            )
        self._document(document, limit=MANAGED_POLICY_SIZE, quota="PolicySize")
        policy = ManagedPolicy(
            name,
            self._arn("policy", path, name),
            path,
            {"v1": document},
            created=self.clock(),
        )
        self.policies[policy.arn] = policy
        return policy

    def _customer_managed(self, arn: str) -> ManagedPolicy:
        policy = self.managed_policy(arn)
        if policy.aws_managed:
            raise AccountError(
                INVALID_INPUT,
                f"{policy.name} is an AWS managed policy: only AWS changes it.",
            )
        return policy

    def create_policy_version(
        self, arn: str, document: str, *, set_as_default: bool = False
    ) -> str:
        policy = self._customer_managed(arn)
        if len(policy.versions) >= VERSIONS_PER_POLICY:
            raise AccountError(
                LIMIT_EXCEEDED,
                f"A managed policy can have up to {VERSIONS_PER_POLICY} versions. "
                "Before you create a new version, you must delete an existing "
                "version.",
            )
        self._document(document, limit=MANAGED_POLICY_SIZE, quota="PolicySize")
        # Version ids keep counting up: a deleted v2 is never reused.
        number = max(int(v[1:]) for v in policy.versions) + 1
        version = f"v{number}"
        policy.versions[version] = document
        if set_as_default:
            policy.default_version = version
        return version

    def set_default_policy_version(self, arn: str, version: str) -> None:
        policy = self._customer_managed(arn)
        if version not in policy.versions:
            raise AccountError(
                NO_SUCH_ENTITY,
                f"Policy {arn} version {version} does not exist or is not attachable.",
            )
        policy.default_version = version

    def delete_policy_version(self, arn: str, version: str) -> None:
        policy = self._customer_managed(arn)
        if version not in policy.versions:
            raise AccountError(
                NO_SUCH_ENTITY, f"Policy {arn} version {version} does not exist."
            )
        if version == policy.default_version:
            raise AccountError(
                DELETE_CONFLICT, "Cannot delete the default version of a policy."
            )
        del policy.versions[version]

    def delete_policy(self, arn: str) -> None:
        self._customer_managed(arn)
        if any(True for _ in self.attachments(arn)):
            raise AccountError(
                DELETE_CONFLICT, "Cannot delete a policy attached to entities."
            )
        del self.policies[arn]

    def attach_policy(self, kind: str, name: str, arn: str) -> None:
        """AttachUserPolicy, AttachGroupPolicy or AttachRolePolicy."""
        identity = self._identity(kind, name)
        self.managed_policy(arn)
        if arn in identity.managed:
            return  # attaching again changes nothing, as in IAM
        if len(identity.managed) >= MANAGED_POLICIES_PER_IDENTITY:
            quota = f"PoliciesPer{kind.capitalize()}"
            raise AccountError(
                LIMIT_EXCEEDED,
                f"Cannot exceed quota for {quota}: {MANAGED_POLICIES_PER_IDENTITY}",
            )
        identity.managed.append(arn)

    def detach_policy(self, kind: str, name: str, arn: str) -> None:
        identity = self._identity(kind, name)
        if arn not in identity.managed:
            raise AccountError(
                NO_SUCH_ENTITY, f"Policy {arn} was not found on {kind} {name}."
            )
        identity.managed.remove(arn)

    # --- inline policies ----------------------------------------------------------

    def put_inline_policy(self, kind: str, name: str, policy_name: str, document: str):
        """PutUserPolicy, PutGroupPolicy or PutRolePolicy (replaces one of the
        same name)."""
        identity = self._identity(kind, name)
        _check_inline_name(policy_name)
        try:
            parse_policy(document)
        except PolicyError as error:
            raise _malformed(error) from None
        others = sum(
            _size(text) for key, text in identity.inline.items() if key != policy_name
        )
        limit = INLINE_POLICY_SIZE[kind]
        if others + _size(document) > limit:
            raise AccountError(
                LIMIT_EXCEEDED,
                f"Maximum policy size of {limit} bytes exceeded for {kind} {name}",
            )
        identity.inline[policy_name] = document
        identity._compiled.pop(policy_name, None)

    def delete_inline_policy(self, kind: str, name: str, policy_name: str) -> None:
        identity = self._identity(kind, name)
        if policy_name not in identity.inline:
            raise AccountError(
                NO_SUCH_ENTITY,
                f"The {kind} policy with name {policy_name} cannot be found.",
            )
        del identity.inline[policy_name]
        identity._compiled.pop(policy_name, None)

    # --- permissions boundaries ---------------------------------------------------

    def put_permissions_boundary(self, kind: str, name: str, arn: str) -> None:
        """PutUserPermissionsBoundary or PutRolePermissionsBoundary: a managed
        policy; groups have no boundary."""
        if kind == "group":
            raise AccountError(
                NOT_POSSIBLE_IN_IAM,
                "A permissions boundary is set on a user or a role, never a group.",
            )
        identity = self._identity(kind, name)
        self.managed_policy(arn)
        identity.boundary = arn

    def delete_permissions_boundary(self, kind: str, name: str) -> None:
        identity = self._identity(kind, name)
        if getattr(identity, "boundary", None) is None:
            raise AccountError(
                NO_SUCH_ENTITY, f"The {kind} {name} has no permissions boundary."
            )
        identity.boundary = None

    # --- resources with resource-based policies -----------------------------------

    def create_resource(self, kind: str, name: str) -> Resource:
        arns = {
            "s3-bucket": f"arn:aws:s3:::{name}",
            "kms-key": f"arn:aws:kms:us-east-1:{self.id}:key/{name}",
            "sqs-queue": f"arn:aws:sqs:us-east-1:{self.id}:{name}",
        }
        if kind not in arns:
            raise AccountError(VALIDATION_ERROR, f"Unknown kind of resource: {kind}.")
        if not name or not re.fullmatch(
            r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|[\w-]{1,80}", name
        ):
            raise AccountError(VALIDATION_ERROR, f"{name!r} is not a valid name.")
        arn = arns[kind]
        if arn in self.resources:
            raise AccountError(ENTITY_ALREADY_EXISTS, f"{name} already exists.")
        resource = Resource(kind, name, arn)
        self.resources[arn] = resource
        return resource

    def resource(self, arn: str) -> Resource:
        try:
            return self.resources[arn]
        except KeyError:
            raise AccountError(
                NO_SUCH_ENTITY, f"No resource {arn} in this account."
            ) from None

    def put_resource_policy(self, arn: str, document: str | None) -> None:
        """PutBucketPolicy, PutKeyPolicy or SetQueueAttributes(Policy); None
        removes a bucket's or a queue's policy."""
        resource = self.resource(arn)
        code = (
            MALFORMED_POLICY
            if resource.kind == "s3-bucket"
            else (MALFORMED_POLICY_DOCUMENT)
        )
        if document is None:
            if resource.kind == "kms-key":
                raise AccountError(
                    MALFORMED_POLICY_DOCUMENT, "Every KMS key has a key policy."
                )
            resource.policy_text = resource._compiled = None
            return
        try:
            policy = parse_policy(document, kind="resource")
        except PolicyError as error:
            raise _malformed(error, code) from None
        self._principals_exist(policy, code)
        resource.policy_text = document
        resource._compiled = None

    def _principals_exist(self, policy: Policy, code: str) -> None:
        """A Principal names users, roles, accounts, services: never a group,
        and never a user or role of this account that does not exist."""
        for statement in policy.statements:
            named = (statement.principal or ()) + (statement.not_principal or ())
            for kind, arn in named:
                if kind != "AWS":
                    continue
                prefix = f"arn:aws:iam::{self.id}:"
                if ":group/" in arn:
                    raise AccountError(
                        code,
                        f"Invalid principal in policy: {arn}. A group is not a "
                        "principal: name its users, or a role.",
                    )
                if not arn.startswith(prefix):
                    continue
                tail = arn[len(prefix) :]
                kind, _, rest = tail.partition("/")
                name = rest.rsplit("/", 1)[-1]
                table = {"user": self.users, "role": self.roles}.get(kind)
                if table is not None and name not in table:
                    raise AccountError(code, f"Invalid principal in policy: {arn}")

    # --- everything, for the web layer and the tests -----------------------------

    def principals(self) -> list[str]:
        """Every principal that can make a request: root, users and roles."""
        return [
            self.root_arn,
            *(user.arn for user in self.users.values()),
            *(role.arn for role in self.roles.values()),
        ]


def aws_managed_from_documents(
    documents: Callable[[str], str | None],
) -> Callable[[str], ManagedPolicy | None]:
    """A lookup of AWS managed policies by ARN for ``Account(managed_catalog=)``.

    ``documents`` returns a policy's document by name (None when unknown). AWS
    managed policies are found by name: the ARN's path (``service-role/``,
    ``job-function/``) is kept as given.
    """

    def lookup(arn: str) -> ManagedPolicy | None:
        tail = arn[len(AWS_MANAGED_PREFIX) :]
        name = tail.rsplit("/", 1)[-1]
        document = documents(name)
        if document is None:
            return None
        path = "/" + tail[: -len(name)] if "/" in tail else "/"
        return ManagedPolicy(name, arn, path, {"v1": document}, aws_managed=True)

    return lookup

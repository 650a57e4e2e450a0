"""A lab's setup and solution: lists of operations applied to a practice account.

An operation is a mapping with one key, the name of an ``Account`` method (one
IAM call), whose value holds the call's arguments by name:

    - create_user: {name: bob}
    - attach_policy: {kind: group, name: Auditors,
                      arn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}
    - put_inline_policy: {kind: user, name: bob, policy_name: Reports,
                          document: {Version: "2012-10-17", Statement: [...]}}

A policy ``document`` (or a role's ``trust``) may be written as a mapping; it is
turned into JSON text as IAM receives it. Only the calls in ``ACCOUNT_CALLS`` are
accepted.

Some starting states have no IAM call: a key created months ago, a password last
used last week. The ``lab_*`` operations set them, always relative to a ``now``
passed in, so the same setup gives the same account on any day:

    - lab_access_key: {user: ci, id: AKIAEXAMPLEOLDKEY001, created_days_ago: 200,
                       last_used_days_ago: 1}
    - lab_root_access_key: {id: AKIAEXAMPLEROOTKEY01, created_days_ago: 400}
    - lab_password_used: {user: bob, days_ago: 3}
    - lab_root_password_used: {days_ago: 2}

A lab's account is always account ``LAB_ACCOUNT_ID``, so briefs and goals can
name its ARNs exactly.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from iam.account import AccessKey, Account, AccountError
from iam.account.goals import GoalError, check_goals, describe, validate_goals

LAB_ACCOUNT_ID = "123456789012"
LAB_ROOT_EMAIL = "root@example.com"
# The day labs are checked on when loading: any day gives the same verdicts,
# because lab operations date things relative to it.
CHECK_DAY = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# The IAM (and S3, KMS, SQS) calls a setup or a solution may make.
ACCOUNT_CALLS = frozenset(
    {
        "create_root_access_key",
        "delete_root_access_key",
        "set_root_mfa",
        "create_user",
        "delete_user",
        "create_login_profile",
        "delete_login_profile",
        "enable_mfa",
        "deactivate_mfa",
        "create_access_key",
        "update_access_key",
        "delete_access_key",
        "create_group",
        "delete_group",
        "add_user_to_group",
        "remove_user_from_group",
        "create_role",
        "update_assume_role_policy",
        "update_role",
        "add_role_to_instance_profile",
        "remove_role_from_instance_profile",
        "delete_role",
        "create_policy",
        "create_policy_version",
        "set_default_policy_version",
        "delete_policy_version",
        "delete_policy",
        "attach_policy",
        "detach_policy",
        "put_inline_policy",
        "delete_inline_policy",
        "put_permissions_boundary",
        "delete_permissions_boundary",
        "create_resource",
        "put_resource_policy",
    }
)
_DOCUMENTS = ("document", "trust")
_KEY_ID = re.compile(r"AKIA[A-Z2-7]{16}")


class OperationError(ValueError):
    """An operation that cannot be applied: ``index`` is its place (from 1)."""

    def __init__(self, index: int, name: str, message: str) -> None:
        self.index = index
        self.name = name
        self.message = message
        label = f" ({name})" if name else ""
        super().__init__(f"operation {index}{label}: {message}")


def _days(args: dict, key: str, *, optional: bool = False) -> int | None:
    value = args.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key} is a number of days, 0 or more")
    return value


def _only(args: dict, allowed: set[str], required: set[str]) -> None:
    if unknown := set(args) - allowed:
        raise ValueError(f"unknown argument(s): {', '.join(sorted(unknown))}")
    if missing := required - set(args):
        raise ValueError(f"missing argument(s): {', '.join(sorted(missing))}")


def _made_key(args: dict, now: datetime) -> AccessKey:
    key_id = args["id"]
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise ValueError(
            "id is an access key id in AWS's shape: AKIA and 16 letters A-Z or 2-7"
        )
    status = args.get("status", "Active")
    if status not in ("Active", "Inactive"):
        raise ValueError("status is Active or Inactive")
    created = now - timedelta(days=_days(args, "created_days_ago"))
    used = _days(args, "last_used_days_ago", optional=True)
    return AccessKey(
        key_id,
        status=status,
        created=created,
        last_used=None if used is None else now - timedelta(days=used),
        last_used_service=args.get("last_used_service"),
    )


_KEY_ARGS = {"id", "status", "created_days_ago", "last_used_days_ago"}


def _lab_access_key(account: Account, args: dict, now: datetime) -> None:
    _only(args, _KEY_ARGS | {"user", "last_used_service"}, {"user", "id"})
    user = account.user(args["user"])
    if len(user.access_keys) >= 2:
        raise ValueError("a user has at most two access keys")
    if any(key.id == args["id"] for key in user.access_keys):
        raise ValueError(f"{user.name} already has key {args['id']}")
    user.access_keys.append(_made_key({"created_days_ago": 0, **args}, now))


def _lab_root_access_key(account: Account, args: dict, now: datetime) -> None:
    _only(args, _KEY_ARGS | {"last_used_service"}, {"id"})
    if len(account.root.access_keys) >= 2:
        raise ValueError("the root user has at most two access keys")
    account.root.access_keys.append(_made_key({"created_days_ago": 0, **args}, now))


def _lab_password_used(account: Account, args: dict, now: datetime) -> None:
    _only(args, {"user", "days_ago"}, {"user", "days_ago"})
    user = account.user(args["user"])
    if not user.password:
        raise ValueError(f"{user.name} has no console password")
    user.password_last_used = now - timedelta(days=_days(args, "days_ago"))


def _lab_root_password_used(account: Account, args: dict, now: datetime) -> None:
    _only(args, {"days_ago"}, {"days_ago"})
    account.root.password_last_used = now - timedelta(days=_days(args, "days_ago"))


# Starting states IAM has no call for, set relative to ``now``.
LAB_OPERATIONS: dict[str, Callable[[Account, dict, datetime], None]] = {
    "lab_access_key": _lab_access_key,
    "lab_root_access_key": _lab_root_access_key,
    "lab_password_used": _lab_password_used,
    "lab_root_password_used": _lab_root_password_used,
}


def operation_names() -> list[str]:
    return sorted(ACCOUNT_CALLS | set(LAB_OPERATIONS))


def _split(operation: Any) -> tuple[str, dict]:
    if not isinstance(operation, dict) or len(operation) != 1:
        raise ValueError("an operation is a mapping with one key, the call's name")
    name, args = next(iter(operation.items()))
    if not isinstance(name, str) or name not in ACCOUNT_CALLS | set(LAB_OPERATIONS):
        raise ValueError(f"unknown operation {name!r}")
    if args is None:
        args = {}
    if not isinstance(args, dict) or not all(isinstance(k, str) for k in args):
        raise ValueError("the arguments are a mapping of names to values")
    return name, args


# Arguments that are not text; every other argument of a call is text.
_NOT_TEXT = {
    "enabled": (bool,),
    "set_as_default": (bool,),
    "max_session_duration": (int,),
}


def _call(account: Account, name: str, args: dict) -> None:
    args = dict(args)
    for key in _DOCUMENTS:
        if isinstance(args.get(key), dict):
            args[key] = json.dumps(args[key], indent=2)
    for key, value in args.items():
        kinds = _NOT_TEXT.get(key, (str,))
        if key == "document" and name == "put_resource_policy":
            kinds = (str, type(None))  # None removes a bucket's or queue's policy
        if not isinstance(value, kinds) or (int in kinds and isinstance(value, bool)):
            wanted = " or ".join(kind.__name__ for kind in kinds)
            raise ValueError(f"{key} must be {wanted}, not {type(value).__name__}")
    method = getattr(account, name)
    try:
        inspect.signature(method).bind(**args)
    except TypeError as error:
        raise ValueError(f"wrong arguments: {error}") from None
    method(**args)


def apply_operations(
    account: Account, operations: Iterable[Any], *, now: datetime | None = None
) -> None:
    """Apply ``operations`` in order. The first that fails raises
    ``OperationError`` with its place and IAM's message; the account is then
    partly changed, so callers build a fresh one to try again."""
    now = now or account.clock()
    for index, operation in enumerate(operations, 1):
        name = ""
        try:
            name, args = _split(operation)
            if name in LAB_OPERATIONS:
                LAB_OPERATIONS[name](account, args, now)
            else:
                _call(account, name, args)
        except AccountError as error:
            message = f"{error.code}: {error.message}"
            raise OperationError(index, name, message) from None
        except (ValueError, TypeError) as error:
            raise OperationError(index, name, str(error)) from None


def lab_account(
    setup: Iterable[Any],
    *,
    now: datetime | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Account:
    """A lab's starting account: account ``LAB_ACCOUNT_ID`` with ``setup``
    applied. Raises ``OperationError``."""
    options = {"clock": clock} if clock is not None else {}
    account = Account(LAB_ACCOUNT_ID, root_email=LAB_ROOT_EMAIL, **options)
    apply_operations(account, setup, now=now)
    return account


@dataclass(frozen=True)
class LabProblem:
    """Why a lab cannot be used: ``place`` says where (setup, goals, solution)."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


def lab_problems(*, setup: Any, goals: Any, solution: Any) -> list[LabProblem]:
    """Everything wrong with a lab: a setup that fails, a goal written wrongly,
    a starting account that already meets every goal, a solution that fails or
    leaves a goal unmet. Checked on ``CHECK_DAY``."""
    for place, value in (("setup", setup), ("goals", goals), ("solution", solution)):
        if not isinstance(value, list):
            return [LabProblem(place, "must be a list")]
    if not goals:
        return [LabProblem("goals", "a lab needs at least one goal")]
    for index, goal in enumerate(goals, 1):
        try:
            validate_goals([goal])
        except GoalError as error:
            return [LabProblem(f"goal {index}", str(error))]

    def clock() -> datetime:
        return CHECK_DAY

    try:
        account = lab_account(setup, now=CHECK_DAY, clock=clock)
    except OperationError as error:
        return [LabProblem("setup", str(error))]
    try:
        start = check_goals(account, goals)
    except GoalError as error:
        return [LabProblem("goals", str(error))]
    if all(result.passed for result in start):
        return [LabProblem("goals", "the starting account already meets every goal")]
    try:
        apply_operations(account, solution, now=CHECK_DAY)
    except OperationError as error:
        return [LabProblem("solution", str(error))]
    problems = []
    for index, result in enumerate(check_goals(account, goals), 1):
        if not result.passed:
            problems.append(
                LabProblem(
                    f"goal {index} ({describe(result.goal)})",
                    f"the solution does not meet it: {result.message}",
                )
            )
    return problems

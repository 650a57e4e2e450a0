"""Goals a lab sets on a practice account, checked by the engine.

A goal is data (a lab's YAML), one key naming its kind:

    {"can": {"principal": "user/bob", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::reports/*"}}
    {"cannot": {"principal": "user/bob", "action": "s3:DeleteObject"}}
    {"in_group": {"user": "bob", "group": "Developers"}}
    {"no_inline_policies": "users"}            # or "groups", "roles", "all"
    {"root_access_keys": false}
    {"root_mfa": true}
    {"mfa": {"user": "bob"}}
    {"no_finding": {"code": "privilege-escalation", "group": "Developers"}}
    {"no_active_keys_older_than": 90}
    {"not_in_group": {"user": "intern", "group": "Admins"}}
    {"no_access_keys": {"user": "app-server"}}
    {"access_key_inactive": {"user": "ci", "key": "AKIA..."}}   # or deleted
    {"access_key_deleted": {"user": "ci", "key": "AKIA..."}}
    {"active_access_keys": {"user": "ci", "count": 1}}
    {"can_assume": {"role": "AppServer", "principal": "ec2.amazonaws.com"}}
    {"cannot_assume": {"role": "Partner", "principal": "111122223333",
                       "context": {"sts:ExternalId": "wrong"}}}
    {"instance_profile": {"role": "AppServer"}}
    {"boundary": {"principal": "user/maria", "policy": "arn:aws:iam::...:policy/B"}}

``check_goals`` answers each with whether it holds and, when it does not, a
sentence and, for can/cannot, the request that shows it (a counterexample).
A principal is written ``user/NAME``, ``role/NAME`` or ``root``. A Resource with a
wildcard means "some resource it covers" for ``can`` (one is made up from it)
and "any resource" for ``cannot``, whose default is every resource.

``can_assume``/``cannot_assume`` ask whether a principal may call
``sts:AssumeRole`` on a role: a principal outside the account (a service such as
``ec2.amazonaws.com``, an account id, another account's ARN) is judged by the
role's trust policy alone, as AWS does for it; ``user/NAME`` or ``role/NAME`` of
the account by its own policies and the trust policy together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..evaluation import evaluate_policy
from ..matching import glob
from ..policy import NO_CONDITION
from ..request import Request, checked_items
from .effective import Evaluator
from .errors import AccountError
from .findings import findings
from .model import Account

_KINDS = (
    "can",
    "cannot",
    "in_group",
    "no_inline_policies",
    "root_access_keys",
    "root_mfa",
    "mfa",
    "no_finding",
    "no_active_keys_older_than",
    "not_in_group",
    "no_access_keys",
    "access_key_inactive",
    "access_key_deleted",
    "active_access_keys",
    "can_assume",
    "cannot_assume",
    "instance_profile",
    "boundary",
)


class GoalError(ValueError):
    """A goal written wrongly (for the lab's author)."""


@dataclass(frozen=True)
class GoalResult:
    goal: dict
    passed: bool
    message: str
    request: dict | None = None  # the counterexample of a can/cannot goal

    def as_dict(self) -> dict[str, Any]:
        return {
            "goal": self.goal,
            "passed": self.passed,
            "message": self.message,
            "request": self.request,
        }


def describe(goal: dict) -> str:
    """The goal in a sentence, for the lab's page: each identity named with its
    kind ("user dana", "role Auditor"), so that the sentence may start with a
    capital without changing a name."""
    kind, value = _split(goal)
    if kind in ("can", "cannot"):
        resource = value.get("resource", "*")
        on = "any resource" if resource == "*" else resource
        verb = "can" if kind == "can" else "cannot"
        return f"{_who(value['principal'])} {verb} {value['action']} on {on}"
    if kind == "in_group":
        return f"user {value['user']} is a member of group {value['group']}"
    if kind == "no_inline_policies":
        return f"no inline policies on {value}"
    if kind == "root_access_keys":
        return (
            "the root user has access keys"
            if value
            else ("the root user has no access keys")
        )
    if kind == "root_mfa":
        return "the root user has MFA" if value else "the root user has no MFA"
    if kind == "mfa":
        return f"user {value['user']} has MFA"
    if kind == "no_finding":
        where = f" for members of group {value['group']}" if "group" in value else ""
        return f"no {value['code']} finding{where}"
    if kind == "not_in_group":
        return f"user {value['user']} is not a member of group {value['group']}"
    if kind == "no_access_keys":
        return f"user {value['user']} has no access keys"
    if kind == "access_key_inactive":
        return (
            f"user {value['user']}'s access key {value['key']} is inactive or deleted"
        )
    if kind == "access_key_deleted":
        return f"user {value['user']}'s access key {value['key']} is deleted"
    if kind == "active_access_keys":
        count = int(value["count"])
        keys = "key" if count == 1 else "keys"
        return f"user {value['user']} has exactly {count} active access {keys}"
    if kind in ("can_assume", "cannot_assume"):
        verb = "can" if kind == "can_assume" else "cannot"
        when = ""
        if value.get("context"):
            pairs = ", ".join(f"{k} = {v}" for k, v in value["context"].items())
            when = f" when {pairs}"
        else:
            when = " with no condition keys in the request"
        who = _who(value["principal"]) if "/" in value["principal"] else (
            value["principal"]
        )  # fmt: skip
        return f"{who} {verb} assume role {value['role']}{when}"
    if kind == "instance_profile":
        return f"role {value['role']} is in an instance profile"
    if kind == "boundary":
        name = value["policy"].rsplit("/", 1)[-1]
        return f"{_who(value['principal'])} has the permissions boundary {name}"
    return f"no active access key older than {value} days"


def _split(goal: Any) -> tuple[str, Any]:
    if not isinstance(goal, dict) or len(goal) != 1:
        raise GoalError(f"a goal is one of {', '.join(_KINDS)}: {goal!r}")
    kind, value = next(iter(goal.items()))
    if kind not in _KINDS:
        raise GoalError(f"unknown goal {kind!r}; goals are {', '.join(_KINDS)}")
    needs = {
        "can": ("principal", "action"),
        "cannot": ("principal", "action"),
        "in_group": ("user", "group"),
        "mfa": ("user",),
        "no_finding": ("code",),
        "not_in_group": ("user", "group"),
        "no_access_keys": ("user",),
        "access_key_inactive": ("user", "key"),
        "access_key_deleted": ("user", "key"),
        "active_access_keys": ("user", "count"),
        "can_assume": ("role", "principal"),
        "cannot_assume": ("role", "principal"),
        "instance_profile": ("role",),
        "boundary": ("principal", "policy"),
    }.get(kind, ())
    if needs and (not isinstance(value, dict) or any(k not in value for k in needs)):
        raise GoalError(f"goal {kind} needs {', '.join(needs)}")
    if kind == "can" and "resource" not in value:
        raise GoalError("goal can needs a resource")
    if kind == "no_inline_policies" and value not in (
        "users",
        "groups",
        "roles",
        "all",
    ):
        raise GoalError("no_inline_policies is users, groups, roles or all")
    if kind == "no_active_keys_older_than" and (
        isinstance(value, bool) or not isinstance(value, int) or value < 0
    ):
        raise GoalError("no_active_keys_older_than is a number of days")
    if kind == "active_access_keys" and (
        isinstance(value["count"], bool)
        or not isinstance(value["count"], int)
        or not 0 <= value["count"] <= 2
    ):
        raise GoalError("active_access_keys needs a count of 0, 1 or 2")
    if kind in ("can", "cannot", "boundary") and not _principal_written(
        value["principal"]
    ):
        raise GoalError(
            f"a principal is user/NAME, role/NAME or root: {value['principal']!r}"
        )
    if isinstance(value, dict) and not isinstance(value.get("context", {}), dict):
        raise GoalError(f"goal {kind}: context is a mapping of condition keys")
    if isinstance(value, dict) and value.get("context"):
        try:
            checked_items(value["context"])
        except TypeError as error:
            raise GoalError(f"goal {kind}: {error}") from None
    texts = [k for k in needs if k != "count"]
    if isinstance(value, dict):
        texts += [k for k in ("resource", "group") if k in value]
    if isinstance(value, dict) and any(
        not isinstance(value[k], str) or not value[k] for k in texts
    ):
        raise GoalError(f"goal {kind}: {', '.join(texts)} are texts")
    return kind, value


def _principal_written(principal: object) -> bool:
    if principal == "root":
        return True
    if not isinstance(principal, str):
        return False
    kind, _, name = principal.partition("/")
    return kind in ("user", "role") and bool(name)


def validate_goals(goals: Iterable[Any]) -> None:
    """Raises GoalError for the first goal written wrongly."""
    for goal in goals:
        _split(goal)


def _who(principal: str) -> str:
    """A goal's principal for a sentence: "the root user", "user dana"."""
    if principal == "root":
        return "the root user"
    return principal.replace("/", " ", 1)


def _name(principal: str) -> str:
    return "the root user" if principal == "root" else principal.split("/", 1)[-1]


def _arn(account: Account, principal: str) -> str:
    if principal == "root":
        return account.root_arn
    kind, _, name = principal.partition("/")
    table = {"user": account.users, "role": account.roles}.get(kind)
    if table is None:
        raise GoalError(f"a principal is user/NAME, role/NAME or root: {principal!r}")
    found = table.get(name)
    if found is None:
        raise AccountError("NoSuchEntity", f"There is no {kind} {name} any more.")
    return found.arn


def _instance(pattern: str) -> str:
    """A resource a pattern covers, made up: each wildcard becomes a name."""
    return pattern.replace("*", "example").replace("?", "x")


def _candidates(account: Account, arn: str, action: str, resource: str) -> list[str]:
    """Resources to try for "cannot ... on <resource>": the pattern, one made up
    from it, and every Resource of a statement about the action that reaches the
    principal, with the account's own resources."""
    found = [resource, _instance(resource)]
    for policy in Evaluator(account, arn).identity:
        for statement in policy.statements:
            if statement.effect == "Allow" and statement.matches_action(action.lower()):
                for pattern in statement.resource or ("*",):
                    found += [pattern, _instance(pattern)]
    for owned in account.resources.values():
        found += [owned.arn, f"{owned.arn}/example"]
    covered = glob(resource).match
    return [r for r in dict.fromkeys(found) if covered(r)]


def _request(principal: str, action: str, resource: str) -> dict:
    return {"principal": principal, "action": action, "resource": resource}


def _can(account: Account, value: dict, goal: dict) -> GoalResult:
    arn = _arn(account, value["principal"])
    resource = _instance(value["resource"])
    decision = Evaluator(account, arn).decide(
        value["action"], resource, value.get("context")
    )
    if decision.allowed:
        return GoalResult(goal, True, describe(goal))
    return GoalResult(
        goal,
        False,
        f"{_name(value['principal'])} cannot {value['action']} on {resource} yet. "
        + decision.explain(),
        _request(arn, value["action"], resource),
    )


def _cannot(account: Account, value: dict, goal: dict) -> GoalResult:
    try:
        arn = _arn(account, value["principal"])
    except AccountError:  # a deleted user or role can do nothing at all
        return GoalResult(goal, True, describe(goal))
    evaluator = Evaluator(account, arn)
    action = value["action"]
    for resource in _candidates(account, arn, action, value.get("resource", "*")):
        decision = evaluator.decide(action, resource, value.get("context"))
        conditional = [
            trace
            for policy in decision.decision.trace
            for trace in policy.statements
            if trace.failed == NO_CONDITION and trace.effect == "Allow"
        ]
        if decision.allowed:
            why = decision.explain()
        elif conditional and decision.effect != "ExplicitDeny":
            why = (
                f"It is allowed when the conditions of {conditional[0].statement.label}"
                " hold."
            )
        else:
            continue
        return GoalResult(
            goal,
            False,
            f"{_name(value['principal'])} can still {action} on {resource}. {why}",
            _request(arn, action, resource),
        )
    return GoalResult(goal, True, describe(goal))


def _check(account: Account, goal: dict) -> GoalResult:
    kind, value = _split(goal)
    if kind == "can":
        return _can(account, value, goal)
    if kind == "cannot":
        return _cannot(account, value, goal)
    if kind == "in_group":
        user = account.users.get(value["user"])
        ok = user is not None and value["group"] in user.groups
        return GoalResult(goal, ok, describe(goal) if ok else (
            f"{value['user']} is not a member of group {value['group']}."
        ))  # fmt: skip
    if kind == "no_inline_policies":
        tables = {
            "users": [("user", account.users)],
            "groups": [("group", account.groups)],
            "roles": [("role", account.roles)],
        }
        chosen = tables.get(value) or [t for ts in tables.values() for t in ts]
        holding = [
            f"{label} {name} ({', '.join(identity.inline)})"
            for label, table in chosen
            for name, identity in table.items()
            if identity.inline
        ]
        if holding:
            return GoalResult(
                goal, False, "Inline policies remain: " + "; ".join(holding)
            )
        return GoalResult(goal, True, describe(goal))
    if kind == "root_access_keys":
        ok = bool(account.root.access_keys) == bool(value)
        return GoalResult(goal, ok, describe(goal) if ok else (
            "The root user still has access keys." if account.root.access_keys
            else "The root user has no access keys."
        ))  # fmt: skip
    if kind == "root_mfa":
        ok = account.root.mfa == bool(value)
        return GoalResult(goal, ok, describe(goal) if ok else (
            "The root user has no MFA yet." if value else "The root user has MFA."
        ))  # fmt: skip
    if kind == "mfa":
        user = account.users.get(value["user"])
        ok = user is not None and user.mfa
        return GoalResult(goal, ok, describe(goal) if ok else (
            f"{value['user']} has no MFA yet."
        ))  # fmt: skip
    if kind == "no_finding":
        members = None
        if "group" in value:
            members = {u.arn for u in account.members(value["group"])}
        hits = [
            f
            for f in findings(account)
            if f.code.startswith(value["code"])
            and (members is None or f.principal in members)
        ]
        if hits:
            first = hits[0]
            steps = "; then ".join(first.steps)
            more = f" ({len(hits) - 1} more)" if len(hits) > 1 else ""
            text = f"{first.message}{more}" + (f" Steps: {steps}." if steps else "")
            return GoalResult(goal, False, text)
        return GoalResult(goal, True, describe(goal))
    if kind in _MORE:
        return _MORE[kind](account, value, goal)
    limit = timedelta(days=int(value))
    now = account.clock()
    old = [
        f"{user.name}'s {key.id}"
        for user in account.users.values()
        for key in user.access_keys
        if key.active and now - key.created > limit
    ]
    if old:
        return GoalResult(goal, False, "Active keys too old: " + ", ".join(old) + ".")
    return GoalResult(goal, True, describe(goal))


def _keys_of(account: Account, value: dict):
    return account.user(value["user"]).access_keys


def _not_in_group(account: Account, value: dict, goal: dict) -> GoalResult:
    user = account.users.get(value["user"])
    if user is not None and value["group"] in user.groups:
        return GoalResult(
            goal, False, f"{value['user']} is still a member of group {value['group']}."
        )
    return GoalResult(goal, True, describe(goal))


def _no_access_keys(account: Account, value: dict, goal: dict) -> GoalResult:
    user = account.users.get(value["user"])
    keys = user.access_keys if user is not None else []
    if keys:
        listed = ", ".join(f"{key.id} ({key.status})" for key in keys)
        return GoalResult(
            goal, False, f"{value['user']} still has access keys: {listed}."
        )
    return GoalResult(goal, True, describe(goal))


def _key_inactive(account: Account, value: dict, goal: dict) -> GoalResult:
    user = account.users.get(value["user"])
    keys = user.access_keys if user is not None else []
    if any(key.id == value["key"] and key.active for key in keys):
        return GoalResult(
            goal,
            False,
            f"{value['user']}'s access key {value['key']} is still active: anyone "
            "holding its secret can still sign requests with it.",
        )
    return GoalResult(goal, True, describe(goal))


def _key_deleted(account: Account, value: dict, goal: dict) -> GoalResult:
    user = account.users.get(value["user"])
    keys = user.access_keys if user is not None else []
    for key in keys:
        if key.id == value["key"]:
            return GoalResult(
                goal,
                False,
                f"{value['user']}'s access key {value['key']} still exists "
                f"({key.status}).",
            )
    return GoalResult(goal, True, describe(goal))


def _active_keys(account: Account, value: dict, goal: dict) -> GoalResult:
    active = [key.id for key in _keys_of(account, value) if key.active]
    if len(active) != value["count"]:
        listed = ", ".join(active) or "none"
        return GoalResult(
            goal,
            False,
            f"{value['user']} has {len(active)} active access key"
            f"{'' if len(active) == 1 else 's'} ({listed}), not {value['count']}.",
        )
    return GoalResult(goal, True, describe(goal))


def _assume(account: Account, value: dict, goal: dict, *, want: bool) -> GoalResult:
    role = account.role(value["role"])
    context = value.get("context")
    principal = value["principal"]
    kind = principal.partition("/")[0]
    if principal == "root" or (kind in ("user", "role") and "/" in principal):
        arn = _arn(account, principal)
        decision = Evaluator(account, arn).decide("sts:AssumeRole", role.arn, context)
        allowed, why = decision.allowed, decision.explain()
    else:
        decision = evaluate_policy(
            role.trust_policy(),
            Request(principal, "sts:AssumeRole", role.arn, context),
        )
        allowed, why = decision.allowed, decision.reason
        arn = principal
    request = {**_request(arn, "sts:AssumeRole", role.arn), "context": context or {}}
    if allowed == want:
        return GoalResult(goal, True, describe(goal))
    if want:
        text = f"{principal} cannot assume role {role.name} yet. {why}"
    else:
        text = f"{principal} can still assume role {role.name}. {why}"
    return GoalResult(goal, False, text, request)


def _instance_profile(account: Account, value: dict, goal: dict) -> GoalResult:
    role = account.role(value["role"])
    if role.instance_profiles:
        return GoalResult(goal, True, describe(goal))
    return GoalResult(
        goal,
        False,
        f"Role {role.name} is in no instance profile, so no EC2 instance can use it.",
    )


def _boundary(account: Account, value: dict, goal: dict) -> GoalResult:
    kind, _, name = value["principal"].partition("/")
    identity = account.user(name) if kind == "user" else account.role(name)
    if identity.boundary == value["policy"]:
        return GoalResult(goal, True, describe(goal))
    now = identity.boundary.rsplit("/", 1)[-1] if identity.boundary else "none"
    return GoalResult(
        goal,
        False,
        f"{kind} {name}'s permissions boundary is {now}, not "
        f"{value['policy'].rsplit('/', 1)[-1]}.",
    )


_MORE = {
    "not_in_group": _not_in_group,
    "no_access_keys": _no_access_keys,
    "access_key_inactive": _key_inactive,
    "access_key_deleted": _key_deleted,
    "active_access_keys": _active_keys,
    "can_assume": lambda a, v, g: _assume(a, v, g, want=True),
    "cannot_assume": lambda a, v, g: _assume(a, v, g, want=False),
    "instance_profile": _instance_profile,
    "boundary": _boundary,
}


def check_goals(account: Account, goals: Iterable[dict]) -> list[GoalResult]:
    """Every goal, checked; an identity a goal names that no longer exists
    fails that goal with a message rather than stopping the check."""
    results = []
    for goal in goals:
        try:
            results.append(_check(account, goal))
        except AccountError as error:
            results.append(GoalResult(goal, False, error.message))
    return results

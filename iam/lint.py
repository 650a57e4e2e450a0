"""Linting: findings about a policy that parses but is probably not what was meant.

Each finding has a severity: ``error`` (AWS would reject it, or it can never work),
``warning`` (it works, but likely not as intended, or grants too much) and
``suggestion`` (a safer or clearer way to write it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from .catalog import catalog
from .grammar import parse_policy
from .policy import CURRENT_VERSION, Policy, Statement
from .problems import Finding, PolicyError

# AWS's size quotas, in characters. IAM does not count white space.
QUOTAS: dict[str, tuple[int, bool, str]] = {
    "identity": (
        6_144,
        False,
        "a managed policy (inline: 2,048 per user, 5,120 per "
        "group, 10,240 per role, all inline policies together)",
    ),
    "boundary": (6_144, False, "a managed policy used as a permissions boundary"),
    "trust": (2_048, False, "a role trust policy (default quota)"),
    "session": (2_048, False, "a session policy"),
    "scp": (5_120, True, "a service control policy"),
    "resource": (20_480, True, "an S3 bucket policy (other services vary)"),
}

# Global condition keys that can hold several values in one request.
MULTIVALUED_GLOBAL_KEYS = frozenset(
    {
        "aws:tagkeys",
        "aws:calledvia",
        "aws:principalservicenameslist",
        "aws:principalorgpaths",
        "aws:sourceorgpaths",
        "aws:resourceorgpaths",
    }
)
# Global condition keys that never hold more than one value.
SINGLE_VALUED_GLOBAL_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:requestedregion",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:securetransport",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:currenttime",
        "aws:epochtime",
        "aws:username",
        "aws:userid",
        "aws:principaltype",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:resourceaccount",
        "aws:calledviafirst",
        "aws:calledvialast",
        "aws:viaawsservice",
        "aws:principalisawsservice",
        "aws:referer",
        "aws:useragent",
    }
)
_ARN = re.compile(r"arn:[^:]+:[^:]*:[^:]*:[^:]*:.+", re.DOTALL)
_SID = re.compile(r"[A-Za-z0-9]*")
_WHITESPACE = re.compile(r"\s")


def lint(
    policy: Policy | str | bytes | Mapping[str, Any], *, kind: str = "identity"
) -> list[Finding]:
    """Reports findings about a policy, most serious first within document order.

    ``policy`` may be a parsed ``Policy`` or a document (text or dict) of ``kind``;
    a document that does not parse yields its problems as error findings.
    """
    if not isinstance(policy, Policy):
        try:
            policy = parse_policy(policy, kind=kind)
        except PolicyError as error:
            return [
                Finding("error", p.code, p.message, p.path, p.line, p.column)
                for p in error.problems
            ]
    return list(_Linter(policy).run())


class _Linter:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def finding(self, severity: str, code: str, message: str, path: str) -> Finding:
        line, column = self.policy.locate(path)
        return Finding(severity, code, message, path, line, column)

    def run(self) -> Iterator[Finding]:
        policy = self.policy
        yield from self.size()
        uses_variables = any("${" in text for text in _strings(policy.document))
        if policy.version is None:
            message = (
                "the policy has no Version, so AWS reads it as 2008-10-17: policy "
                'variables stay literal text; add "Version": "2012-10-17"'
            )
            yield self.finding(
                "warning" if uses_variables else "suggestion",
                "missing-version",
                message,
                "",
            )
        elif policy.version != CURRENT_VERSION and uses_variables:
            message = (
                "Version 2008-10-17 leaves ${...} policy variables as literal text; "
                'use "2012-10-17"'
            )
            yield self.finding("warning", "variables-disabled", message, "Version")
        for statement in policy.statements:
            yield from self.statement(statement)

    def size(self) -> Iterator[Finding]:
        policy = self.policy
        limit, counts_space, what = QUOTAS[policy.kind]
        text = policy.text if policy.text is not None else policy.to_json()
        size = len(text) if counts_space else len(_WHITESPACE.sub("", text))
        if size > limit:
            unit = (
                "characters"
                if counts_space
                else "characters (not counting white space)"
            )
            message = (
                f"the policy has {size:,} {unit}; the quota for {what} is {limit:,}"
            )
            yield self.finding("error", "policy-too-large", message, "")

    def statement(self, statement: Statement) -> Iterator[Finding]:
        path = statement.path
        kind = self.policy.kind
        if (
            statement.sid is not None
            and kind in ("identity", "boundary", "session")
            and not _SID.fullmatch(statement.sid)
        ):
            yield self.finding(
                "warning",
                "sid-format",
                f'Sid "{statement.sid}": IAM accepts only letters and digits in an '
                "identity policy Sid",
                f"{path}.Sid",
            )
        allow = statement.effect == "Allow"
        if allow and statement.not_action is not None:
            yield self.finding(
                "warning",
                "allow-not-action",
                "Allow with NotAction allows every action not listed, including "
                "services added later",
                f"{path}.NotAction",
            )
        if allow and statement.not_resource is not None:
            yield self.finding(
                "warning",
                "allow-not-resource",
                "Allow with NotResource allows every resource not listed, including "
                "new ones",
                f"{path}.NotResource",
            )
        if allow and statement.not_principal is not None:
            yield self.finding(
                "error",
                "allow-not-principal",
                'NotPrincipal must be used with "Effect": "Deny"; with Allow it grants '
                "everyone else, anonymous users included",
                f"{path}.NotPrincipal",
            )
        actions = statement.action or ()
        if (
            allow
            and not statement.conditions
            and any(a in ("*", "*:*") for a in actions)
            and statement.resource is not None
            and "*" in statement.resource
        ):
            yield self.finding(
                "warning",
                "full-admin",
                '"Action": "*" with "Resource": "*" grants full administrator access',
                f"{path}.Action",
            )
        yield from self.actions(statement)
        yield from self.resources(statement)
        yield from self.principals(statement)
        yield from self.conditions(statement)

    def _element_path(self, statement: Statement, name: str, index: int) -> str:
        raw = _raw_statement(self.policy, statement)
        if isinstance(raw.get(name), list):
            return f"{statement.path}.{name}[{index}]"
        return f"{statement.path}.{name}"

    def actions(self, statement: Statement) -> Iterator[Finding]:
        name = "Action" if statement.action is not None else "NotAction"
        for index, action in enumerate(statement.action or statement.not_action or ()):
            path = self._element_path(statement, name, index)
            if _WHITESPACE.search(action):
                fixed = _WHITESPACE.sub("", action)
                message = (
                    f'"{action}" contains white space, so it matches no action; '
                    f'write "{fixed}"'
                )
                yield self.finding("error", "action-whitespace", message, path)
                continue
            if action == "*":
                continue
            prefix, _, rest = action.partition(":")
            if "*" in prefix or "?" in prefix:
                if not catalog.expand(action):
                    yield self.finding(
                        "error",
                        "unknown-action",
                        f'"{action}" matches no known action',
                        path,
                    )
                continue
            if not catalog.has_service(prefix):
                yield self.finding(
                    "error",
                    "unknown-service",
                    f'"{prefix}" is not a known AWS service prefix',
                    path,
                )
                continue
            if "*" in rest or "?" in rest:
                if not catalog.expand(action):
                    yield self.finding(
                        "error",
                        "unknown-action",
                        f'"{action}" matches no {prefix} action',
                        path,
                    )
            elif catalog.canonical_action(action) is None:
                yield self.finding(
                    "error",
                    "unknown-action",
                    f'"{action}" is not a known {prefix} action',
                    path,
                )

    def resources(self, statement: Statement) -> Iterator[Finding]:
        name = "Resource" if statement.resource is not None else "NotResource"
        resources = statement.resource or statement.not_resource or ()
        for index, resource in enumerate(resources):
            if resource != "*" and not _ARN.fullmatch(resource):
                message = (
                    f'"{resource}" is not an ARN '
                    '(arn:partition:service:region:account:resource) or "*"'
                )
                path = self._element_path(statement, name, index)
                yield self.finding("error", "malformed-arn", message, path)
        yield from self.resource_types(statement)

    def resource_types(self, statement: Statement) -> Iterator[Finding]:
        """One finding per action that no Resource of the statement can name.

        As Parliament's RESOURCE_MISMATCH: a statement that lists an object ARN
        and a bucket ARN for s3:GetObject and s3:ListBucket is right, since each
        action has a resource that fits it. An action pattern (``s3:Get*``) is
        reported only when none of the actions it covers has one.
        """
        resources = statement.resource
        if not resources or "*" in resources:
            return
        arns = [r for r in resources if _ARN.fullmatch(r)]
        if len(arns) < len(resources):
            return  # malformed-arn already says what is wrong
        for index, action in enumerate(statement.action or ()):
            prefix, _, rest = action.partition(":")
            if _WHITESPACE.search(action) or not rest or any(c in prefix for c in "*?"):
                continue
            if any(c in rest for c in "*?"):
                covered = catalog.expand(action)
            else:
                canonical = catalog.canonical_action(action)
                covered = [canonical] if canonical is not None else []
            if not covered:
                continue  # unknown-service or unknown-action says so
            if prefix.lower() in _INCOMPLETE_RESOURCE_TYPES:
                continue
            wanted: set[str] = set()
            for name in covered:
                wanted.update(
                    t.rstrip("*") for t in catalog.resource_types_for_action(name)
                )
            # A resource type that no action lists is one whose actions the
            # catalog lost (API Gateway's REST API types): it may fit any action.
            fitting = wanted | _orphan_resource_types(prefix)
            if any(
                fitting & catalog.resource_types_of_pattern(prefix, arn) for arn in arns
            ):
                continue
            shown = covered[0] if len(covered) == 1 else action
            listed = _listed(resources)
            if wanted:
                message = (
                    f"{shown} acts on {prefix} {', '.join(sorted(wanted))} "
                    f"resources, but no Resource of this statement can be one: {listed}"
                )
            else:
                message = (
                    f'{shown} does not take a resource ARN; it needs "Resource": '
                    f'"*", and this statement lists only {listed}'
                )
            path = self._element_path(statement, "Action", index)
            yield self.finding("warning", "resource-type-mismatch", message, path)

    def principals(self, statement: Statement) -> Iterator[Finding]:
        entries = (
            statement.principal
            if statement.principal is not None
            else statement.not_principal
        )
        name = "Principal" if statement.principal is not None else "NotPrincipal"
        for kind, value in entries or ():
            if kind != "AWS" or value == "*":
                continue
            path = f"{statement.path}.{name}.{kind}"
            if re.fullmatch(r"[0-9]{12}", value):
                continue
            if not _ARN.fullmatch(value):
                yield self.finding(
                    "error",
                    "invalid-principal",
                    f'"{value}" is not an account id or an ARN',
                    path,
                )
            elif "*" in value or "?" in value:
                message = (
                    f'"{value}": wildcards are not allowed in a principal ARN (only '
                    '"*" alone); use a condition on aws:PrincipalArn'
                )
                yield self.finding("error", "principal-wildcard", message, path)

    def conditions(self, statement: Statement) -> Iterator[Finding]:
        for condition in statement.conditions:
            path = condition.path
            for value in condition.invalid_values:
                family = condition.family.split("-")[0]
                message = (
                    f'{condition.operator.text} cannot compare "{value}": it is not a '
                    f"valid {family} value"
                )
                yield self.finding("error", "invalid-condition-value", message, path)
            key = condition.key_lower
            multivalued = _is_multivalued(key)
            qualifier = condition.operator.qualifier
            if multivalued is True and qualifier is None and condition.family != "null":
                message = (
                    f"{condition.key} can hold several values, but "
                    f"{condition.operator.text} compares "
                    "single values: use ForAllValues: or ForAnyValue:"
                )
                yield self.finding(
                    "warning",
                    "single-valued-operator-on-multivalued-key",
                    message,
                    path,
                )
            elif multivalued is False and qualifier is not None:
                message = (
                    f"{condition.key} holds a single value; {qualifier}: is meant for "
                    "multivalued keys "
                    "and can make the condition too permissive"
                )
                yield self.finding(
                    "warning", "set-operator-on-single-valued-key", message, path
                )
            if (
                qualifier == "ForAllValues"
                and statement.effect == "Allow"
                and not condition.operator.if_exists
            ):
                message = (
                    f"ForAllValues is also true when {condition.key} is absent from "
                    "the request; add a "
                    "Null condition if the key must be present"
                )
                yield self.finding(
                    "suggestion", "for-all-values-absent-key", message, path
                )


def _is_multivalued(key: str) -> bool | None:
    """True or False when the catalog or AWS's list of global keys knows; else None."""
    if key in MULTIVALUED_GLOBAL_KEYS:
        return True
    if key in SINGLE_VALUED_GLOBAL_KEYS or key.startswith(
        ("aws:principaltag/", "aws:resourcetag/", "aws:requesttag/")
    ):
        return False
    prefix = key.split(":", 1)[0]
    for name, type_name in catalog.condition_keys(prefix).items():
        if _key_matches(name.lower(), key):
            return type_name.startswith("ArrayOf")
    return None


def _key_matches(template: str, key: str) -> bool:
    if "${" not in template and "<" not in template:
        return template == key
    head = re.split(r"\$\{|<", template, maxsplit=1)[0]
    return key.startswith(head)


# Prefixes that several AWS services share (the Marketplace Catalog, Deployment...
# services), whose actions' resource types the catalog keeps for one service only.
_INCOMPLETE_RESOURCE_TYPES = frozenset({"aws-marketplace"})


@lru_cache(maxsize=512)
def _orphan_resource_types(prefix: str) -> frozenset[str]:
    """Resource types of a service that none of its actions lists."""
    listed = {
        kind.rstrip("*")
        for action in catalog.actions_for_service(prefix)
        for kind in catalog.resource_types_for_action(action)
    }
    return frozenset(catalog.resource_types(prefix)) - listed


def _listed(values: tuple[str, ...], shown: int = 5) -> str:
    """The first few values and how many more there are."""
    text = ", ".join(values[:shown])
    if len(values) > shown:
        text += f" and {len(values) - shown:,} more"
    return text


def _raw_statement(policy: Policy, statement: Statement) -> Mapping[str, Any]:
    raw = policy.document.get("Statement")
    if isinstance(raw, list):
        raw = raw[statement.index]
    return raw if isinstance(raw, dict) else {}


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)

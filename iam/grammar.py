"""The JSON grammar of policy documents: ``parse_policy`` checks and compiles.

``parse_policy`` reads text (or a dict), checks it against IAM's JSON policy
grammar for the given kind of policy and reports every problem at once, each with
its JSON path and, for text, its line and column; a valid document becomes a
compiled ``Policy`` (``iam.policy``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .conditions import Condition, parse_operator, suggest_operator, value_text
from .jsontext import JsonProblems, LineIndex, check_plain, load_text
from .policy import CURRENT_VERSION, KINDS, Policy, Statement
from .problems import PolicyError, Problem

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
# Kinds whose documents IAM itself stores: limited to Latin-1 characters.
IAM_STORED_KINDS = ("identity", "boundary", "trust", "session")
WITH_PRINCIPAL = ("resource", "trust")


class _Grammar:
    """Collects grammar problems for one document."""

    def __init__(
        self,
        kind: str,
        value_at: Mapping[str, int],
        key_at: Mapping[str, int],
        lines: LineIndex | None,
    ) -> None:
        self.kind = kind
        self.value_at = value_at
        self.key_at = key_at
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, code: str, message: str, path: str, *, key: bool = False) -> None:
        line = column = None
        if self.lines is not None:
            table = self.key_at if key else self.value_at
            offset = table.get(path)
            if offset is None:
                offset = (self.value_at if key else self.key_at).get(path)
            if offset is None:
                # Fall back to the nearest enclosing element we know.
                parent = path
                while offset is None and parent:
                    parent = _parent(parent)
                    offset = self.value_at.get(parent)
            if offset is not None:
                line, column = self.lines.position(offset)
        self.problems.append(Problem(code, message, path, line, column))

    def strings(self, value: Any, path: str, element: str) -> list[str] | None:
        """A string or a non-empty list of strings."""
        if isinstance(value, str):
            if not value:
                self.problem(
                    "empty-value", f"{element} must not be an empty string", path
                )
                return None
            return [value]
        if isinstance(value, list):
            if not value:
                self.problem("empty-list", f"{element} must not be an empty list", path)
                return None
            result = []
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                if not isinstance(item, str):
                    message = (
                        f"{element} entries must be strings, not {_json_type(item)}"
                    )
                    self.problem("invalid-type", message, item_path)
                elif not item:
                    self.problem("empty-value", f"{element} entry is empty", item_path)
                else:
                    result.append(item)
            return result if len(result) == len(value) else None
        message = (
            f"{element} must be a string or a list of strings, not {_json_type(value)}"
        )
        self.problem("invalid-type", message, path)
        return None


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rpartition(".")[0]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _walk_strings(value: Any, path: str = "") -> Iterator[tuple[str, str, bool]]:
    """Every string in a JSON value, with its path and whether it is a key."""
    stack = [(value, path)]
    while stack:
        item, item_path = stack.pop()
        if isinstance(item, str):
            yield item, item_path, False
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{item_path}.{key}" if item_path else key
                yield key, child_path, True
                stack.append((child, child_path))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, f"{item_path}[{index}]"))


def parse_policy(
    source: str | bytes | Mapping[str, Any], *, kind: str = "identity"
) -> Policy:
    """Parses and checks a policy document; returns a compiled ``Policy``.

    ``source`` is JSON text (str or UTF-8 bytes) or an already-decoded dict.
    ``kind`` is one of identity, resource, boundary, scp, session, trust: it decides
    which elements are required or forbidden (a Principal only in resource and
    trust policies; no Resource in a trust policy).

    Raises ``PolicyError`` listing every problem found, each with its JSON path
    and, for text, its line and column.
    """
    if kind not in KINDS:
        raise PolicyError(
            [
                Problem(
                    "invalid-kind",
                    f"kind must be one of {', '.join(KINDS)}, not {kind!r}",
                )
            ]
        )
    text: str | None = None
    value_at: Mapping[str, int] = {}
    key_at: Mapping[str, int] = {}
    lines: LineIndex | None = None
    try:
        if isinstance(source, (bytes, bytearray, memoryview)):
            try:
                source = bytes(source).decode("utf-8")
            except UnicodeDecodeError as error:
                message = f"the document is not UTF-8 text (byte {error.start})"
                raise JsonProblems(
                    [Problem("invalid-encoding", message, "", 1, 1)]
                ) from None
        if isinstance(source, str):
            text = source
            document, value_at, key_at, lines = load_text(text)
        elif isinstance(source, Mapping):
            document = check_plain(dict(source))
        else:
            message = f"expected JSON text or a dict, not {type(source).__name__}"
            raise JsonProblems([Problem("invalid-type", message)])
    except JsonProblems as error:
        raise PolicyError(error.problems) from None
    except RecursionError:  # pragma: no cover - the reader is iterative
        raise PolicyError(
            [Problem("too-deep", "the document nests too deeply")]
        ) from None
    grammar = _Grammar(kind, value_at, key_at, lines)
    policy = _check_document(document, grammar, text)
    if grammar.problems:
        raise PolicyError(grammar.problems)
    assert policy is not None
    return policy


def _check_document(
    document: Any, grammar: _Grammar, text: str | None
) -> Policy | None:
    kind = grammar.kind
    if not isinstance(document, dict):
        grammar.problem(
            "invalid-type",
            f"a policy must be a JSON object, not {_json_type(document)}",
            "",
        )
        return None
    if kind in IAM_STORED_KINDS:
        for value, path, is_key in _walk_strings(document):
            outside = next((c for c in value if ord(c) > 0xFF), None)
            if outside is not None:
                message = (
                    f"character U+{ord(outside):04X} is outside the characters IAM "
                    "accepts in a policy (tab, line feed, carriage return, "
                    "U+0020-U+00FF)"
                )
                grammar.problem("invalid-character", message, path, key=is_key)
    for key in document:
        if key not in POLICY_ELEMENTS:
            grammar.problem(
                "unknown-element", _unknown_message(key, POLICY_ELEMENTS), key, key=True
            )
    version = document.get("Version")
    if "Version" in document and version not in VERSIONS:
        message = (
            f'Version must be "2012-10-17" or "2008-10-17", not {json.dumps(version)}'
        )
        grammar.problem("invalid-version", message, "Version")
        version = None
    policy_id = document.get("Id")
    if "Id" in document and not isinstance(policy_id, str):
        grammar.problem("invalid-type", "Id must be a string", "Id")
        policy_id = None
    variables = version == CURRENT_VERSION
    if "Statement" not in document:
        grammar.problem("missing-element", "the policy has no Statement element", "")
        return None
    raw = document["Statement"]
    if isinstance(raw, dict):
        entries = [(raw, "Statement")]
    elif isinstance(raw, list):
        if not raw:
            grammar.problem(
                "empty-list", "Statement must not be an empty list", "Statement"
            )
        entries = [(item, f"Statement[{i}]") for i, item in enumerate(raw)]
    else:
        message = (
            f"Statement must be an object or a list of objects, not {_json_type(raw)}"
        )
        grammar.problem("invalid-type", message, "Statement")
        return None
    statements = []
    sids: dict[str, str] = {}
    for index, (item, path) in enumerate(entries):
        statement = _check_statement(item, index, path, grammar, variables)
        if statement is not None:
            statements.append(statement)
        sid = item.get("Sid") if isinstance(item, dict) else None
        if isinstance(sid, str):
            if sid in sids:
                message = f'Sid "{sid}" is also used by {sids[sid]}'
                grammar.problem("duplicate-sid", message, f"{path}.Sid")
            else:
                sids[sid] = path
    if grammar.problems:
        return None
    return Policy(
        kind=kind,
        statements=tuple(statements),
        version=version if isinstance(version, str) else None,
        id=policy_id,
        document=document,
        text=text,
        value_at=grammar.value_at,
        key_at=grammar.key_at,
        lines=grammar.lines,
    )


def _unknown_message(key: str, known: Sequence[str]) -> str:
    for name in known:
        if name.lower() == key.lower():
            return (
                f'unknown element "{key}" (element names are case-sensitive: "{name}")'
            )
    return f'unknown element "{key}"; expected one of {", ".join(known)}'


def _check_statement(
    item: Any, index: int, path: str, grammar: _Grammar, variables: bool
) -> Statement | None:
    kind = grammar.kind
    if not isinstance(item, dict):
        message = f"a statement must be a JSON object, not {_json_type(item)}"
        grammar.problem("invalid-type", message, path)
        return None
    before = len(grammar.problems)
    for key in item:
        if key not in STATEMENT_ELEMENTS:
            grammar.problem(
                "unknown-element",
                _unknown_message(key, STATEMENT_ELEMENTS),
                f"{path}.{key}",
                key=True,
            )
    sid = item.get("Sid")
    if "Sid" in item and not isinstance(sid, str):
        grammar.problem("invalid-type", "Sid must be a string", f"{path}.Sid")
    effect = item.get("Effect")
    if "Effect" not in item:
        grammar.problem("missing-element", "the statement has no Effect", path)
    elif effect not in ("Allow", "Deny"):
        hint = ""
        if isinstance(effect, str) and effect.capitalize() in ("Allow", "Deny"):
            hint = f' (it is case-sensitive: "{effect.capitalize()}")'
        message = (
            f'Effect must be exactly "Allow" or "Deny", not {json.dumps(effect)}{hint}'
        )
        grammar.problem("invalid-effect", message, f"{path}.Effect")

    def pair(
        first: str, second: str, required: bool
    ) -> tuple[list[str] | None, list[str] | None]:
        has_first, has_second = first in item, second in item
        if has_first and has_second:
            message = f"a statement may have {first} or {second}, not both"
            grammar.problem(
                "conflicting-elements", message, f"{path}.{second}", key=True
            )
            return None, None
        if required and not has_first and not has_second:
            grammar.problem(
                "missing-element",
                f"the statement has neither {first} nor {second}",
                path,
            )
            return None, None
        a = (
            grammar.strings(item[first], f"{path}.{first}", first)
            if has_first
            else None
        )
        b = (
            grammar.strings(item[second], f"{path}.{second}", second)
            if has_second
            else None
        )
        return a, b

    action, not_action = pair("Action", "NotAction", True)
    for name, values in (("Action", action), ("NotAction", not_action)):
        for i, value in enumerate(values or ()):
            if value != "*" and ":" not in value:
                message = (
                    f'"{value}" is not an action: write it as service:Action '
                    '(e.g. "s3:GetObject")'
                )
                grammar.problem(
                    "invalid-action", message, _item_path(item, path, name, i)
                )
    if kind == "trust":
        for name in ("Resource", "NotResource"):
            if name in item:
                grammar.problem(
                    "forbidden-element",
                    f"a trust policy has no {name} element",
                    f"{path}.{name}",
                    key=True,
                )
        resource = not_resource = None
    else:
        resource, not_resource = pair("Resource", "NotResource", True)
    principal = not_principal = None
    if kind in WITH_PRINCIPAL:
        if kind == "trust" and "NotPrincipal" in item:
            grammar.problem(
                "forbidden-element",
                "NotPrincipal is not allowed in a trust policy",
                f"{path}.NotPrincipal",
                key=True,
            )
        elif "Principal" in item and "NotPrincipal" in item:
            grammar.problem(
                "conflicting-elements",
                "a statement may have Principal or NotPrincipal, not both",
                f"{path}.NotPrincipal",
                key=True,
            )
        elif "Principal" not in item and "NotPrincipal" not in item:
            grammar.problem(
                "missing-element", f"a {kind} policy statement needs a Principal", path
            )
        else:
            name = "Principal" if "Principal" in item else "NotPrincipal"
            entries = _check_principal(item[name], f"{path}.{name}", name, grammar)
            if name == "Principal":
                principal = entries
            else:
                not_principal = entries
    else:
        for name in ("Principal", "NotPrincipal"):
            if name in item:
                grammar.problem(
                    "forbidden-element",
                    f"{name} is only allowed in resource-based and trust policies, "
                    f"not in a {kind} policy",
                    f"{path}.{name}",
                    key=True,
                )
    conditions = (
        _check_conditions(
            item.get("Condition"), f"{path}.Condition", grammar, variables
        )
        if "Condition" in item
        else ()
    )
    if len(grammar.problems) > before:
        return None
    return Statement(
        index=index,
        path=path,
        effect=effect,
        sid=sid,
        action=tuple(action) if action is not None else None,
        not_action=tuple(not_action) if not_action is not None else None,
        resource=tuple(resource) if resource is not None else None,
        not_resource=tuple(not_resource) if not_resource is not None else None,
        principal=principal,
        not_principal=not_principal,
        conditions=conditions or (),
        variables=variables,
    )


def _item_path(item: Mapping[str, Any], path: str, name: str, index: int) -> str:
    return (
        f"{path}.{name}[{index}]"
        if isinstance(item.get(name), list)
        else f"{path}.{name}"
    )


def _check_principal(
    value: Any, path: str, element: str, grammar: _Grammar
) -> tuple[tuple[str, str], ...] | None:
    if value == "*":
        return (("*", "*"),)
    if not isinstance(value, dict):
        message = (
            f'{element} must be "*" or an object such as {{"AWS": "..."}}, '
            f"not {_json_type(value)}"
        )
        grammar.problem("invalid-principal", message, path)
        return None
    if not value:
        grammar.problem(
            "empty-value", f"{element} must name at least one principal", path
        )
        return None
    entries: list[tuple[str, str]] = []
    for key, names in value.items():
        key_path = f"{path}.{key}"
        if key not in PRINCIPAL_TYPES:
            message = (
                f'unknown principal type "{key}"; expected one of '
                f"{', '.join(PRINCIPAL_TYPES)}"
            )
            grammar.problem("invalid-principal", message, key_path, key=True)
            continue
        values = grammar.strings(names, key_path, f"{element} {key}")
        entries.extend((key, name) for name in values or ())
    return tuple(entries)


def _check_conditions(
    value: Any, path: str, grammar: _Grammar, variables: bool
) -> tuple[Condition, ...] | None:
    if not isinstance(value, dict):
        message = f"Condition must be an object of operators, not {_json_type(value)}"
        grammar.problem("invalid-condition", message, path)
        return None
    conditions: list[Condition] = []
    for operator_text, block in value.items():
        op_path = f"{path}.{operator_text}"
        operator = parse_operator(operator_text)
        if operator is None:
            suggestion = suggest_operator(operator_text)
            hint = f'; did you mean "{suggestion}"?' if suggestion else ""
            message = (
                f'unknown condition operator "{operator_text}" '
                f"(operators are case-sensitive){hint}"
            )
            grammar.problem("unknown-operator", message, op_path, key=True)
            continue
        if not isinstance(block, dict) or not block:
            message = f"{operator_text} must map condition keys to values"
            grammar.problem("invalid-condition", message, op_path)
            continue
        for key, raw in block.items():
            key_path = f"{op_path}.{key}"
            if not key:
                grammar.problem(
                    "invalid-condition", "a condition key is empty", key_path, key=True
                )
                continue
            values = raw if isinstance(raw, list) else [raw]
            if not values:
                grammar.problem(
                    "empty-list", f"{key} must list at least one value", key_path
                )
                continue
            texts = []
            for i, item in enumerate(values):
                if item is None or isinstance(item, (dict, list)):
                    item_path = (
                        f"{key_path}[{i}]" if isinstance(raw, list) else key_path
                    )
                    message = (
                        "condition values must be strings, numbers or booleans, "
                        f"not {_json_type(item)}"
                    )
                    grammar.problem("invalid-condition", message, item_path)
                else:
                    texts.append(value_text(item))
            if len(texts) == len(values):
                conditions.append(
                    Condition(
                        operator, key, tuple(texts), key_path, variables=variables
                    )
                )
    return tuple(conditions)

"""
Reading and writing content files (questions, exercises): YAML or JSON.

Reading keeps the line where each mapping starts, under the key LINE, so that
every problem the content apps find can name its line; `strip_lines` removes the
markers once a document is checked. JSON is read by the engine's strict reader
(iam.jsontext), which refuses duplicate keys, NaN and Infinity, lone surrogates
and deep nesting with a located problem, without recursion.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from iam.jsontext import JsonProblems, load_text

MAX_FILE_BYTES = 5 * 1024 * 1024
# A question or an exercise nests about a dozen levels at most.
MAX_DEPTH = 100
LINE = "__line__"

_NON_FINITE = re.compile(r"(NaN|-?Infinity) is not a JSON value")
_DUPLICATE_KEY = re.compile(r'duplicate key "(.*)" \(')


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file cannot be imported, with its line when known."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ImportFileError(Exception):
    """A file that cannot be imported; `problems` says every reason."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- reading ----------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line each mapping starts on, and refuses
    aliases: nested ones ("billion laughs") expand a few hundred bytes into
    billions of nodes, and content files have no need of them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases (*{event.anchor}) are not accepted; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def _json_problem(problem) -> ImportProblem:
    """The file reader's wording of a problem iam.jsontext found."""
    message = problem.message
    if problem.code == "too-deep":
        return ImportProblem(None, "The file nests far deeper than any question.")
    if problem.code == "invalid-character":
        if "U+0000" in message:
            return ImportProblem(None, "Text may not contain NUL characters.")
        if "surrogate" in message:
            return ImportProblem(None, "Text may not contain lone surrogates.")
        message = message.removesuffix(" in a policy")
    elif match := _NON_FINITE.fullmatch(message):
        return ImportProblem(
            None, f"Not valid: {match[1]} is not allowed in a question file."
        )
    elif match := _DUPLICATE_KEY.match(message):
        return ImportProblem(
            problem.line, f"Not valid: The key {match[1]!r} appears twice."
        )
    return ImportProblem(problem.line, f"Not valid JSON: {message}.")


def _json_with_lines(text: str):
    try:
        document, value_at, _, lines = load_text(
            text,
            max_chars=MAX_FILE_BYTES,
            max_depth=MAX_DEPTH,
            max_nodes=MAX_FILE_BYTES,  # every value takes a character: no limit
        )
    except JsonProblems as error:
        raise ImportFileError([_json_problem(p) for p in error.problems]) from error
    pending = [(document, "")]
    while pending:
        value, path = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                pending.append((item, f"{path}.{key}" if path else key))
            value[LINE] = lines.position(value_at[path])[0]
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
    return document


def check_strings(value: object) -> None:
    """Refuse NUL characters and lone surrogates anywhere in decoded JSON or YAML."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise ValueError("Text may not contain NUL characters.")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as error:
                raise ValueError("Text may not contain lone surrogates.") from error


def guess_format(name: str) -> str:
    """The format of a file from its name: yaml, json or gift."""
    suffix = Path(name).suffix.lower()
    return {".yml": "yaml", ".yaml": "yaml", ".json": "json", ".gift": "gift"}.get(
        suffix, "yaml"
    )


def decode_text(data: bytes | str) -> str:
    """A file's text: at most 5 MB, UTF-8, without NUL bytes."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            [ImportProblem(None, "The file is larger than 5 MB; split it.")]
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ImportFileError(
                [ImportProblem(line, "The file is not UTF-8 text.")]
            ) from error
    if "\x00" in data:
        line = data[: data.index("\x00")].count("\n") + 1
        raise ImportFileError([ImportProblem(line, "The file contains a NUL byte.")])
    return data


def read_document(data: bytes | str, *, format: str, key: str) -> dict:
    """Decode a YAML or JSON file into a document with a `key` list."""
    text = decode_text(data)
    try:
        if format == "json":
            document = _json_with_lines(text)
        else:
            document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise ImportFileError(
            [ImportProblem(line, f"Not valid YAML: {problem}.")]
        ) from error
    except RecursionError as error:
        raise ImportFileError(
            [ImportProblem(None, "The file nests far deeper than any question.")]
        ) from error
    except ValueError as error:  # a YAML value Python refuses, such as a bad date
        message = str(error).rstrip(".")
        raise ImportFileError(
            [ImportProblem(None, f"Not valid: {message}.")]
        ) from error
    return document_shaped(document, key=key)


def document_shaped(document: object, *, key: str) -> dict:
    """A decoded file as a mapping with a `key` list; a bare list is that list."""
    try:
        check_strings(document)
    except ValueError as error:
        raise ImportFileError([ImportProblem(None, str(error))]) from error
    if isinstance(document, list):
        document = {key: document}
    if not isinstance(document, dict) or not isinstance(document.get(key, []), list):
        raise ImportFileError(
            [ImportProblem(1, f"Expected a mapping with a '{key}' list.")]
        )
    return document


def strip_lines(value):
    """Remove the line markers reading added, recursively (iteratively deep)."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


# --- writing ----------------------------------------------------------------


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text (prompts, policies) as readable `|` blocks."""


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BlockDumper.add_representer(str, _represent_str)


def dump_document(document: dict, *, format: str) -> str:
    """Serialise a document as YAML or JSON."""
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(
        document,
        Dumper=_BlockDumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )

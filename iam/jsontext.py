"""A strict, iterative JSON reader that remembers where every value came from.

The standard ``json`` module accepts things a policy must not contain (duplicate
keys, NaN, lone surrogates, escaped NUL) and recurses on nesting. This reader walks
the text with an explicit stack, refuses those inputs with a located problem, and
records the offset of every value and key so later problems can cite line and column.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from typing import Any

from .problems import Problem

# What the reader accepts at all: bounds against abuse, not IAM's rules. They are
# generous, because real documents must never be refused: AWS's own largest
# managed policy (AWSSupportServiceRolePolicy) has 172,455 characters and 4,135
# values, and a policy nests at most about seven levels deep. IAM's size quotas
# (6,144 characters for a managed policy...) are lint's `policy-too-large`
# finding, and the Django layer keeps its own, smaller limit for submissions.
MAX_CHARS = 524_288
MAX_DEPTH = 32
MAX_NODES = 50_000

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*)"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


class LineIndex:
    """Turns character offsets into 1-based (line, column) pairs."""

    def __init__(self, text: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[index - 1] + 1 if index else 0
        return index + 1, offset - start + 1


class JsonProblems(Exception):
    """Internal: carries the problems of an unreadable document."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


def describe_char(char: str) -> str:
    """Names a character for a message: U+0000 (NUL) style."""
    names = {"\x00": " (NUL)", "\t": " (tab)", "\n": " (line feed)"}
    return f"U+{ord(char):04X}{names.get(char, '')}"


class _Reader:
    def __init__(
        self, text: str, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES
    ) -> None:
        self.text = text
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.lines = LineIndex(text)
        self.value_at: dict[str, int] = {}
        self.key_at: dict[str, int] = {}

    def fail(self, code: str, message: str, offset: int, path: str = "") -> None:
        line, column = self.lines.position(offset)
        raise JsonProblems([Problem(code, message, path, line, column)])

    def string(self, pos: int, path: str) -> tuple[str, int]:
        text = self.text
        match = _STRING.match(text, pos)
        if match is None:
            self._diagnose_string(pos, path)
        raw = match.group(1)
        value = json.loads(match.group(0)) if "\\" in raw else raw
        bad = _BAD_CHARS.search(value)
        if bad is not None:
            char = bad.group(0)
            if "\ud800" <= char <= "\udfff":
                message = f"lone surrogate {describe_char(char)} in a string"
                self.fail("invalid-character", message, pos, path)
            message = f"character {describe_char(char)} is not allowed in a policy"
            self.fail("invalid-character", message, pos, path)
        return value, match.end()

    def _diagnose_string(self, pos: int, path: str) -> None:
        text = self.text
        i = pos + 1
        n = len(text)
        while i < n:
            char = text[i]
            if char == '"':
                break
            if char == "\\":
                escape = text[i + 1 : i + 2]
                if escape == "u":
                    digits = text[i + 2 : i + 6]
                    if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                        self.fail("invalid-json", "bad \\u escape in string", i, path)
                    i += 6
                    continue
                if escape not in ('"', "\\", "/", "b", "f", "n", "r", "t"):
                    message = f"invalid escape \\{escape} in string"
                    self.fail("invalid-json", message, i, path)
                i += 2
                continue
            if char < " ":
                message = f"control character {describe_char(char)} inside a string"
                self.fail("invalid-character", message, i, path)
            i += 1
        self.fail("invalid-json", "unterminated string", pos, path)

    def parse(self) -> Any:
        text = self.text
        n = len(text)
        # Each frame: [container, path, index or keys-seen set]
        stack: list[list[Any]] = []
        nodes = 0
        pos = _WS.match(text, 0).end()
        path = ""
        root: Any = None
        while True:
            # Expecting a value at pos, for `path`.
            if pos >= n:
                self.fail("invalid-json", "unexpected end of text, expected a value", n)
            nodes += 1
            if nodes > self.max_nodes:
                self.fail("too-large", "the document has too many elements", pos, path)
            char = text[pos]
            self.value_at[path] = pos
            if char == "{" or char == "[":
                if len(stack) >= self.max_depth:
                    message = f"nesting deeper than {self.max_depth} levels"
                    self.fail("too-deep", message, pos, path)
                container: Any = {} if char == "{" else []
                pos = _WS.match(text, pos + 1).end()
                stack.append([container, path, set() if char == "{" else 0])
                closing = "}" if char == "{" else "]"
                if pos < n and text[pos] == closing:
                    pos += 1
                    stack.pop()
                    value = container
                elif char == "{":
                    path, pos = self._key(stack[-1], pos)
                    continue
                else:
                    path = f"{path}[0]"
                    continue
            elif char == '"':
                value, pos = self.string(pos, path)
            else:
                match = _NUMBER.match(text, pos)
                if match is not None and match.end() > pos:
                    number = match.group(0)
                    if any(c in number for c in ".eE"):
                        value = float(number)
                        if not math.isfinite(value):
                            message = f"number {number} is out of range"
                            self.fail("invalid-json", message, pos, path)
                    else:
                        value = int(number) if len(number) < 400 else float("inf")
                        if isinstance(value, float):
                            self.fail("invalid-json", "number is too long", pos, path)
                    pos = match.end()
                elif text.startswith("true", pos):
                    value, pos = True, pos + 4
                elif text.startswith("false", pos):
                    value, pos = False, pos + 5
                elif text.startswith("null", pos):
                    value, pos = None, pos + 4
                else:
                    for word in _NON_FINITE:
                        if text.startswith(word, pos):
                            message = f"{word} is not a JSON value"
                            self.fail("invalid-json", message, pos, path)
                    message = f"unexpected {self._shown(pos)}, expected a value"
                    self.fail("invalid-json", message, pos, path)
            # A complete value: attach it, then close as many containers as we can.
            while True:
                if not stack:
                    root = value
                    pos = _WS.match(text, pos).end()
                    if pos < n:
                        message = f"unexpected {self._shown(pos)} after the document"
                        self.fail("invalid-json", message, pos)
                    return root
                frame = stack[-1]
                container, parent_path, state = frame[0], frame[1], frame[2]
                if isinstance(container, dict):
                    container[frame[3]] = value
                else:
                    container.append(value)
                pos = _WS.match(text, pos).end()
                char = text[pos] if pos < n else ""
                closing = "}" if isinstance(container, dict) else "]"
                if char == ",":
                    pos = _WS.match(text, pos + 1).end()
                    if isinstance(container, dict):
                        path, pos = self._key(frame, pos)
                    else:
                        frame[2] = state + 1
                        path = f"{parent_path}[{state + 1}]"
                    break
                if char == closing:
                    pos += 1
                    stack.pop()
                    value = container
                    continue
                if not char:
                    message = f"unexpected end of text, expected ',' or '{closing}'"
                    self.fail("invalid-json", message, n)
                message = f"expected ',' or '{closing}' but found {self._shown(pos)}"
                if char == '"' or char in "{[":
                    message += " (a comma is probably missing before it)"
                self.fail("invalid-json", message, pos, parent_path)

    def _key(self, frame: list[Any], pos: int) -> tuple[str, int]:
        text = self.text
        parent_path = frame[1]
        if pos >= len(text) or text[pos] != '"':
            if pos < len(text) and text[pos] == "}":
                message = "trailing comma before '}'"
            else:
                message = f"expected a quoted key but found {self._shown(pos)}"
            self.fail("invalid-json", message, pos, parent_path)
        key, end = self.string(pos, parent_path)
        path = f"{parent_path}.{key}" if parent_path else key
        if key in frame[2]:
            message = f'duplicate key "{key}" (a later value would replace the first)'
            self.fail("duplicate-key", message, pos, path)
        frame[2].add(key)
        self.key_at[path] = pos
        pos = _WS.match(text, end).end()
        if pos >= len(text) or text[pos] != ":":
            message = f"expected ':' after key \"{key}\" but found {self._shown(pos)}"
            self.fail("invalid-json", message, pos, path)
        if len(frame) == 3:
            frame.append(key)
        else:
            frame[3] = key
        return path, _WS.match(text, pos + 1).end()

    def _shown(self, pos: int) -> str:
        if pos >= len(self.text):
            return "end of text"
        char = self.text[pos]
        if char.isprintable() and char != " ":
            return f"'{char}'"
        return describe_char(char)


def load_text(
    text: str,
    *,
    max_chars: int = MAX_CHARS,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> tuple[Any, dict[str, int], dict[str, int], LineIndex]:
    """Parses ``text``; returns the value, value and key offsets, and a line index.

    Raises ``JsonProblems`` with one located problem on the first error. The limits
    default to a policy's; other documents (question files) pass their own.
    """
    if len(text) > max_chars:
        message = (
            f"the document has {len(text):,} characters; at most {max_chars:,} "
            "can be read"
        )
        raise JsonProblems([Problem("too-large", message, "", 1, 1)])
    if not text.strip():
        raise JsonProblems([Problem("invalid-json", "the document is empty", "", 1, 1)])
    reader = _Reader(text, max_depth, max_nodes)
    value = reader.parse()
    return value, reader.value_at, reader.key_at, reader.lines


def check_plain(value: Any) -> Any:
    """Validates a Python value as JSON-like data without recursion; returns a copy.

    Refuses non-string keys, non-JSON types, non-finite floats, bad characters,
    cycles and excessive nesting.
    """
    problems: list[Problem] = []
    root_holder: list[Any] = [None]
    stack: list[tuple[Any, list[Any] | dict[str, Any], Any, str, int]] = [
        (value, root_holder, 0, "", 0)
    ]
    nodes = 0
    while stack and not problems:
        item, parent, slot, path, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            problems.append(Problem("too-large", "the document has too many elements"))
            break
        if isinstance(item, bool) or item is None or isinstance(item, int):
            copy: Any = item
        elif isinstance(item, float):
            if not math.isfinite(item):
                problems.append(
                    Problem("invalid-json", f"{item} is not a JSON value", path)
                )
                break
            copy = item
        elif isinstance(item, str):
            bad = _BAD_CHARS.search(item)
            if bad is not None:
                char = describe_char(bad.group(0))
                message = f"character {char} is not allowed in a policy"
                problems.append(Problem("invalid-character", message, path))
                break
            copy = item
        elif isinstance(item, (dict, list, tuple)):
            if depth >= MAX_DEPTH:
                message = f"nesting deeper than {MAX_DEPTH} levels"
                problems.append(Problem("too-deep", message, path))
                break
            if isinstance(item, dict):
                copy = {}
                for key in reversed(list(item)):
                    if not isinstance(key, str):
                        message = f"key {key!r} is not a string"
                        problems.append(Problem("invalid-json", message, path))
                        break
                    child = f"{path}.{key}" if path else key
                    stack.append((item[key], copy, key, child, depth + 1))
            else:
                copy = [None] * len(item)
                for index in range(len(item) - 1, -1, -1):
                    child = f"{path}[{index}]"
                    stack.append((item[index], copy, index, child, depth + 1))
        else:
            message = f"a {type(item).__name__} is not a JSON value"
            problems.append(Problem("invalid-json", message, path))
            break
        # Keys and items were pushed in reverse, so they arrive in document order.
        parent[slot] = copy
    if problems:
        raise JsonProblems(problems)
    return root_holder[0]

"""Wildcard matching for actions, resources and string conditions, in linear time.

A pattern is a sequence of pieces: literal text, ``*`` (any run of characters) and
``?`` (exactly one character). Every other character means itself. Matching splits
the pattern at each ``*`` into fixed-length segments and places them greedily from
the left, which is correct for fixed-length segments and never backtracks, so
``a*a*a*a*b`` against a long text answers at once (unlike a translated regex).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from operator import methodcaller

LITERAL = 0
STAR = 1
ONE = 2

Piece = tuple[int, str]


def pieces_of(pattern: str) -> list[Piece]:
    """Splits a plain pattern (no policy variables) into pieces."""
    pieces: list[Piece] = []
    start = 0
    for index, char in enumerate(pattern):
        if char == "*" or char == "?":
            if index > start:
                pieces.append((LITERAL, pattern[start:index]))
            pieces.append((STAR if char == "*" else ONE, char))
            start = index + 1
    if start < len(pattern):
        pieces.append((LITERAL, pattern[start:]))
    return pieces


class _Segment:
    """A run of pattern between two stars: fixed length, literal or with ``?``."""

    __slots__ = ("length", "literal", "regex")

    def __init__(self, pieces: Sequence[Piece]) -> None:
        if all(kind == LITERAL for kind, _ in pieces):
            self.literal: str | None = "".join(text for _, text in pieces)
            self.regex: re.Pattern[str] | None = None
            self.length = len(self.literal)
        else:
            self.literal = None
            source = "".join(
                re.escape(text) if kind == LITERAL else "." for kind, text in pieces
            )
            self.regex = re.compile(source, re.DOTALL)
            self.length = sum(
                len(text) if kind == LITERAL else 1 for kind, text in pieces
            )

    def at(self, text: str, start: int) -> bool:
        if self.literal is not None:
            return text.startswith(self.literal, start)
        assert self.regex is not None
        return self.regex.match(text, start, start + self.length) is not None

    def find(self, text: str, start: int, end: int) -> int:
        if self.literal is not None:
            return text.find(self.literal, start, end)
        assert self.regex is not None
        found = self.regex.search(text, start, end)
        return -1 if found is None else found.start()


class Glob:
    """A compiled wildcard pattern. ``Glob.match(text)`` is linear in ``text``.

    The common shapes get a direct test chosen once, at compile time: an exact
    text is compared, ``prefix*`` and ``*suffix`` become ``startswith`` and
    ``endswith``, ``*`` matches everything; other patterns place their segments.
    """

    __slots__ = ("source", "exact", "everything", "segments", "min_length", "match")

    def __init__(self, pieces: Iterable[Piece], *, lower: bool = False) -> None:
        pieces = [
            (kind, text.lower() if lower and kind == LITERAL else text)
            for kind, text in pieces
        ]
        self.source = "".join(text for _, text in pieces)
        segments: list[list[Piece]] = [[]]
        for kind, text in pieces:
            if kind == STAR:
                segments.append([])
            else:
                segments[-1].append((kind, text))
        self.everything = len(segments) > 1 and all(not s for s in segments)
        if len(segments) == 1 and all(kind == LITERAL for kind, _ in segments[0]):
            self.exact: str | None = "".join(text for _, text in segments[0])
        else:
            self.exact = None
        self.segments = [_Segment(s) for s in segments]
        self.min_length = sum(s.length for s in self.segments)
        self.match: Callable[[str], bool] = self._choose()

    def _choose(self) -> Callable[[str], bool]:
        if self.exact is not None:
            return self.exact.__eq__
        if self.everything:
            return _always
        if len(self.segments) == 2:
            first, last = self.segments
            if first.literal is not None and last.literal == "":
                return methodcaller("startswith", first.literal)
            if first.literal == "" and last.literal is not None:
                return methodcaller("endswith", last.literal)
        return self._match_segments

    def _match_segments(self, text: str) -> bool:
        segments = self.segments
        size = len(text)
        if size < self.min_length:
            return False
        if len(segments) == 1:
            return size == segments[0].length and segments[0].at(text, 0)
        first = segments[0]
        last = segments[-1]
        end = size - last.length
        if not first.at(text, 0) or not last.at(text, end):
            return False
        position = first.length
        for segment in segments[1:-1]:
            found = segment.find(text, position, end)
            if found < 0:
                return False
            position = found + segment.length
        return True

    def __repr__(self) -> str:
        return f"Glob({self.source!r})"


def _always(text: str) -> bool:
    return True


def glob(pattern: str, *, lower: bool = False) -> Glob:
    """Compiles a plain pattern where ``*`` and ``?`` are the only wildcards."""
    return Glob(pieces_of(pattern), lower=lower)


def split_arn(text: str) -> list[str] | None:
    """Splits an ARN into its six parts (the last may hold ``:`` and ``/``).

    Returns None when ``text`` is not shaped like an ARN.
    """
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts


class ArnGlob:
    """An ARN pattern matched part by part: a wildcard stays within its part.

    The sixth part (the resource) may itself contain ``:`` and ``/``, and a
    wildcard there spans them; in a pattern of fewer than six parts, the last part
    stands for the rest of the ARN. A pattern that does not start with ``arn:``
    (``*``) is matched against the whole text.
    """

    __slots__ = ("source", "parts", "whole", "checks")

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.source = "".join(text for _, text in pieces)
        parts: list[list[Piece]] = [[]]
        for kind, text in pieces:
            if kind == LITERAL and ":" in text and len(parts) < 6:
                chunks = text.split(":", 6 - len(parts))
                for index, chunk in enumerate(chunks):
                    if index:
                        parts.append([])
                    if chunk:
                        parts[-1].append((LITERAL, chunk))
            else:
                parts[-1].append((kind, text))
        starts_arn = parts[0] == [(LITERAL, "arn")]
        if starts_arn and len(parts) > 1:
            # With fewer than six parts, the last one covers the rest of the ARN.
            self.parts: list[Glob] | None = [Glob(p) for p in parts]
            self.whole: Glob | None = None
            # Only the parts that can fail need a test: a lone * matches any part.
            self.checks: tuple[tuple[int, Callable[[str], bool]], ...] = tuple(
                (index, part.match)
                for index, part in enumerate(self.parts)
                if not part.everything
            )
        else:
            self.parts = None
            self.whole = Glob(pieces)
            self.checks = ()

    def match(self, text: str, parts: Sequence[str] | None = None) -> bool:
        """Matches ``text``; ``parts`` may carry its precomputed ``split_arn``."""
        if self.whole is not None:
            return self.whole.match(text)
        if parts is None:
            parts = split_arn(text)
            if parts is None:
                return False
        return self.match_parts(parts)

    def match_parts(self, parts: Sequence[str]) -> bool:
        """Matches an ARN already split by ``split_arn`` (an ``arn:`` pattern only)."""
        assert self.parts is not None
        count = len(self.parts)
        if count < 6:
            parts = [*parts[: count - 1], ":".join(parts[count - 1 :])]
        for index, test in self.checks:
            if not test(parts[index]):
                return False
        return True

    def __repr__(self) -> str:
        return f"ArnGlob({self.source!r})"

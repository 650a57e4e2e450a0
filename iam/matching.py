"""Wildcard matching for actions, resources and string conditions, in linear time.

A pattern is a sequence of pieces: literal text, ``*`` (any run of characters) and
``?`` (exactly one character). Every other character means itself.

The pattern splits at each ``*`` into fixed-length segments. The first segment
must start the text and the last must end it; each one in between can be placed
at its first occurrence after the previous one, because a later occurrence never
leaves more room for what follows. That greedy placement never backtracks, so
``a*a*a*a*b`` against a long text answers at once. Patterns compile to one
regular expression that does exactly this: each middle segment is an atomic
group ``(?>.*?segment)``, which finds the first occurrence and cannot be
revisited, so the match stays linear in the text and runs inside ``re``.
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


def _segments(pieces: Iterable[Piece]) -> list[list[Piece]]:
    """The runs of pieces between stars (empty runs included)."""
    segments: list[list[Piece]] = [[]]
    for kind, text in pieces:
        if kind == STAR:
            segments.append([])
        else:
            segments[-1].append((kind, text))
    return segments


def _regex_source(pieces: Iterable[Piece], any_char: str) -> str:
    """Regular expression text for a pattern; ``any_char`` is what ``?`` means.

    ``*`` means any run of ``any_char``. Middle segments are atomic groups around
    a lazy run, so each lands on its first occurrence and is never moved again.
    """
    segments = _segments(pieces)

    def fixed(segment: list[Piece]) -> str:
        return "".join(
            re.escape(text) if kind == LITERAL else any_char for kind, text in segment
        )

    if len(segments) == 1:
        return fixed(segments[0])
    middle = "".join(f"(?>{any_char}*?{fixed(s)})" for s in segments[1:-1])
    return f"{fixed(segments[0])}{middle}{any_char}*{fixed(segments[-1])}"


class Glob:
    """A compiled wildcard pattern. ``Glob.match(text)`` is linear in ``text``.

    The common shapes get a direct test chosen once, at compile time: an exact
    text is compared, ``prefix*`` and ``*suffix`` become ``startswith`` and
    ``endswith``, ``*`` matches everything; other patterns use the regular
    expression described in the module docstring.
    """

    __slots__ = ("source", "exact", "everything", "match")

    def __init__(self, pieces: Iterable[Piece], *, lower: bool = False) -> None:
        pieces = [
            (kind, text.lower() if lower and kind == LITERAL else text)
            for kind, text in pieces
        ]
        self.source = "".join(text for _, text in pieces)
        segments = _segments(pieces)
        self.everything = len(segments) > 1 and all(not s for s in segments)
        self.exact: str | None = None
        if all(kind == LITERAL for kind, _ in pieces):
            self.exact = self.source
        self.match: Callable[[str], bool] = self._choose(pieces, segments)

    def _choose(
        self, pieces: list[Piece], segments: list[list[Piece]]
    ) -> Callable[[str], bool]:
        if self.exact is not None:
            return self.exact.__eq__
        if self.everything:
            return _always
        if len(segments) == 2:
            first, last = segments
            if not last and all(kind == LITERAL for kind, _ in first):
                return methodcaller("startswith", "".join(t for _, t in first))
            if not first and all(kind == LITERAL for kind, _ in last):
                return methodcaller("endswith", "".join(t for _, t in last))
        fullmatch = re.compile(_regex_source(pieces, "."), re.DOTALL).fullmatch
        return lambda text: fullmatch(text) is not None

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


def split_arn_pieces(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Split a pattern's pieces at the first five colons into ARN parts (the
    last part keeps its colons); a pattern that is no ARN gives fewer parts."""
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
    return parts


class ArnGlob:
    """An ARN pattern matched part by part: a wildcard stays within its part.

    The sixth part (the resource) may itself contain ``:`` and ``/``, and a
    wildcard there spans them; in a pattern of fewer than six parts, the last part
    stands for the rest of the ARN. A pattern that does not start with ``arn:``
    (``*``) is matched against the whole text (``whole``). An ``arn:`` pattern
    compiles to one regular expression (``fullmatch``) in which a wildcard of the
    first parts cannot cross a ``:``; it only applies to a text that is an ARN.
    """

    __slots__ = ("source", "whole", "fullmatch")

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.source = "".join(text for _, text in pieces)
        parts = split_arn_pieces(pieces)
        starts_arn = parts[0] == [(LITERAL, "arn")]
        self.whole: Glob | None = None
        self.fullmatch: Callable[[str], re.Match[str] | None] | None = None
        if starts_arn and len(parts) > 1:
            # With fewer than six parts, the last one covers the rest of the ARN.
            last = len(parts) - 1
            source = ":".join(
                _regex_source(part, "." if index == last else "[^:]")
                for index, part in enumerate(parts)
            )
            self.fullmatch = re.compile(source, re.DOTALL).fullmatch
        else:
            self.whole = Glob(pieces)

    def match(self, text: str, parts: Sequence[str] | None = None) -> bool:
        """Matches ``text``; ``parts`` may carry its precomputed ``split_arn``."""
        if self.whole is not None:
            return self.whole.match(text)
        if parts is None and split_arn(text) is None:
            return False
        assert self.fullmatch is not None
        return self.fullmatch(text) is not None

    def __repr__(self) -> str:
        return f"ArnGlob({self.source!r})"

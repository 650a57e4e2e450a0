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
from functools import lru_cache
from operator import methodcaller
from typing import Any

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


# Regions: which combinations of patterns a family of texts can realize.
#
# A pattern is turned into a sequence of tokens, each a literal character, ``?``
# or ``*``; a wildcard token carries the characters it may not match (``:`` in
# the first five parts of an ARN pattern, as ``ArnGlob`` has it). The set of
# positions a pattern can be at after reading a text is a state of its
# (deterministic, subset-built) automaton; the product of those states over every
# pattern, walked breadth first over the characters the patterns mention plus one
# character none of them names, reaches every combination of "matches these and
# not those" that any text can give, and the path there is a shortest witness.

Token = tuple[int, str]
# Readable characters tried in turn as the one no pattern names.
_FRESH = "xyzqkwvjXYZQ0123456789-_"


def glob_tokens(pieces: Iterable[Piece], excluded: str = "") -> list[Token]:
    """Tokens of a plain pattern; wildcards never match a character of ``excluded``."""
    tokens: list[Token] = []
    for kind, text in pieces:
        if kind == LITERAL:
            tokens.extend((LITERAL, char) for char in text)
        else:
            tokens.append((kind, excluded))
    return tokens


def arn_tokens(pieces: Sequence[Piece]) -> list[Token]:
    """Tokens of a Resource pattern, with the meaning ``ArnGlob`` gives it."""
    parts = split_arn_pieces(pieces)
    if parts[0] != [(LITERAL, "arn")] or len(parts) == 1:
        return glob_tokens(pieces)
    tokens: list[Token] = []
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if index:
            tokens.append((LITERAL, ":"))
        tokens.extend(glob_tokens(part, "" if index == last else ":"))
    return tokens


def _closed(tokens: Sequence[Token], states: Iterable[int]) -> frozenset[int]:
    """The positions reachable by letting each ``*`` match nothing."""
    found = set()
    for state in states:
        while state not in found:
            found.add(state)
            if state < len(tokens) and tokens[state][0] == STAR:
                state += 1
            else:
                break
    return frozenset(found)


def _step(tokens: Sequence[Token], states: frozenset[int], char: str) -> frozenset[int]:
    moved = []
    for state in states:
        if state == len(tokens):
            continue
        kind, text = tokens[state]
        if kind == LITERAL:
            if text == char:
                moved.append(state + 1)
        elif char not in text:
            moved.append(state if kind == STAR else state + 1)
    return _closed(tokens, moved)


def fresh_character(tokens: Iterable[Sequence[Token]]) -> str:
    """A readable character that no token names."""
    named = {text for sequence in tokens for kind, text in sequence if kind == LITERAL}
    return next(
        c for c in _FRESH + "".join(map(chr, range(0x100, 0x200))) if c not in named
    )


@lru_cache(maxsize=4096)
def region_witnesses(
    domain: tuple[Token, ...], patterns: tuple[tuple[Token, ...], ...], limit: int
) -> tuple[dict[tuple[bool, ...], str], bool]:
    """One shortest text of ``domain`` per combination of ``patterns`` it matches.

    Returns (combination -> witness, complete); ``complete`` is False when more
    than ``limit`` product states were needed (the regions found are then a part).
    Cached: graders compare many submissions with the same reference. Do not
    change the dictionary returned.
    """
    everything = [domain, *patterns]
    fresh = fresh_character(everything)
    if not patterns:  # one region: the domain filled with the fresh character
        text = "".join(fresh if k == ONE else "" if k == STAR else t for k, t in domain)
        return {(): text}, True
    start = tuple(_closed(sequence, (0,)) for sequence in everything)
    parent: dict[tuple[frozenset[int], ...], tuple[Any, str] | None] = {start: None}
    queue = [start]
    found: dict[tuple[bool, ...], str] = {}
    ends = [len(sequence) for sequence in everything]
    steps: list[dict[tuple[frozenset[int], str], frozenset[int]]] = [
        {} for _ in everything
    ]

    def step(index: int, states: frozenset[int], char: str) -> frozenset[int]:
        key = (states, char)
        cached = steps[index].get(key)
        if cached is None:
            cached = steps[index][key] = _step(everything[index], states, char)
        return cached

    for state in queue:
        if ends[0] in state[0]:
            signature = tuple(e in s for e, s in zip(ends[1:], state[1:], strict=True))
            if signature not in found:
                found[signature] = _path(parent, state)
        for char in _next_characters(everything, state, fresh):
            head = step(0, state[0], char)
            if not head:
                continue
            following = (
                head,
                *(
                    step(index, states, char)
                    for index, states in enumerate(state[1:], 1)
                ),
            )
            if following not in parent:
                if len(parent) >= limit:
                    return found, False
                parent[following] = (state, char)
                queue.append(following)
    return found, True


def _next_characters(
    everything: Sequence[Sequence[Token]], state: tuple[frozenset[int], ...], fresh: str
) -> list[str]:
    """The characters worth trying from a product state.

    A character that no position of the state names (as its literal, or as one a
    wildcard there may not match) moves every automaton as ``fresh`` does, so
    only ``fresh`` and the named ones are tried; only the literal ones when the
    first automaton (the domain) has no wildcard among its positions.
    """
    literal: set[str] = set()
    named: set[str] = set()
    for index, (tokens, states) in enumerate(zip(everything, state, strict=True)):
        for position in states:
            if position < len(tokens):
                kind, text = tokens[position]
                if kind == LITERAL:
                    (literal if index == 0 else named).add(text)
                elif index == 0:
                    return [fresh, *sorted(_named_here(everything, state) - {fresh})]
                else:
                    named.update(text)
    return sorted(literal)


def _named_here(
    everything: Sequence[Sequence[Token]], state: tuple[frozenset[int], ...]
) -> set[str]:
    named: set[str] = set()
    for tokens, states in zip(everything, state, strict=True):
        for position in states:
            if position < len(tokens):
                named.update(tokens[position][1])
    return named


def _path(parent: dict[Any, tuple[Any, str] | None], state: Any) -> str:
    chars = []
    link = parent[state]
    while link is not None:
        state, char = link
        chars.append(char)
        link = parent[state]
    return "".join(reversed(chars))

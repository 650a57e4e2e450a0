"""
Read Moodle GIFT question files into our question format (docs/question-format.md).

GIFT is the plain-text format of Moodle's question bank. The rules here follow
Moodle's own importer (``question/format/gift/format.php``) and the "GIFT format"
page of docs.moodle.org:

- Questions are separated by blank lines. Lines whose first non-blank characters
  are ``//`` are comments. A UTF-8 byte order mark and CRLF or CR line endings are
  accepted.
- ``\\~ \\= \\# \\{ \\} \\:`` stand for the literal character, ``\\n`` for a line
  break and ``\\\\`` for a backslash; any other backslash is kept as it is.
- ``::Title::`` names a question; its slugified form is the question's ``slug``.
  Without a title the slug comes from the first words of the prompt (HTML tags
  left out). Slugs are made unique within the file with ``-2``, ``-3``, ...
- A block that starts with ``$CATEGORY: path`` sets the topic of the questions that
  follow, by the rule both Moodle formats share (quizzes/moodle.py): the last
  segment of the path names the topic and, slugified, is its slug; Moodle's
  ``$course$``-style context markers and its root ``top`` are not topics, and an
  empty path clears it. Lines after the category line in the same block are
  read as a question.
- ``[markdown]``, ``[html]``, ``[plain]`` and ``[moodle]`` at the start of a piece
  of text are removed; the text is kept as written (the prompt is Markdown, which
  allows inline HTML).

How GIFT questions become ours, deciding the kind of question in Moodle's order:

- ``{~a =b ~c}``, with exactly one ``=`` answer, is ``single``; ``~`` answers are
  wrong, and a ``~%-50%`` penalty is read as plain wrong.
- ``{~%50%a ~%50%b ~%-100%c}``, with no ``=`` answer, is ``multiple``: positive
  weights are correct, zero or negative ones wrong. Positive weights must add up to
  100, as Moodle requires; our scoring gives every correct option the same share.
- ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` (upper case, as in Moodle; ``{true}`` is
  a short answer there and here) is ``true_false``.
- ``{=a =b}`` or ``{a}`` is ``short`` with ``accepted_answers``; a weight other
  than ``%100%`` is refused because we have no partial credit.
- ``{#2}`` is ``numerical`` with ``answer: 2``; ``{#2:0.5}`` adds a
  ``tolerance`` of 0.5; ``{#1..3}`` is a range, read as its midpoint (2) give
  or take half its width (1). ``{#=2:0 =%0%3#Not 3. ~#Count again.}`` lists
  answers: exactly one must be at 100% (a second is refused: we keep one
  number and a tolerance), answers at 0% or below only add their feedback,
  and any other weight is refused as partial credit. The feedback after ``~``
  (Moodle's "any other answer") is added to the explanation.

A question's ``explanation`` is the general feedback (``####...``) followed by
answer feedback that has no other place in our format (the ``#...`` of a
true/false, short-answer or numerical question), separated by blank lines,
without repeats.
Choice feedback stays on its choice; when there is no general feedback, the
feedback of the correct choices becomes the explanation. A question with no
feedback at all imports with an empty explanation, and the admin lists it as
needing one.

Refused, each with a problem saying the type is not supported by this trainer,
unless ``read_gift`` is asked to skip them: matching (``->``), essay (``{}``),
missing-word questions (text after the answer block, or a second block) and
description items (no answer block). Also refused: several ``=`` answers in a
multiple choice, partial credit on single-choice, short-answer or numerical
questions, a numerical answer that is no number, unbalanced or nested braces, a
``::Title`` with no closing ``::``, empty answers, answers longer than 500
characters (``Choice.text``), ``*`` wildcards in short answers (we match
literally), files over 2 MB (counted in UTF-8 bytes) and files with more than
5,000 questions.

``parse_gift`` does not stop at the first problem: it reads every question and
raises ``GiftError`` with all the problems, in line order, stopping only after
500 of them. Lines are 1-based. A problem with a whole question (its type, its
missing text or explanation) points at the question's first line after any
comments; a problem with one answer, weight or brace points at that line. The
reader uses no recursion, and its time is linear in the size of the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .moodle import (
    MAX_SLUG_LENGTH,
    Category,
    category_from_path,
    category_register,
    join_unique,
    make_slugs_unique,
    slugify,
    unsupported_message,
)
from .validation import file_decimal, number_value

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_QUESTIONS",
    "GiftBank",
    "GiftError",
    "GiftProblem",
    "parse_gift",
    "read_gift",
    "slugify",
]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 5000
MAX_PROBLEMS = 500
MAX_CHOICE_TEXT = 500  # Choice.text
_SLUG_BASE_LENGTH = MAX_SLUG_LENGTH - 6  # room for a "-NNNNN" suffix
_PROMPT_SLUG_WORDS = 8

_ESCAPE = re.compile(r"\\([~=#{}:\\n])")
_CHOICE_MARKERS = re.compile("[~=]")
_EQUALS = re.compile("=")
_HASH = re.compile("#")
_FORMAT_MARKER = re.compile(r"\[(markdown|html|plain|moodle)\]")
_WEIGHT = re.compile(r"%([^%\n]*)%")
_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d*)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class GiftProblem:
    """Something wrong in a GIFT file: the 1-based line where it is, and what."""

    line: int
    message: str
    # A question of a type we cannot represent: skipped on request.
    unsupported: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class GiftBank:
    """
    What ``read_gift`` found: the questions, the unsupported questions it
    skipped (only when asked to), and the category of each topic slug.
    """

    questions: list[dict]
    skipped: list[GiftProblem] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)


class GiftError(ValueError):
    """Raised by ``parse_gift``; ``problems`` lists every problem, in file order."""

    def __init__(self, problems: list[GiftProblem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def parse_gift(text: str) -> list[dict]:
    """
    Parse a GIFT file into question dicts in our question format.

    Each dict has ``slug``, ``type``, ``prompt``, ``explanation``, ``difficulty``
    (always 1: GIFT has no difficulty), ``topics`` and the fields of its type:
    ``choices`` (single, multiple), ``answer`` (true_false) or
    ``accepted_answers`` (short). Raises ``GiftError`` listing every problem when
    anything in the file is wrong or not supported; see the module docstring.
    """
    return read_gift(text).questions


def read_gift(text: str, *, skip_unsupported: bool = False) -> GiftBank:
    """
    Parse a GIFT file like ``parse_gift``; with ``skip_unsupported`` a question
    of a type we cannot represent is left out and listed in ``skipped`` instead
    of being a problem. Other problems still raise ``GiftError``.
    """
    if len(text) > MAX_FILE_BYTES or (
        len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES
    ):
        raise GiftError([GiftProblem(1, "the file is larger than 2 MB; split it")])
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    problems: list[GiftProblem] = []
    questions: list[dict] = []
    topics: list[str] = []
    categories: dict[str, Category] = {}
    count = 0
    for block in _blocks(text.split("\n")):
        if block.syntax.startswith("$CATEGORY:"):
            end = block.syntax.find("\n")
            end = len(block.text) if end < 0 else end
            category = category_from_path(block.text[len("$CATEGORY:") : end])
            topics = []
            if category:
                category = replace(category, line=block.line_at(0))
                topics = [category_register(categories, category).slug]
            block = block.slice(end, len(block.text)).stripped()
            if not block.text:
                continue
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                GiftProblem(
                    block.line_at(0),
                    f"stopped reading after {MAX_PROBLEMS} problems",
                )
            )
            break
        count += 1
        if count > MAX_QUESTIONS:
            problems.append(
                GiftProblem(
                    block.line_at(0),
                    f"more than {MAX_QUESTIONS:,} questions; split the file",
                )
            )
            break
        question = _Question(block, problems).read()
        if question is not None:
            question["topics"] = list(topics)
            questions.append(question)

    skipped = [p for p in problems if p.unsupported] if skip_unsupported else []
    problems = [p for p in problems if p not in skipped]
    if problems:
        raise GiftError(problems)
    make_slugs_unique(questions)
    return GiftBank(questions, skipped, categories)


class _Text:
    """
    Question text with its escapes resolved.

    ``syntax`` is ``text`` with every escaped character blanked to NUL, so that
    searching it finds only real syntax; NUL is never syntax, so one in the input
    does no harm. ``text[0]`` sits at ``base`` in its block, whose lines start at
    the offsets ``starts`` and have the file line numbers ``numbers`` (a line break
    belongs to the line it ends).
    """

    __slots__ = ("base", "numbers", "starts", "syntax", "text")

    def __init__(
        self, text: str, syntax: str, base: int, starts: list[int], numbers: list[int]
    ) -> None:
        self.text = text
        self.syntax = syntax
        self.base = base
        self.starts = starts
        self.numbers = numbers

    @classmethod
    def decode(cls, numbered_lines: list[tuple[int, str]]) -> _Text:
        texts: list[str] = []
        syntaxes: list[str] = []
        starts: list[int] = []
        numbers: list[int] = []
        length = 0
        for position, (number, line) in enumerate(numbered_lines):
            if position:
                texts.append("\n")
                syntaxes.append("\n")
                length += 1
            starts.append(length)
            numbers.append(number)
            if "\\" in line:
                # The split's odd parts are the escaped characters.
                parts = _ESCAPE.split(line)
                escapes = parts[1::2]
                parts[1::2] = ["\0"] * len(escapes)
                syntaxes.append("".join(parts))
                parts[1::2] = ["\n" if char == "n" else char for char in escapes]
                line = "".join(parts)
            else:
                syntaxes.append(line)
            texts.append(line)
            length += len(line)
        return cls("".join(texts), "".join(syntaxes), 0, starts, numbers)

    def line_at(self, index: int) -> int:
        """The file line of ``text[index]``, clamped to the text."""
        index = min(max(index, 0), max(len(self.text) - 1, 0))
        return self.numbers[bisect_right(self.starts, self.base + index) - 1]

    def slice(self, start: int, end: int) -> _Text:
        start = min(max(start, 0), len(self.text))
        end = min(max(end, start), len(self.text))
        return _Text(
            self.text[start:end],
            self.syntax[start:end],
            self.base + start,
            self.starts,
            self.numbers,
        )

    def stripped(self) -> _Text:
        start, end = self.strip_range(0, len(self.text))
        if start == 0 and end == len(self.text):
            return self
        return self.slice(start, end)

    def split(self, pattern: re.Pattern[str]) -> list[tuple[str, int, int]]:
        """
        Split at the syntax characters matched by ``pattern``.

        Returns [(marker, start, end)]: each marker with the stripped range of text
        after it, up to the next marker. The text before the first marker comes
        first, with an empty marker.
        """
        pieces: list[tuple[str, int, int]] = []
        marker, start = "", 0
        for match in pattern.finditer(self.syntax):
            index = match.start()
            pieces.append((marker, *self.strip_range(start, index)))
            marker, start = match.group(), index + 1
        pieces.append((marker, *self.strip_range(start, len(self.text))))
        return pieces

    def strip_range(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) without surrounding white space; empty stays at start."""
        piece = self.text[start:end]
        stripped = piece.strip()
        if not stripped:
            return start, start
        begin = start + len(piece) - len(piece.lstrip())
        return begin, begin + len(stripped)


def _blocks(lines: list[str]) -> list[_Text]:
    """Question blocks: runs of non-blank lines, comment lines left out."""
    blocks: list[_Text] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not line.lstrip().startswith("//"):
                current.append((number, line))
        elif current:
            blocks.append(_Text.decode(current).stripped())
            current = []
    return [block for block in blocks if block.text]


def _clean(text: str, *, per_line: bool = False) -> str:
    """
    Strip a piece of text and its leading format marker.

    ``per_line`` strips every line too: inside an answer block, indentation is
    layout, not Markdown.
    """
    if per_line and "\n" in text:
        text = "\n".join(line.strip() for line in text.split("\n"))
    text = text.strip()
    marker = _FORMAT_MARKER.match(text) if text.startswith("[") else None
    if marker:
        text = text[marker.end() :].strip()
    return text


class _Question:
    """Reads one question block; adds what is wrong to ``problems``."""

    def __init__(self, block: _Text, problems: list[GiftProblem]) -> None:
        self.block = block
        self.problems = problems
        self.first_line = block.line_at(0)
        self.ok = True

    def problem(self, line: int, message: str, *, unsupported: bool = False) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(GiftProblem(line, message, unsupported))
        self.ok = False

    def unsupported(self, kind: str) -> None:
        self.problem(self.first_line, unsupported_message(kind), unsupported=True)

    def read(self) -> dict | None:
        block = self.block
        title = ""
        if block.syntax.startswith("::"):
            close = block.syntax.find("::", 2)
            if close < 0:
                self.problem(self.first_line, "the title has no closing ::")
                return None
            title = block.text[2:close].strip()
            block = block.slice(close + 2, len(block.text)).stripped()

        opening, closing = block.syntax.find("{"), block.syntax.find("}")
        if opening < 0 and closing < 0:
            self.unsupported("description items (text with no {...} answer block)")
            return None
        if closing < 0:
            self.problem(block.line_at(opening), "{ is never closed by }")
            return None
        if opening < 0 or closing < opening:
            self.problem(
                block.line_at(closing), "} with no { before it; escape it as \\}"
            )
            return None
        nested = block.syntax.find("{", opening + 1, closing)
        if nested >= 0:
            self.problem(
                block.line_at(nested),
                "{ inside the answer block; escape it as \\{",
            )
            return None

        after = block.slice(closing + 1, len(block.text)).stripped()
        extra = min(
            (
                index
                for index in (after.syntax.find("{"), after.syntax.find("}"))
                if index >= 0
            ),
            default=-1,
        )
        if extra >= 0:
            self.problem(
                after.line_at(extra),
                "a second answer block: "
                + unsupported_message("missing-word and cloze questions"),
                unsupported=True,
            )
            return None
        if after.text:
            self.unsupported(
                "missing-word questions (text after the {...} answer block)"
            )
            return None

        prompt = _clean(block.text[:opening])
        if not prompt:
            self.problem(self.first_line, "the question has no text before {")

        answers = block.slice(opening + 1, closing).stripped()
        general_feedback = ""
        separator = answers.syntax.rfind("####")
        if separator >= 0:
            general_feedback = _clean(answers.text[separator + 4 :], per_line=True)
            answers = answers.slice(0, separator).stripped()

        fields = self.read_answers(answers, block.line_at(opening))
        if fields is None or not self.ok:
            return None
        answer_feedback = fields.pop("_feedback")
        if fields.pop("_feedback_is_fallback") and general_feedback:
            answer_feedback = []
        explanation = join_unique([general_feedback, *answer_feedback])
        return {
            "slug": self.slug_base(title, prompt),
            "type": fields.pop("type"),
            "prompt": prompt,
            "explanation": explanation,
            "difficulty": 1,
            "topics": [],
            **fields,
        }

    def read_answers(self, answers: _Text, line: int) -> dict | None:
        """Type-specific fields and ``_feedback``, or None after a problem."""
        if not answers.text:
            self.unsupported("essay questions ({})")
            return None
        if answers.syntax[0] == "#":
            return self.read_numerical(answers.slice(1, len(answers.text)), line)
        if answers.syntax.find("~") >= 0:
            return self.read_choices(answers)
        if answers.syntax.find("=") >= 0 and "->" in answers.text:
            self.unsupported("matching questions (=item -> match)")
            return None
        hash_index = answers.syntax.find("#")
        head = answers.text if hash_index < 0 else answers.text[:hash_index]
        if head.strip() in _TRUE_FALSE:
            return self.read_true_false(answers)
        return self.read_short(answers, line)

    def read_true_false(self, answers: _Text) -> dict:
        parts = [answers.text[start:end] for _, start, end in answers.split(_HASH)]
        value = _TRUE_FALSE[parts[0]]
        # Like Moodle: the answer, the feedback for a wrong response, then the
        # feedback for a right one, which keeps any further #.
        feedback = [
            _clean(part, per_line=True) for part in (parts[1:2] + ["#".join(parts[2:])])
        ]
        return {
            "type": "true_false",
            "answer": value,
            "_feedback": feedback,
            "_feedback_is_fallback": False,
        }

    def read_choices(self, answers: _Text) -> dict | None:
        pieces = answers.split(_CHOICE_MARKERS)
        _, start, end = pieces[0]
        if end > start:
            self.problem(
                answers.line_at(start),
                "text before the first answer; start each answer with ~ or =",
            )
        choices: list[dict] = []
        weights: list[float] = []
        has_equals = False
        for marker, start, end in pieces[1:]:
            if len(self.problems) >= MAX_PROBLEMS:
                break
            has_equals = has_equals or marker == "="
            parsed = self.weight(answers, start, end, 100.0 if marker == "=" else 0.0)
            if parsed is None:
                continue
            weight, skip = parsed
            choice_text, feedback = _text_and_feedback(answers, start + skip, end)
            if not choice_text:
                self.problem(answers.line_at(start), "an empty answer")
                continue
            if len(choice_text) > MAX_CHOICE_TEXT:
                self.problem(
                    answers.line_at(start),
                    f"an answer longer than {MAX_CHOICE_TEXT} characters",
                )
            choices.append(
                {"text": choice_text, "correct": weight > 0, "feedback": feedback}
            )
            weights.append(weight)
        if not self.ok:
            return None
        line = answers.line_at(0)
        if len(choices) < 2:
            self.problem(line, "a multiple-choice question needs at least two answers")
            return None
        if has_equals:
            if weights.count(100.0) > 1:
                self.problem(
                    line,
                    "several = answers: a single-choice question has exactly one; "
                    "for several correct answers use ~%50% weights and no =",
                )
                return None
            if any(0 < weight < 100 for weight in weights):
                self.problem(
                    line,
                    "partial credit (~%n%) next to an = answer is not supported "
                    "by this trainer",
                )
                return None
            question_type = "single"
        else:
            total = sum(weight for weight in weights if weight > 0)
            if total == 0:
                self.problem(line, "no correct answer: mark one with = or ~%n%")
                return None
            if abs(total - 100) > 0.05:
                self.problem(
                    line, f"the positive weights add up to {total:g}%, not 100%"
                )
                return None
            question_type = "multiple"
        feedback = [choice["feedback"] for choice in choices if choice["correct"]]
        return {
            "type": question_type,
            "choices": choices,
            "_feedback": feedback,
            "_feedback_is_fallback": True,
        }

    def read_short(self, answers: _Text, line: int) -> dict | None:
        pieces = answers.split(_EQUALS)
        if pieces[0][2] == pieces[0][1]:
            pieces = pieces[1:]
        accepted: list[str] = []
        feedback: list[str] = []
        for _, start, end in pieces:
            if len(self.problems) >= MAX_PROBLEMS:
                break
            answer_line = answers.line_at(start)
            parsed = self.weight(answers, start, end)
            if parsed is None:
                continue
            weight, skip = parsed
            if weight != 100:
                self.problem(
                    answer_line,
                    f"a short answer weighted {weight:g}%: partial credit is not "
                    "supported by this trainer",
                )
                continue
            answer, answer_feedback = _text_and_feedback(answers, start + skip, end)
            answer = " ".join(answer.split())
            if not answer:
                self.problem(answer_line, "an empty answer")
                continue
            if "*" in answer:
                self.problem(
                    answer_line,
                    "* is a wildcard in Moodle short answers; this trainer "
                    "matches answers literally",
                )
                continue
            accepted.append(answer)
            feedback.append(answer_feedback)
        if not self.ok:
            return None
        if not accepted:
            self.problem(line, "a short-answer question needs an answer")
            return None
        return {
            "type": "short",
            "accepted_answers": accepted,
            "_feedback": feedback,
            "_feedback_is_fallback": False,
        }

    def read_numerical(self, answers: _Text, line: int) -> dict | None:
        """
        ``{#2}``, ``{#2:0.5}`` (a tolerance), ``{#1..3}`` (a range: its midpoint,
        give or take half its width), or ``{#=2:0 =%0%3 ~#feedback}`` with one
        answer at 100%; wrong answers (0% or less) only add their feedback.
        """
        feedback: list[str] = []
        other_feedback = ""  # for any other answer, after ~
        wrong = answers.syntax.find("~")
        if wrong >= 0:
            end = len(answers.text)
            _, other_feedback = _text_and_feedback(answers, wrong + 1, end)
            answers = answers.slice(0, wrong)
        pieces = answers.split(_EQUALS)
        if pieces[0][2] == pieces[0][1]:
            pieces = pieces[1:]
        right: list[tuple[Decimal, Decimal]] = []
        for _, start, end in pieces:
            answer_line = answers.line_at(start)
            parsed = self.weight(answers, start, end)
            if parsed is None:
                continue
            weight, skip = parsed
            text, answer_feedback = _text_and_feedback(answers, start + skip, end)
            if 0 < weight < 100:
                self.problem(
                    answer_line,
                    f"a numerical answer weighted {weight:g}%: partial credit is "
                    "not supported by this trainer",
                )
                continue
            if weight <= 0:
                feedback.append(answer_feedback)
                continue
            number = self.number_and_tolerance(text, answer_line)
            if number is None:
                continue
            if right:
                self.problem(
                    answer_line,
                    "a second answer at 100%: this trainer keeps one accepted "
                    "number and a tolerance",
                )
                continue
            right.append(number)
            feedback.insert(0, answer_feedback)
        if not self.ok:
            return None
        if not right:
            self.problem(line, "a numerical question needs an answer at 100%")
            return None
        answer, tolerance = right[0]
        feedback.append(other_feedback)
        return {
            "type": "numerical",
            "answer": number_value(answer),
            "tolerance": number_value(tolerance),
            "_feedback": feedback,
            "_feedback_is_fallback": False,
        }

    def number_and_tolerance(
        self, text: str, line: int
    ) -> tuple[Decimal, Decimal] | None:
        """``2``, ``2:0.5`` or ``1..3`` as (answer, tolerance); None after a problem."""
        text = " ".join(text.split())
        if ".." in text:
            low, high = (file_decimal(part) for part in text.split("..", 1))
            if low is None or high is None or low > high:
                self.problem(
                    line, f"the range '{text[:40]}' is not two numbers, low..high"
                )
                return None
            return (low + high) / 2, (high - low) / 2
        answer, _, margin = text.partition(":")
        number = file_decimal(answer)
        tolerance = file_decimal(margin) if margin else Decimal(0)
        if number is None or tolerance is None:
            self.problem(line, f"the numerical answer '{text[:40]}' is not a number")
            return None
        if tolerance < 0:
            self.problem(line, f"the tolerance in '{text[:40]}' is negative")
            return None
        return number, tolerance

    def weight(
        self, answers: _Text, start: int, end: int, default: float = 100.0
    ) -> tuple[float, int] | None:
        """
        The leading ``%n%`` weight of the answer in [start, end) and its length
        in characters, or ``default`` and 0; None after a problem.
        """
        match = _WEIGHT.match(answers.text, start, end)
        if not match:
            return default, 0
        number = match.group(1).strip()
        if not _NUMBER.fullmatch(number) or not -100 <= float(number) <= 100:
            self.problem(
                answers.line_at(start),
                f"weight %{number}% is not a number from -100 to 100",
            )
            return None
        return float(number), match.end() - start

    @staticmethod
    def slug_base(title: str, prompt: str) -> str:
        slug = slugify(title)
        if not slug:
            words = slugify(_TAG.sub(" ", prompt)).split("-")
            slug = "-".join(words[:_PROMPT_SLUG_WORDS])
        return slug[:_SLUG_BASE_LENGTH].strip("-") or "question"


def _text_and_feedback(answers: _Text, start: int, end: int) -> tuple[str, str]:
    """An answer's text and its ``#`` feedback, from a range of the answer block."""
    hash_index = answers.syntax.find("#", start, end)
    if hash_index < 0:
        return _clean(answers.text[start:end], per_line=True), ""
    return (
        _clean(answers.text[start:hash_index], per_line=True),
        _clean(answers.text[hash_index + 1 : end], per_line=True),
    )

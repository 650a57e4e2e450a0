"""
Moodle XML question files, in and out (docs/moodle-xml.md).

Moodle XML is the default export of Moodle's question bank: a ``<quiz>`` of
``<question type="...">`` elements, the reference reader being Moodle's
``question/format/xml/format.php``. Reading goes through defusedxml's expat
parser, which refuses DTDs, entity declarations and external references, with
a tree builder that records the line of every element, so that every problem
names its line. Nothing is written here: reading gives questions in our
question format, which interchange.check_document then checks like any file.

How Moodle questions become ours:

- ``category`` pseudo-questions set the topic of the questions that follow
  (quizzes/moodle.py says how a path maps to a topic).
- ``multichoice`` with ``<single>true`` is ``single`` (exactly one answer at
  100 %, the others at 0 % or a penalty); otherwise ``multiple`` (answers with a
  positive fraction are correct). ``truefalse`` is ``true_false``;
  ``shortanswer`` is ``short`` (the answers at 100 %). ``numerical`` is
  ``numerical``: its one answer at 100 % and that answer's ``tolerance``;
  several answers at 100 % or units that convert or scale are not
  representable. ``matching`` is a
  responsibility ``sort`` when it is one: a tag ``srt-sort-category:<slug>`` or
  ``srt-sort-service:<slug>`` names the subject, every sub-question names a
  responsibility area and every answer an owner (AWS, Customer, Shared) that
  agrees with the responsibility model.
- ``questiontext`` is the prompt, ``generalfeedback`` the explanation, each
  answer's feedback its choice's feedback (true/false and short-answer feedback,
  which has no place of its own, is added to the explanation), ``idnumber`` the
  slug (or ``name`` slugified), ``defaultgrade`` the mark (1 when missing; 0
  or less is a problem, as a question worth no marks has no place here).
  ``penalty``, ``hidden`` and the combined feedback fields are ignored.
  HTML is cleaned by the guides' sanitiser and kept as Markdown
  (quizzes/htmltext.py).
- Anything else (essay, cloze, drag and drop, calculated, ...), and a
  question using what we cannot represent (partial credit, a ``*`` wildcard, a
  matching question that is no responsibility sort, an embedded file), is a
  problem naming the question and its line, or, with ``skip_unsupported``, a
  question skipped and listed.

Our own export (``questions_moodle_xml``) writes Moodle-valid questions that
Moodle grades like we do, and carries what Moodle has no field for in tags
(``srt-type:``, ``srt-difficulty:``, ``srt-topic:``, ``srt-sort-...:``) and in
an ``<srtdata>`` element (the Markdown originals of the texts, the policy and
its request, the sort's areas, the source), which Moodle ignores on import.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import xml.etree.ElementTree as ET  # noqa: S405 - building only; defusedxml reads
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape, unescape
from urllib.parse import quote, unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.db.models import Prefetch

from curriculum.files import LINE, ImportFileError, ImportProblem
from responsibility.models import Owner, ResponsibilityArea, Service, ServiceCategory
from responsibility.selectors import STUDY_RELATED

from .grading import EFFECT_LABELS, policy_decision, sort_items, sort_key
from .htmltext import html_to_markdown, markdown_to_html, plain_to_markdown
from .images import Image, image_file_name, image_read, image_url
from .models import (
    MARK_PLACES,
    Question,
    QuestionImage,
    QuestionType,
    Topic,
    number_text,
)
from .moodle import (
    MAX_SLUG_LENGTH,
    SKIP_HINT,
    Category,
    category_from_path,
    category_register,
    join_unique,
    make_slugs_unique,
    slugify,
    unsupported_message,
)
from .validation import file_decimal, number_problem, number_value

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_QUESTIONS",
    "MoodleBank",
    "questions_moodle_xml",
    "read_moodle_xml",
]

# Embedded files make Moodle XML far bigger than GIFT for the same questions.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_QUESTIONS = 5000
MAX_PROBLEMS = 500
MAX_CHOICE_TEXT = 500  # Choice.text
TAG_PREFIX = "srt-"

# Moodle's question types we do not read, in the words of Moodle's own menu.
UNSUPPORTED_TYPES = {
    "essay": "essay",
    "multianswer": "embedded answers (cloze)",
    "ddwtos": "drag and drop into text",
    "gapselect": "select missing words",
    "calculated": "calculated",
    "calculatedsimple": "simple calculated",
    "calculatedmulti": "calculated multichoice",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "description": "description",
    "randomsamatch": "random short-answer matching",
    "random": "random",
    "ordering": "ordering",
}
_PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>)]*)")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_OWNERS = {
    **{owner.label.casefold(): owner.value for owner in Owner},
    **{owner.value: owner.value for owner in Owner},
}


@dataclass(frozen=True)
class MoodleBank:
    """What ``read_moodle_xml`` found, like gift.GiftBank."""

    questions: list[dict]
    skipped: list[ImportProblem] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)  # to store with the questions


class _Unsupported(Exception):
    """A question we cannot represent; skipped on request."""


# --- reading -----------------------------------------------------------------


class _LineTreeBuilder(ET.TreeBuilder):
    """Records the line of each element's start tag, as expat reports it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _parse(data: bytes) -> tuple[ET.Element, dict[int, int]]:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        message = re.sub(r": line \d+, column \d+$", "", str(error))
        raise ImportFileError(
            [ImportProblem(line, f"Not valid XML: {message}.")]
        ) from error
    except DefusedXmlException as error:
        line = parser.parser.CurrentLineNumber
        raise ImportFileError(
            [
                ImportProblem(
                    line,
                    "The file declares a DTD or entities (<!DOCTYPE ...>): Moodle XML "
                    "has none, and they are refused because they can expand into "
                    "huge texts or read other files.",
                )
            ]
        ) from error
    return root, builder.lines


def read_moodle_xml(data: bytes | str, *, skip_unsupported: bool = False) -> MoodleBank:
    """
    Read a Moodle XML file into questions of our question format, each with the
    line it starts on under LINE. Raises ImportFileError with every problem.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            [ImportProblem(None, "The file is larger than 10 MB; split it.")]
        )
    root, lines = _parse(data)
    if root.tag != "quiz":
        raise ImportFileError(
            [
                ImportProblem(
                    lines.get(id(root)),
                    f"Expected a Moodle XML file (a <quiz> root), not <{root.tag}>.",
                )
            ]
        )
    reader = _Reader(lines)
    return reader.read(root, skip_unsupported=skip_unsupported)


def _text(element: ET.Element | None, path: str = "text") -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "") if found is not None else ""


class _Reader:
    def __init__(self, lines: dict[int, int]) -> None:
        self.lines = lines
        self.problems: list[ImportProblem] = []
        self.unsupported: list[ImportProblem] = []
        self.categories: dict[str, Category] = {}
        self.topics: list[str] = []
        self.images: dict[str, Image] = {}
        self.tokens: dict[str, str] = {}  # placeholder -> an image's Markdown
        self.areas = {
            key: area
            for area in ResponsibilityArea.objects.all()
            for key in (area.slug, area.name.casefold())
        }

    def line(self, element: ET.Element) -> int | None:
        return self.lines.get(id(element))

    def problem(self, element: ET.Element, message: str) -> None:
        self.problems.append(ImportProblem(self.line(element), message))

    def read(self, root: ET.Element, *, skip_unsupported: bool) -> MoodleBank:
        questions = []
        count = 0
        for element in root:
            if element.tag != "question":
                continue
            if len(self.problems) + len(self.unsupported) >= MAX_PROBLEMS:
                self.problem(element, f"Stopped reading after {MAX_PROBLEMS} problems.")
                break
            if element.get("type") == "category":
                self.category(element)
                continue
            count += 1
            if count > MAX_QUESTIONS:
                self.problem(
                    element, f"More than {MAX_QUESTIONS:,} questions; split the file."
                )
                break
            name = _text(element, "name/text").strip() or "(no name)"
            images = set(self.images)
            try:
                question = self.question(element, name)
            except _Unsupported as error:
                # A skipped question's images are not kept.
                for sha256 in set(self.images) - images:
                    del self.images[sha256]
                self.unsupported.append(
                    ImportProblem(self.line(element), f"Question '{name}': {error}")
                )
                continue
            if question is not None:
                questions.append(question)
        if not skip_unsupported and self.unsupported:
            self.problems.extend(self.unsupported)
            self.problems.append(ImportProblem(None, SKIP_HINT))
        if self.problems:
            raise ImportFileError(
                sorted(self.problems, key=lambda p: (p.line is None, p.line or 0))
            )
        make_slugs_unique(questions)
        return MoodleBank(
            questions, self.unsupported, self.categories, list(self.images.values())
        )

    def category(self, element: ET.Element) -> None:
        path = _text(element, "category/text")
        category = category_from_path(path, idnumber=_text(element, "idnumber"))
        self.topics = []
        if category is None:
            return
        description = self.rich(element.find("info"), inline=False)
        if not description and not _text(element, "idnumber").strip():
            description = category.description  # the path, at least
        data = self.srtdata(element)
        study = tuple(
            (key, data[key])
            for key in ("guide", "category", "area")
            if isinstance(data.get(key), str)
        )
        category = Category(
            category.slug,
            category.name,
            category.path,
            description,
            study,
            self.line(element),
        )
        self.topics = [category_register(self.categories, category).slug]

    # --- texts

    def rich(self, element: ET.Element | None, *, inline: bool) -> str:
        """The Markdown of a Moodle text element (questiontext, feedback, ...)."""
        if element is None:
            return ""
        text = _text(element)
        if not text.strip():
            return ""
        text = self.embedded(element, text)
        match element.get("format", "html"):
            case "markdown":
                markdown = text.strip()
            case "plain_text":
                markdown = plain_to_markdown(text)
            case "moodle_auto_format":
                # Moodle's "auto" format: HTML when it has tags, else lines.
                if "<" in text:
                    markdown = html_to_markdown(text)
                else:
                    markdown = plain_to_markdown(text).replace("\n", "\\\n")
            case _:
                markdown = html_to_markdown(text)
        for token in [t for t in self.tokens if t in markdown]:
            markdown = markdown.replace(token, self.tokens.pop(token))
        return " ".join(markdown.split()) if inline else markdown

    def embedded(self, element: ET.Element, text: str) -> str:
        """
        Store the images an HTML text embeds (``@@PLUGINFILE@@/name`` and its
        ``<file>``) and put a token where each goes, which ``rich`` replaces with
        the image's Markdown. A file that cannot be stored (not an image, bad
        base64, too large, missing) is a problem naming it, or, when skipping,
        leaves the image's alternative text in brackets.
        """
        if "@@PLUGINFILE@@" not in text and "<img" not in text.lower():
            return text
        files = {f.get("name", ""): f for f in element.findall("file")}

        def image(match: re.Match) -> str:
            attributes = {
                key.lower(): unescape(value.strip("\"'"))
                for key, value in _ATTRIBUTE.findall(match.group())
            }
            alt = attributes.get("alt", "").strip()
            src = attributes.get("src", "")
            fallback = escape(f"[image: {alt or 'no description'}]")
            if not src.startswith("@@PLUGINFILE@@/"):
                return fallback  # an image elsewhere on the web: never fetched
            name = unquote(src.removeprefix("@@PLUGINFILE@@/"))
            stored = self.image(element, files, name)
            if stored is None:
                return fallback
            token = f"srtimage{secrets.token_hex(8)}"
            label = alt.replace("[", "(").replace("]", ")").replace("\\", "")
            self.tokens[token] = f"![{label}]({stored.url})"
            return token

        text = _IMG.sub(image, text)
        for name in dict.fromkeys(_PLUGINFILE.findall(text)):
            name = unquote(name)
            file = files.get(name)
            self.unsupported.append(
                ImportProblem(
                    self.line(file if file is not None else element),
                    f"Embedded file '{name}' is not stored: only images shown "
                    "in the text are.",
                )
            )
        return _PLUGINFILE.sub("", text)

    def image(self, element: ET.Element, files: dict, name: str) -> Image | None:
        file = files.get(name)
        try:
            if file is None:
                raise ValueError("the file is missing from the XML")
            if file.get("encoding", "base64") != "base64":
                raise ValueError("its encoding is not base64")
            try:
                data = base64.b64decode(
                    "".join((file.text or "").split()), validate=True
                )
            except (binascii.Error, ValueError) as error:
                raise ValueError("its base64 is not valid") from error
            image = image_read(data, name=name)
        except ValueError as error:
            self.unsupported.append(
                ImportProblem(
                    self.line(file if file is not None else element),
                    f"Embedded image '{name}' is not stored: {error}.",
                )
            )
            return None
        self.images.setdefault(image.sha256, image)
        return image

    # --- questions

    def question(self, element: ET.Element, name: str) -> dict | None:
        kind = element.get("type", "")
        supported = {"multichoice", "truefalse", "shortanswer", "matching", "numerical"}
        if kind not in supported:
            label = UNSUPPORTED_TYPES.get(kind, kind or "untyped")
            raise _Unsupported(
                unsupported_message(f"{label} questions (type '{kind}')")
            )
        line = self.line(element)
        tags = [_text(tag).strip() for tag in element.findall("tags/tag")]
        ours = dict(
            tag.removeprefix(TAG_PREFIX).split(":", 1)
            for tag in tags
            if tag.startswith(TAG_PREFIX) and ":" in tag
        )
        data = self.srtdata(element)
        problems_before = len(self.problems)
        entry: dict = {
            LINE: line,
            "slug": _slug(_text(element, "idnumber"), name),
            "prompt": self.rich(element.find("questiontext"), inline=False),
            "explanation": self.rich(element.find("generalfeedback"), inline=False),
            "difficulty": 1,
            "topics": list(self.topics),
        }
        # Our own export: the Markdown as written (its images are stored above).
        for key in ("prompt", "explanation"):
            if isinstance(data.get(key), str):
                entry[key] = data[key]
        if ours.get("difficulty", "") in {"1", "2", "3"}:
            entry["difficulty"] = int(ours["difficulty"])
        if "type" in ours:
            # Our own export: the topics are its tags, not the category.
            entry["topics"] = [
                tag.removeprefix(f"{TAG_PREFIX}topic:")
                for tag in tags
                if tag.startswith(f"{TAG_PREFIX}topic:")
            ]
        if isinstance(data.get("source"), str):
            entry["source"] = data["source"]
        mark = self.mark(element, name)
        if mark != 1:
            entry["mark"] = mark
        if not entry["prompt"].strip():
            self.problem(element, f"Question '{name}' has no question text.")
        reader = getattr(self, f"read_{kind}")
        fields = reader(element, name, ours, data)
        if fields is None or len(self.problems) > problems_before:
            return None
        feedback = fields.pop("_feedback", [])
        entry["explanation"] = join_unique([entry["explanation"], *feedback])
        entry.update(fields)
        return entry

    def mark(self, element: ET.Element, name: str) -> int | float | None:
        """The question's ``defaultgrade``, Moodle's default mark; 1 when missing."""
        found = element.find("defaultgrade")
        raw = (found.text or "").strip() if found is not None else ""
        if not raw:
            return 1
        mark = file_decimal(raw)
        if mark is None:
            self.problem(
                found, f"Question '{name}': the defaultgrade '{raw}' is not a number."
            )
            return None
        if mark <= 0:
            self.problem(
                found,
                f"Question '{name}' has a defaultgrade of {raw}: a question worth "
                "no marks cannot be represented.",
            )
            return None
        return number_value(mark)

    def srtdata(self, element: ET.Element) -> dict:
        found = element.find("srtdata")
        if found is None:
            return {}
        try:
            data = json.loads(found.text or "")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.problem(found, "<srtdata> must hold a JSON object.")
            return {}
        return data

    def answers(self, element: ET.Element) -> list[tuple[ET.Element, float]]:
        answers = []
        for answer in element.findall("answer"):
            raw = answer.get("fraction", "0")
            try:
                fraction = float(raw)
            except ValueError:
                self.problem(answer, f"The answer's fraction '{raw}' is not a number.")
                continue
            if not -100 <= fraction <= 100:
                self.problem(answer, f"The answer's fraction {raw} is not -100 to 100.")
                continue
            answers.append((answer, fraction))
        return answers

    def read_multichoice(self, element, name, ours, data) -> dict | None:
        single = _text(element, "single").strip().lower() in {"true", "1"}
        answers = self.answers(element)
        markdown = data.get("choices")
        if not isinstance(markdown, list) or len(markdown) != len(answers):
            markdown = None
        choices = []
        for index, (answer, fraction) in enumerate(answers):
            text = self.rich(answer, inline=True)
            feedback = self.rich(answer.find("feedback"), inline=True)
            if markdown and isinstance(markdown[index], dict):
                original = markdown[index]
                if isinstance(original.get("text"), str):
                    text = original["text"]
                if isinstance(original.get("feedback"), str):
                    feedback = original["feedback"]
            if not text:
                self.problem(answer, f"Question '{name}' has an empty answer.")
            elif len(text) > MAX_CHOICE_TEXT:
                self.problem(
                    answer,
                    f"Question '{name}' has an answer longer than "
                    f"{MAX_CHOICE_TEXT} characters.",
                )
            choices.append(
                {"text": text, "correct": fraction > 0, "feedback": feedback}
            )
        if len(choices) < 2:
            self.problem(element, f"Question '{name}' needs at least two answers.")
            return None
        if ours.get("type") == QuestionType.POLICY and "policy" in data:
            # Our export: the policy and its request were in <srtdata>. Without
            # them (Moodle drops the element) it stays the single choice Moodle
            # graded.
            keys = ("policy", "policy_kind", "request")
            return {
                "type": QuestionType.POLICY,
                **{key: data[key] for key in keys if key in data},
            }
        if single:
            if any(0 < fraction < 100 for _, fraction in answers):
                raise _Unsupported(
                    "partial credit in a single-choice question is not supported "
                    "by this trainer"
                )
            if sum(fraction == 100 for _, fraction in answers) != 1:
                self.problem(
                    element,
                    f"Question '{name}' is single-choice but has no answer at 100%.",
                )
                return None
            return {"type": QuestionType.SINGLE, "choices": choices}
        if not any(choice["correct"] for choice in choices):
            self.problem(element, f"Question '{name}' has no correct answer.")
            return None
        return {"type": QuestionType.MULTIPLE, "choices": choices}

    def read_truefalse(self, element, name, ours, data) -> dict | None:
        value = None
        feedback = []
        for answer, fraction in self.answers(element):
            text = _text(answer).strip().lower()
            if text not in {"true", "false"}:
                self.problem(
                    answer,
                    f"Question '{name}': a true/false answer must be true or false.",
                )
                continue
            if fraction == 100:
                value = text == "true"
            feedback.append(self.rich(answer.find("feedback"), inline=False))
        if value is None:
            self.problem(element, f"Question '{name}' has no answer at 100%.")
            return None
        return {"type": QuestionType.TRUE_FALSE, "answer": value, "_feedback": feedback}

    def right_answers(self, element: ET.Element) -> list[tuple[ET.Element, str]]:
        """
        A short or numerical question's answers at 100 %, with their text. Wrong
        answers (0 % or less, often "*" with feedback for any other reply) are
        left out; partial credit is not representable.
        """
        right = []
        for answer, fraction in self.answers(element):
            text = " ".join(_text(answer).split())
            if fraction <= 0:
                continue
            if fraction < 100:
                raise _Unsupported(
                    f"the answer '{text[:40]}' earns {fraction:g}%: partial credit "
                    "is not supported by this trainer"
                )
            right.append((answer, text))
        return right

    def read_shortanswer(self, element, name, ours, data) -> dict | None:
        accepted = []
        feedback = []
        for answer, text in self.right_answers(element):
            if "*" in text:
                raise _Unsupported(
                    f"the answer '{text[:40]}' has a * wildcard; this trainer "
                    "matches answers literally"
                )
            if text:
                accepted.append(text)
                feedback.append(self.rich(answer.find("feedback"), inline=False))
        if not accepted:
            self.problem(element, f"Question '{name}' has no answer at 100%.")
            return None
        return {
            "type": QuestionType.SHORT,
            "accepted_answers": accepted,
            "_feedback": feedback,
        }

    def read_numerical(self, element, name, ours, data) -> dict | None:
        self.check_units(element)
        right = self.right_answers(element)
        feedback = []
        if not right:
            self.problem(element, f"Question '{name}' has no answer at 100%.")
            return None
        if len(right) > 1:
            lines = ", ".join(str(self.line(answer)) for answer, _ in right)
            raise _Unsupported(
                f"it has {len(right)} answers at 100% (lines {lines}); this trainer "
                "keeps one accepted number and a tolerance"
            )
        answer, text = right[0]
        number = self.number(answer, text, name, "answer")
        found = answer.find("tolerance")
        raw = (found.text or "").strip() if found is not None else ""
        tolerance = self.number(found, raw, name, "tolerance") if raw else 0
        if number is None or tolerance is None:
            return None
        if tolerance < 0:
            self.problem(found, f"Question '{name}': the tolerance {raw} is negative.")
            return None
        feedback.append(self.rich(answer.find("feedback"), inline=False))
        return {
            "type": QuestionType.NUMERICAL,
            "answer": number,
            "tolerance": tolerance,
            "_feedback": feedback,
        }

    def number(self, element, raw: str, name: str, what: str):
        """A number of a numerical question, as a file writes it, or None."""
        number = file_decimal(raw)
        if number is None:
            self.problem(
                element, f"Question '{name}': the {what} '{raw[:40]}' is not a number."
            )
            return None
        if problem := number_problem(number, what):
            self.problem(element, f"Question '{name}': {problem}")
            return None
        return number_value(number)

    def check_units(self, element: ET.Element) -> None:
        """
        Units are refused unless they change nothing: none, or one unit with the
        multiplier 1 (Moodle's "the unit the answer is in"), which is left out.
        """
        units = element.findall("units/unit")
        if not units:
            return
        multiplier = file_decimal(_text(units[0], "multiplier") or "1")
        if len(units) > 1 or multiplier != 1:
            line = self.line(element.find("units"))
            raise _Unsupported(
                f"its units (line {line}) convert between units or scale the "
                "answer; units are not supported by this trainer"
            )

    def read_matching(self, element, name, ours, data) -> dict | None:
        subject: dict = {}
        if slug := ours.get("sort-category"):
            subject["sort_category"] = slug
            key = sort_key(category=ServiceCategory.objects.filter(slug=slug).first())
        elif slug := ours.get("sort-service"):
            subject["sort_service"] = slug
            key = sort_key(service=Service.objects.filter(slug=slug).first())
        else:
            raise _Unsupported(
                "matching questions are not supported by this trainer unless they "
                "are a responsibility sort (tag srt-sort-category:<slug> or "
                "srt-sort-service:<slug>)"
            )
        if not key:
            raise _Unsupported(
                f"the responsibility sort's subject '{slug}' is not in this trainer"
            )
        owners = {item.area_slug: item.owner for item in key}
        areas = []
        for sub in element.findall("subquestion"):
            label = " ".join(html_to_markdown(_text(sub)).split()).replace("\\", "")
            if not label:
                continue  # a distractor answer with no question
            area = self.areas.get(label) or self.areas.get(label.casefold())
            owner = _OWNERS.get(_text(sub, "answer/text").strip().casefold())
            if area is None or area.slug not in owners:
                raise _Unsupported(
                    f"'{label}' (line {self.line(sub)}) is not a responsibility area "
                    f"of '{slug}', so this matching question is no responsibility sort"
                )
            if owner != owners[area.slug]:
                raise _Unsupported(
                    f"'{label}' (line {self.line(sub)}) is matched with "
                    f"'{_text(sub, 'answer/text').strip()}', which does not agree "
                    "with the responsibility model"
                )
            areas.append(area.slug)
        if not areas:
            self.problem(element, f"Question '{name}' has no sub-questions.")
            return None
        wanted = data.get("sort_areas")
        if isinstance(wanted, list) and all(isinstance(a, str) for a in wanted):
            subject["sort_areas"] = wanted
        elif sorted(areas) != sorted(owners):
            subject["sort_areas"] = areas
        return {"type": QuestionType.SORT, **subject}


def _slug(idnumber: str, name: str) -> str:
    slug = slugify(idnumber.strip()) or slugify(name)
    return slug[: MAX_SLUG_LENGTH - 6].strip("-") or "question"


# --- writing -----------------------------------------------------------------


def _element(parent: ET.Element, tag: str, text: str | None = None, **attrs):
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _rich_element(
    parent: ET.Element, tag: str, html: str, fmt: str = "html", images=None
):
    element = _element(parent, tag, format=fmt)
    _element(element, "text", _embed_images(element, html, images or {}))
    return element


def _image_source() -> re.Pattern[str]:
    prefix = image_url("0" * 64).removesuffix("0" * 64)
    return re.compile(re.escape(prefix) + "([0-9a-f]{64})")


def _embed_images(element: ET.Element, html: str, images: dict) -> str:
    """
    Point the images a text shows at ``@@PLUGINFILE@@/name`` and embed their
    bytes as ``<file>`` children of `element`, as Moodle writes them.
    """
    used: dict[str, QuestionImage] = {}

    def embed(match: re.Match) -> str:
        image = images.get(match[1])
        if image is None:
            return match.group()
        name = image_file_name(image)
        if used.get(name, image) is not image:
            name = f"{image.sha256[:8]}-{name}"
        used[name] = image
        return f"@@PLUGINFILE@@/{quote(name)}"

    html = _image_source().sub(embed, html)
    for name, image in used.items():
        _element(
            element,
            "file",
            base64.b64encode(bytes(image.data)).decode("ascii"),
            name=name,
            path="/",
            encoding="base64",
        )
    return html


def _images_shown(questions: list[Question]) -> dict[str, QuestionImage]:
    """The stored images the questions' texts show, by digest."""
    pattern = _image_source()
    digests = set()
    for question in questions:
        texts = [question.prompt, question.explanation]
        texts += [t for c in question.choices.all() for t in (c.text, c.feedback)]
        for text in texts:
            digests.update(pattern.findall(text))
    return {i.sha256: i for i in QuestionImage.objects.filter(sha256__in=digests)}


def _category_path(name: str) -> str:
    return "$course$/top/" + name.replace("/", "//")


def _policy_html(question: Question) -> str:
    request = {
        "principal": question.request_principal,
        "action": question.request_action,
        "resource": question.request_resource,
        "context": question.request_context,
    }
    return (
        f"<p>The {escape(question.get_policy_kind_display())} policy:</p>"
        f"<pre><code>{escape(question.policy_document)}</code></pre>"
        "<p>The request:</p>"
        f"<pre><code>{escape(json.dumps(request, indent=2))}</code></pre>"
        "<p>What does the policy decide?</p>"
    )


def _question_element(root: ET.Element, question: Question, images: dict) -> None:
    """One question as Moodle XML; see the module docstring."""
    moodle_type = {
        QuestionType.SINGLE: "multichoice",
        QuestionType.MULTIPLE: "multichoice",
        QuestionType.POLICY: "multichoice",
        QuestionType.TRUE_FALSE: "truefalse",
        QuestionType.SHORT: "shortanswer",
        QuestionType.NUMERICAL: "numerical",
        QuestionType.SORT: "matching",
    }[question.type]
    element = _element(root, "question", type=moodle_type)
    _element(_element(element, "name"), "text", question.slug)
    text = markdown_to_html(question.prompt)
    if question.type == QuestionType.POLICY:
        text += _policy_html(question)
    _rich_element(element, "questiontext", text, images=images)
    explanation = markdown_to_html(question.explanation)
    _rich_element(element, "generalfeedback", explanation, images=images)
    # As Moodle writes it: 1.0000000.
    _element(element, "defaultgrade", f"{Decimal(question.mark):.{MARK_PLACES}f}")
    _element(element, "penalty", "0")
    _element(element, "hidden", "0")
    _element(element, "idnumber", question.slug)
    data: dict = {"prompt": question.prompt, "explanation": question.explanation}
    if question.source:
        data["source"] = question.source
    tags = [f"type:{question.type}", f"difficulty:{question.difficulty}"]
    tags += [f"topic:{topic.slug}" for topic in question.topics.all()]
    match question.type:
        case QuestionType.SINGLE | QuestionType.MULTIPLE:
            choices = list(question.choices.all())
            correct = sum(choice.is_correct for choice in choices)
            _element(element, "single", str(question.type == "single").lower())
            _element(element, "shuffleanswers", "true")
            _element(element, "answernumbering", "abc")
            for choice in choices:
                # Moodle's fractions for "each correct option earns 1/k, each
                # wrong one costs 1/k" (k correct options), as our grading does.
                share = 100 / correct if question.type == "multiple" else 100
                fraction = share if choice.is_correct else 0
                if question.type == "multiple" and not choice.is_correct:
                    fraction = -share
                answer = _element(
                    element, "answer", format="html", fraction=f"{fraction:.7g}"
                )
                choice_html = markdown_to_html(choice.text, inline=True)
                _element(answer, "text", _embed_images(answer, choice_html, images))
                _rich_element(
                    answer,
                    "feedback",
                    markdown_to_html(choice.feedback, inline=True),
                    images=images,
                )
            data["choices"] = [
                {"text": choice.text, "feedback": choice.feedback} for choice in choices
            ]
        case QuestionType.POLICY:
            decision = policy_decision(question)
            _element(element, "single", "true")
            _element(element, "shuffleanswers", "false")
            _element(element, "answernumbering", "none")
            for effect, label in EFFECT_LABELS.items():
                right = effect == decision.effect
                answer = _element(
                    element, "answer", format="html", fraction="100" if right else "0"
                )
                _element(answer, "text", escape(label))
                explained = escape(decision.explain()) if right else ""
                _rich_element(
                    answer, "feedback", f"<pre>{explained}</pre>" if explained else ""
                )
            data["choices"] = [
                {"text": label, "feedback": ""} for label in EFFECT_LABELS.values()
            ]
            data.update(
                policy=question.policy_document,
                policy_kind=question.policy_kind,
                request={
                    "principal": question.request_principal,
                    "action": question.request_action,
                    "resource": question.request_resource,
                    "context": question.request_context,
                },
            )
        case QuestionType.TRUE_FALSE:
            for value in ("true", "false"):
                right = (value == "true") == question.true_false_answer
                answer = _element(
                    element,
                    "answer",
                    format="moodle_auto_format",
                    fraction="100" if right else "0",
                )
                _element(answer, "text", value)
                _rich_element(answer, "feedback", "")
        case QuestionType.SHORT:
            _element(element, "usecase", "0")
            for accepted in question.accepted_answer_list:
                answer = _element(
                    element, "answer", format="moodle_auto_format", fraction="100"
                )
                _element(answer, "text", accepted)
                _rich_element(answer, "feedback", "")
        case QuestionType.NUMERICAL:
            answer = _element(
                element, "answer", format="moodle_auto_format", fraction="100"
            )
            _element(answer, "text", number_text(question.numerical_answer))
            _rich_element(answer, "feedback", "")
            _element(answer, "tolerance", number_text(question.numerical_tolerance))
            # No units: the number alone is the answer.
            _element(element, "unitgradingtype", "0")
            _element(element, "unitpenalty", "0.1000000")
            _element(element, "showunits", "3")
            _element(element, "unitsleft", "0")
        case QuestionType.SORT:
            if question.sort_category_id:
                tags.append(f"sort-category:{question.sort_category.slug}")
            if question.sort_service_id:
                tags.append(f"sort-service:{question.sort_service.slug}")
            data["sort_areas"] = [area.slug for area in question.sort_areas.all()]
            _element(element, "shuffleanswers", "true")
            labels = dict(Owner.choices)
            items = sort_items(question)
            for item in items:
                sub = _element(element, "subquestion", format="html")
                _element(sub, "text", escape(item.area_name))
                _element(_element(sub, "answer"), "text", labels[item.owner])
            # Moodle wants three answers: every owner is one, asked or not.
            for owner in sorted({o.value for o in Owner} - {i.owner for i in items}):
                sub = _element(element, "subquestion", format="html")
                _element(sub, "text", "")
                _element(_element(sub, "answer"), "text", labels[owner])
    tag_list = _element(element, "tags")
    for tag in tags:
        _element(_element(tag_list, "tag"), "text", TAG_PREFIX + tag)
    _element(element, "srtdata", json.dumps(data, ensure_ascii=False), format="json")


def questions_moodle_xml(questions=None) -> str:
    """
    The questions (a queryset, all by default) as a Moodle XML file that Moodle
    imports, grading each like we do, and that read_moodle_xml reads back
    exactly. Each question sits in the category of its first topic; every
    topic is a category whose idnumber is the topic's slug.
    """
    if questions is None:
        questions = Question.objects.all()
    questions = questions.select_related(
        "sort_category", "sort_service"
    ).prefetch_related(
        "choices",
        "sort_areas",
        Prefetch("topics", Topic.objects.select_related(*STUDY_RELATED)),
    )
    questions = sorted(
        questions,
        key=lambda q: (next((t.slug for t in q.topics.all()), ""), q.slug),
    )
    root = ET.Element("quiz")
    images = _images_shown(questions)
    # Questions with no topic first: Moodle files a question in the category
    # last named, and these have none.
    for question in questions:
        if not question.topics.all():
            _question_element(root, question, images)
    firsts = {q.topics.all()[0].pk for q in questions if q.topics.all()}
    others = {t.pk: t for q in questions for t in q.topics.all() if t.pk not in firsts}
    for topic in sorted(others.values(), key=lambda t: t.slug):
        _category_element(root, topic)
    current = None
    for question in questions:
        if not question.topics.all():
            continue
        first = question.topics.all()[0]
        if first != current:
            _category_element(root, first)
        current = first
        _question_element(root, question, images)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _category_element(root: ET.Element, topic) -> None:
    element = _element(root, "question", type="category")
    _element(_element(element, "category"), "text", _category_path(topic.name))
    _rich_element(element, "info", topic.description, fmt="markdown")
    _element(element, "idnumber", topic.slug)
    study = getattr(topic, "study", None)
    data = {
        key: getattr(study, key).slug
        for key in ("guide", "category", "area")
        if study is not None and getattr(study, f"{key}_id")
    }
    if data:
        _element(element, "srtdata", json.dumps(data), format="json")

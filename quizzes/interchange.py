"""
Reading and writing question files: YAML, JSON and Moodle GIFT.

Reading keeps the line where each question starts, so that every problem can name
its line. Checking collects every problem in the file before anything is written;
the service that writes (`services.questions_import`) runs only on a clean file.
The format is documented in docs/question-format.md.
"""

import bisect
import json
import json.decoder
import json.scanner
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.text import slugify

from responsibility.models import ResponsibilityArea, Service, ServiceCategory

from .gift import GiftError, parse_gift
from .models import Difficulty, FeedbackMode, PolicyKind, QuestionType, Topic
from .validation import ChoiceSpec, check_strings, no_duplicates, question_problems

MAX_FILE_BYTES = 5 * 1024 * 1024
LINE = "__line__"
FORMATS = ("yaml", "json", "gift")

QUESTION_KEYS = {
    "slug", "type", "prompt", "explanation", "difficulty", "topics", "choices",
    "answer", "sort_category", "sort_service", "sort_areas", "policy",
    "policy_kind", "request", "accepted_answers",
}  # fmt: skip
TOPIC_KEYS = {"slug", "name", "description", "guide", "category", "area"}
QUIZ_KEYS = {
    "slug", "title", "description", "pass_mark", "attempt_limit",
    "time_limit_minutes", "feedback", "questions", "draws", "order", "published",
}  # fmt: skip
CHOICE_KEYS = {"text", "correct", "feedback"}
REQUEST_KEYS = {"principal", "action", "resource", "context"}


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ImportFileError(Exception):
    """A question file that cannot be imported; `problems` says every reason."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- reading ----------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line each mapping starts on."""

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


def _json_with_lines(text: str):
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    decoder = json.JSONDecoder()

    def parse_object(state, strict, scan_once, object_hook, pairs_hook, memo):
        obj, end = json.decoder.JSONObject(
            state, strict, scan_once, object_hook, no_duplicates, memo
        )
        if isinstance(obj, dict):
            obj[LINE] = bisect.bisect_left(newlines, state[1]) + 1
        return obj, end

    def refuse_constant(name):
        raise ValueError(f"{name} is not allowed in a question file")

    decoder.parse_object = parse_object
    decoder.parse_constant = refuse_constant
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text)


def _gift_document(questions: list[dict]) -> dict:
    """GIFT's $CATEGORY lines become topics; create those that do not exist yet."""
    wanted = {slug for q in questions for slug in q.get("topics", [])}
    existing = set(Topic.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    topics = [
        {"slug": slug, "name": slug.replace("-", " ").capitalize()}
        for slug in sorted(wanted - existing)
    ]
    return {"topics": topics, "questions": questions}


def guess_format(name: str) -> str:
    """The format of a file from its name: yaml, json or gift."""
    suffix = Path(name).suffix.lower()
    return {".yml": "yaml", ".yaml": "yaml", ".json": "json", ".gift": "gift"}.get(
        suffix, "yaml"
    )


def read_document(data: bytes | str, *, format: str, key: str = "questions") -> dict:
    """Decode a file into a document with a `key` list (questions by default)."""
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
    if format == "gift" and key == "questions":
        try:
            return _gift_document(parse_gift(data))
        except GiftError as error:
            raise ImportFileError(
                [ImportProblem(p.line, p.message) for p in error.problems]
            ) from error
    try:
        if format == "json":
            document = _json_with_lines(data)
        else:
            document = yaml.load(data, Loader=_LineLoader)  # noqa: S506 - SafeLoader
    except json.JSONDecodeError as error:
        raise ImportFileError(
            [ImportProblem(error.lineno, f"Not valid JSON: {error.msg}.")]
        ) from error
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
    except ValueError as error:
        message = str(error).rstrip(".")
        raise ImportFileError(
            [ImportProblem(None, f"Not valid: {message}.")]
        ) from error
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


# --- checking ---------------------------------------------------------------


class _Checker:
    def __init__(self, document: dict) -> None:
        self.document = document
        self.problems: list[ImportProblem] = []
        self.topic_slugs = set(Topic.objects.values_list("slug", flat=True))
        self.topic_slugs |= {
            t.get("slug") for t in document.get("topics") or [] if isinstance(t, dict)
        }
        self.question_slugs = {
            q.get("slug")
            for q in document.get("questions") or []
            if isinstance(q, dict)
        }
        self.area_slugs = set(ResponsibilityArea.objects.values_list("slug", flat=True))
        self.category_slugs = set(
            ServiceCategory.objects.values_list("slug", flat=True)
        )
        self.service_slugs = set(Service.objects.values_list("slug", flat=True))

    def add(self, line, message):
        self.problems.append(ImportProblem(line, message))

    def entries(self, key: str, allowed: set[str], what: str) -> list[dict]:
        items = self.document.get(key) or []
        if not isinstance(items, list):
            self.add(None, f"'{key}' must be a list.")
            return []
        seen: set[str] = set()
        clean = []
        for index, item in enumerate(items, 1):
            if not isinstance(item, dict):
                self.add(None, f"{what} {index} must be a mapping.")
                continue
            line = item.get(LINE)
            unknown = set(item) - allowed - {LINE}
            if unknown:
                self.add(
                    line, f"{what} has unknown field(s): {', '.join(sorted(unknown))}."
                )
            slug = item.get("slug")
            if not isinstance(slug, str) or not slug or slugify(slug) != slug:
                self.add(
                    line,
                    f"{what} needs a slug of lowercase letters, digits and hyphens.",
                )
            elif len(slug) > 80:
                self.add(line, f"The slug '{slug[:20]}…' is longer than 80 characters.")
            elif slug in seen:
                self.add(line, f"The slug '{slug}' appears twice.")
            seen.add(slug)
            clean.append(item)
        return clean

    def text(self, item, key, line, what, *, required=True, limit=None) -> None:
        value = item.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(line, f"{what} needs a non-empty '{key}' text.")
        elif limit and len(value) > limit:
            self.add(line, f"{what}'s '{key}' is longer than {limit} characters.")

    def check_topics(self):
        names = dict(Topic.objects.values_list("name", "slug"))
        for topic in self.entries("topics", TOPIC_KEYS, "Topic"):
            line = topic.get(LINE)
            self.text(topic, "name", line, "A topic", limit=100)
            owner = names.setdefault(topic.get("name"), topic.get("slug"))
            if owner != topic.get("slug"):
                self.add(
                    line, f"The topic name '{topic['name']}' is taken by '{owner}'."
                )
            for key, known in [
                ("category", self.category_slugs),
                ("area", self.area_slugs),
            ]:
                if topic.get(key) and topic[key] not in known:
                    self.add(line, f"Unknown {key} '{topic[key]}'.")

    def check_questions(self):
        for question in self.entries("questions", QUESTION_KEYS, "A question"):
            self.check_question(question)

    def check_question(self, q: dict):
        line = q.get(LINE)
        kind = q.get("type")
        if kind not in QuestionType.values:
            self.add(
                line,
                f"Unknown type {kind!r}; use one of {', '.join(QuestionType.values)}.",
            )
            return
        self.text(q, "prompt", line, "A question")
        self.text(q, "explanation", line, "A question")
        if q.get("difficulty", 1) not in Difficulty.values:
            self.add(line, "difficulty must be 1, 2 or 3.")
        topics = q.get("topics") or []
        if not isinstance(topics, list):
            self.add(line, "topics must be a list of topic slugs.")
            topics = []
        for slug in topics:
            if slug not in self.topic_slugs:
                self.add(line, f"Unknown topic '{slug}'.")
        choices = q.get("choices") or []
        specs = []
        if not isinstance(choices, list):
            self.add(line, "choices must be a list.")
            choices = []
        for choice in choices:
            if not isinstance(choice, dict) or not isinstance(choice.get("text"), str):
                self.add(line, "Each choice needs a 'text'.")
                continue
            self.text(choice, "text", choice.get(LINE, line), "A choice", limit=500)
            unknown = set(choice) - CHOICE_KEYS - {LINE}
            if unknown:
                self.add(
                    choice.get(LINE, line),
                    f"A choice has unknown field(s): {', '.join(sorted(unknown))}.",
                )
            if not isinstance(choice.get("correct", False), bool):
                self.add(
                    choice.get(LINE, line),
                    "A choice's 'correct' must be true or false.",
                )
            specs.append(ChoiceSpec(choice["text"], choice.get("correct") is True))
        answer = q.get("answer")
        if answer is not None and not isinstance(answer, bool):
            self.add(line, "answer must be true or false.")
            answer = None
        request = q.get("request") or {}
        if not isinstance(request, dict):
            self.add(line, "request must be a mapping.")
            request = {}
        else:
            for key, limit in [("principal", 300), ("action", 200), ("resource", 1000)]:
                self.text(
                    request, key, line, "The request", required=False, limit=limit
                )
        if unknown := set(request) - REQUEST_KEYS - {LINE}:
            self.add(
                line, f"request has unknown field(s): {', '.join(sorted(unknown))}."
            )
        for key, known in [
            ("sort_category", self.category_slugs),
            ("sort_service", self.service_slugs),
        ]:
            if q.get(key) and q[key] not in known:
                self.add(line, f"Unknown {key.removeprefix('sort_')} '{q[key]}'.")
        for slug in q.get("sort_areas") or []:
            if slug not in self.area_slugs:
                self.add(line, f"Unknown area '{slug}'.")
        accepted = q.get("accepted_answers") or []
        if not isinstance(accepted, list) or not all(
            isinstance(a, str) for a in accepted
        ):
            self.add(line, "accepted_answers must be a list of texts.")
            accepted = []
        policy = q.get("policy", "")
        if not isinstance(policy, str):
            policy = json.dumps(strip_lines(policy), indent=2)
            q["policy"] = policy
        problems = question_problems(
            type=kind,
            choices=specs,
            true_false_answer=answer,
            has_sort_subject=bool(q.get("sort_category") or q.get("sort_service")),
            policy_document=policy,
            policy_kind=q.get("policy_kind", PolicyKind.IDENTITY),
            request_principal=request.get("principal", ""),
            request_action=request.get("action", ""),
            request_resource=request.get("resource", ""),
            request_context=strip_lines(request.get("context") or {}),
            accepted_answers=accepted,
        )
        for messages in problems.values():
            for message in messages:
                self.add(line, f"Question '{q.get('slug')}': {message}")

    def check_quizzes(self):
        for quiz in self.entries("quizzes", QUIZ_KEYS, "A quiz"):
            line = quiz.get(LINE)
            self.text(quiz, "title", line, "A quiz", limit=150)
            pass_mark = quiz.get("pass_mark", 70)
            if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
                self.add(line, "pass_mark must be a whole number from 0 to 100.")
            for key in ("attempt_limit", "time_limit_minutes"):
                value = quiz.get(key)
                if value is not None and (not isinstance(value, int) or value < 0):
                    self.add(line, f"{key} must be a whole number of 0 or more.")
            if quiz.get("feedback", "immediate") not in FeedbackMode.values:
                self.add(line, "feedback must be 'immediate' or 'end'.")
            known = self.question_slugs | _existing_question_slugs()
            for slug in quiz.get("questions") or []:
                if slug not in known:
                    self.add(line, f"Unknown question '{slug}'.")
            for draw in quiz.get("draws") or []:
                if (
                    not isinstance(draw, dict)
                    or draw.get("topic") not in self.topic_slugs
                ):
                    self.add(line, f"A draw needs a known topic, not {draw!r}.")
                elif not isinstance(draw.get("count"), int) or draw["count"] < 1:
                    self.add(
                        line, "A draw's count must be a whole number of 1 or more."
                    )


def _existing_question_slugs() -> set[str]:
    from .models import Question

    return set(Question.objects.values_list("slug", flat=True))


def strip_lines(value):
    """Remove the line markers reading added, recursively (iteratively deep)."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def check_document(document: dict) -> dict:
    """Check every part of a document; raise ImportFileError listing every problem."""
    checker = _Checker(document)
    checker.check_topics()
    checker.check_questions()
    checker.check_quizzes()
    if checker.problems:
        raise ImportFileError(checker.problems)
    return strip_lines(document)


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

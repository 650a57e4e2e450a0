"""
Question files in and out: YAML, JSON, Moodle GIFT and Moodle XML.

Reading (curriculum.files, plus GIFT here) keeps the line where each question
starts, so that every problem can name its line. Checking collects every problem
in the file before anything is written; `questions_import` writes only a clean
file, and `questions_load` loads the bank shipped in quizzes/content/. The format
is documented in docs/question-format.md.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from curriculum.cache import content_changed
from curriculum.files import (
    LINE,
    ImportFileError,
    ImportProblem,
    decode_text,
    dump_document,
    strip_lines,
)
from curriculum.files import guess_format as guess_file_format
from curriculum.files import read_document as read_file
from curriculum.loading import Upsert, shipped_files_load
from curriculum.sources import source_problem
from responsibility.models import (
    Guide,
    ResponsibilityArea,
    Service,
    ServiceCategory,
    TopicStudy,
)
from responsibility.selectors import STUDY_RELATED

from .gift import GiftError, read_gift
from .images import Image, images_store
from .models import (
    Choice,
    Difficulty,
    FeedbackMode,
    PolicyKind,
    Question,
    QuestionType,
    Quiz,
    QuizDraw,
    QuizQuestion,
    Topic,
)
from .moodle import SKIP_HINT
from .moodle_xml import questions_moodle_xml, read_moodle_xml
from .validation import (
    ChoiceSpec,
    mark_problem,
    mark_value,
    number_problem,
    number_value,
    question_problems,
)

# The question file's public names, including those of the shared reader that the
# admin and the commands import from here.
__all__ = [
    "FORMATS", "LINE", "QUESTIONS_DIR", "QUESTIONS_FILE", "ImportFileError",
    "ImportProblem", "QuestionFile", "check_document", "dump_document",
    "guess_format", "questions_export", "questions_import", "questions_load",
    "questions_moodle_xml", "read_document", "read_questions", "strip_lines",
]  # fmt: skip

# The shipped bank is every *.yaml file here, read in order of name.
QUESTIONS_DIR = Path(__file__).resolve().parent / "content"
QUESTIONS_FILE = QUESTIONS_DIR / "questions.yaml"
FORMATS = ("yaml", "json", "gift", "moodle-xml")

QUESTION_KEYS = {
    "slug", "type", "prompt", "explanation", "difficulty", "mark", "topics", "choices",
    "answer", "sort_category", "sort_service", "sort_areas", "policy",
    "policy_kind", "request", "accepted_answers", "tolerance", "source",
}  # fmt: skip
TOPIC_KEYS = {"slug", "name", "description", "guide", "category", "area"}
QUIZ_KEYS = {
    "slug", "title", "description", "pass_mark", "attempt_limit",
    "time_limit_minutes", "feedback", "questions", "draws", "order", "published",
}  # fmt: skip
CHOICE_KEYS = {"text", "correct", "feedback"}
REQUEST_KEYS = {"principal", "action", "resource", "context"}


# --- reading ----------------------------------------------------------------


def _category_document(questions: list[dict], categories: dict) -> dict:
    """
    A Moodle file's questions with the topics their categories stand for
    (quizzes/moodle.py): a category whose slug or name an existing topic has
    files its questions there; the others become new topics.
    """
    existing = set(Topic.objects.values_list("slug", flat=True))
    by_name = {
        name.casefold(): slug
        for name, slug in Topic.objects.values_list("name", "slug")
    }
    renamed: dict[str, str] = {}
    topics = []
    wanted = {slug for q in questions for slug in q.get("topics", [])}
    for slug in sorted(wanted - existing):
        category = categories.get(slug)
        if category is None:
            continue  # a topic named by a tag: unknown unless it exists
        if category.name.casefold() in by_name:
            renamed[slug] = by_name[category.name.casefold()]
            continue
        topics.append(
            {
                "slug": slug,
                "name": category.name,
                "description": category.description,
                **dict(category.study),
                **({LINE: category.line} if category.line else {}),
            }
        )
    for question in questions:
        question["topics"] = list(
            dict.fromkeys(
                renamed.get(slug, slug) for slug in question.get("topics", [])
            )
        )
    return {"topics": topics, "questions": questions}


@dataclass(frozen=True)
class QuestionFile:
    """
    A question file read: its document, the questions skipped on request, and
    the images its questions show (Moodle XML), stored when it is imported.
    """

    document: dict
    skipped: list[ImportProblem] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


def read_questions(
    data: bytes | str, *, format: str, skip_unsupported: bool = False
) -> QuestionFile:
    """
    Decode a question file of any format. GIFT and Moodle XML questions of types
    we cannot represent are problems, or, with `skip_unsupported`, left out and
    listed in `skipped`.
    """
    if format == "gift":
        text = decode_text(data)
        try:
            bank = read_gift(text, skip_unsupported=skip_unsupported)
        except GiftError as error:
            problems = [ImportProblem(p.line, p.message) for p in error.problems]
            if any(p.unsupported for p in error.problems):
                problems.append(ImportProblem(None, SKIP_HINT))
            raise ImportFileError(problems) from error
        skipped = [ImportProblem(p.line, p.message) for p in bank.skipped]
        return QuestionFile(
            _category_document(bank.questions, bank.categories), skipped
        )
    if format == "moodle-xml":
        bank = read_moodle_xml(data, skip_unsupported=skip_unsupported)
        return QuestionFile(
            _category_document(bank.questions, bank.categories),
            bank.skipped,
            bank.images,
        )
    return QuestionFile(read_file(data, format=format, key="questions"))


def read_document(data: bytes | str, *, format: str, key: str = "questions") -> dict:
    """Decode a file into a document with a `key` list (questions by default)."""
    if key == "questions":
        return read_questions(data, format=format).document
    return read_file(data, format=format, key=key)


def guess_format(name: str, data: bytes | str = b"") -> str:
    """
    A question file's format from its name, or from its start for a Moodle XML
    file with another name: yaml, json, gift or moodle-xml.
    """
    head = data[:512]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    head = head.lstrip("\ufeff \t\r\n")
    if Path(name).suffix.lower() == ".xml" or (
        head.startswith("<") and "<quiz" in head
    ):
        return "moodle-xml"
    return guess_file_format(name)


# --- checking ---------------------------------------------------------------


def _slugs(entries: object) -> set:
    if not isinstance(entries, list):
        return set()
    return {e.get("slug") for e in entries if isinstance(e, dict)}


class _Checker:
    def __init__(
        self, document: dict, context: dict, *, require_explanation: bool
    ) -> None:
        self.document = document
        self.context = context
        self.require_explanation = require_explanation
        self.problems: list[ImportProblem] = []
        self.topic_slugs = set(Topic.objects.values_list("slug", flat=True))
        self.topic_slugs |= _slugs(document.get("topics"))
        self.topic_slugs |= _slugs(context.get("topics"))
        self.question_slugs = _slugs(document.get("questions"))
        self.question_slugs |= _slugs(context.get("questions"))
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

    def slug_list(self, item: dict, key: str, line) -> list[str]:
        """`item[key]` when it is a list of slugs; otherwise a problem and []."""
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(line, f"{key} must be a list of slugs.")
            return []
        return value

    def text(self, item, key, line, what, *, required=True, limit=None) -> None:
        value = item.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(line, f"{what} needs a non-empty '{key}' text.")
        elif limit and len(value) > limit:
            self.add(line, f"{what}'s '{key}' is longer than {limit} characters.")

    def check_topics(self):
        names = dict(Topic.objects.values_list("name", "slug"))
        for topic in self.context.get("topics") or []:
            if isinstance(topic, dict) and isinstance(topic.get("name"), str):
                names.setdefault(topic["name"], topic.get("slug"))
        for topic in self.entries("topics", TOPIC_KEYS, "Topic"):
            line = topic.get(LINE)
            self.text(topic, "name", line, "A topic", limit=100)
            if not isinstance(topic.get("name"), str):
                continue
            owner = names.setdefault(topic.get("name"), topic.get("slug"))
            if owner != topic.get("slug"):
                self.add(
                    line, f"The topic name '{topic['name']}' is taken by '{owner}'."
                )
            for key, known in [
                ("category", self.category_slugs),
                ("area", self.area_slugs),
            ]:
                if topic.get(key) and not _known(topic[key], known):
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
        self.text(
            q, "explanation", line, "A question", required=self.require_explanation
        )
        if "source" in q and (problem := source_problem(q["source"])):
            self.add(line, f"Question '{q.get('slug')}': {problem}")
        if q.get("difficulty", 1) not in Difficulty.values:
            self.add(line, "difficulty must be 1, 2 or 3.")
        if "mark" in q and (problem := mark_problem(q["mark"])):
            self.add(line, f"Question '{q.get('slug')}': {problem}")
        for slug in self.slug_list(q, "topics", line):
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
        number = tolerance = None
        if kind == QuestionType.NUMERICAL:
            number, tolerance = self.numerical(q, line)
            answer = None
        elif answer is not None and not isinstance(answer, bool):
            self.add(line, "answer must be true or false.")
            answer = None
        elif "tolerance" in q:
            self.add(line, "tolerance is only for numerical questions.")
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
            if q.get(key) and not _known(q[key], known):
                self.add(line, f"Unknown {key.removeprefix('sort_')} '{q[key]}'.")
        for slug in self.slug_list(q, "sort_areas", line):
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
            numerical_answer=number,
            numerical_tolerance=tolerance,
        )
        for messages in problems.values():
            for message in messages:
                self.add(line, f"Question '{q.get('slug')}': {message}")

    def numerical(self, q: dict, line) -> tuple[Decimal | None, Decimal | None]:
        """A numerical question's `answer` and `tolerance` (0 when missing)."""
        values: list[Decimal | None] = []
        for key, default in [("answer", None), ("tolerance", 0)]:
            value = q.get(key, default)
            if value is None:
                values.append(None)
            elif problem := number_problem(value, key):
                self.add(line, f"Question '{q.get('slug')}': {problem}")
                values.append(Decimal(0) if key == "answer" else None)
            else:
                values.append(Decimal(str(value)))
        return values[0], values[1]

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
            for slug in self.slug_list(quiz, "questions", line):
                if slug not in known:
                    self.add(line, f"Unknown question '{slug}'.")
            for draw in quiz.get("draws") or []:
                if not isinstance(draw, dict) or not _known(
                    draw.get("topic"), self.topic_slugs
                ):
                    self.add(line, f"A draw needs a known topic, not {draw!r}.")
                elif not isinstance(draw.get("count"), int) or draw["count"] < 1:
                    self.add(
                        line, "A draw's count must be a whole number of 1 or more."
                    )


def _known(value: object, known: set[str]) -> bool:
    """Whether a file's value is one of the slugs known (a mapping is not)."""
    return isinstance(value, str) and value in known


def _existing_question_slugs() -> set[str]:
    from .models import Question

    return set(Question.objects.values_list("slug", flat=True))


def check_document(
    document: dict, context: dict | None = None, *, require_explanation: bool = False
) -> dict:
    """
    Check every part of a document; raise ImportFileError listing every problem.
    References may also point to the topics and questions of `context`, the
    document of every shipped file this one is loaded with.

    An imported question may come without an explanation (the admin lists it as
    needing one); the shipped bank passes `require_explanation`, because what we
    ship always explains itself.
    """
    checker = _Checker(document, context or {}, require_explanation=require_explanation)
    checker.check_topics()
    checker.check_questions()
    checker.check_quizzes()
    if checker.problems:
        raise ImportFileError(checker.problems)
    return strip_lines(document)


# --- writing to the database and back -------------------------------------


def _question_parts(question: Question) -> tuple:
    """What an import rewrites besides the question's own fields."""
    return (
        sorted(question.topics.values_list("pk", flat=True)),
        sorted(question.sort_areas.values_list("pk", flat=True)),
        list(question.choices.values_list("text", "is_correct", "feedback")),
    )


def _quiz_parts(quiz: Quiz) -> tuple:
    """What an import rewrites besides the quiz's own fields."""
    return (
        list(quiz.items.values_list("question_id", "order")),
        list(quiz.draws.values_list("topic_id", "count")),
    )


def _study_slugs(study: TopicStudy | None) -> dict[str, str | None]:
    """The guide, category and area slugs of where to study a topic."""
    return {
        "guide": study.guide.slug if study and study.guide_id else None,
        "category": study.category.slug if study and study.category_id else None,
        "area": study.area.slug if study and study.area_id else None,
    }


@transaction.atomic
def questions_import(
    *, document: dict, update: bool = True, images: list[Image] = ()
) -> Counter:
    """
    Write a checked document (see check_document): topics, questions
    and quizzes, keyed by slug, and the images its texts show (see
    read_questions). With `update=False` rows that exist are left as
    they are, so shipped content never overwrites an administrator's edits.
    """
    upsert = Upsert(update=update)
    if added := images_store(list(images)):
        upsert.counts["images created"] += added
    categories = {c.slug: c for c in ServiceCategory.objects.all()}
    areas = {a.slug: a for a in ResponsibilityArea.objects.all()}
    services = {s.slug: s for s in Service.objects.all()}
    guides = {g.slug: g for g in Guide.objects.all()}
    for entry in document.get("topics") or []:
        topic, written = upsert(
            Topic,
            {"slug": entry["slug"]},
            {"name": entry["name"], "description": entry.get("description", "")},
        )
        if written:
            # Where to study a topic belongs to the responsibility model.
            TopicStudy.objects.update_or_create(
                topic=topic,
                defaults={
                    "guide": guides.get(entry.get("guide")),
                    "category": categories.get(entry.get("category")),
                    "area": areas.get(entry.get("area")),
                },
            )
    topics = {t.slug: t for t in Topic.objects.all()}
    for entry in document.get("questions") or []:
        request = entry.get("request") or {}
        with upsert.row(
            Question,
            {"slug": entry["slug"]},
            {
                "type": entry["type"],
                "prompt": entry["prompt"],
                "explanation": entry.get("explanation", ""),
                "difficulty": entry.get("difficulty", 1),
                "mark": mark_value(entry.get("mark", 1)),
                **_answer_fields(entry),
                "sort_category": categories.get(entry.get("sort_category")),
                "sort_service": services.get(entry.get("sort_service")),
                "policy_document": entry.get("policy", ""),
                "policy_kind": entry.get("policy_kind", PolicyKind.IDENTITY),
                "request_principal": request.get("principal", ""),
                "request_action": request.get("action", ""),
                "request_resource": request.get("resource", ""),
                "request_context": request.get("context") or {},
                "accepted_answers": "\n".join(entry.get("accepted_answers") or []),
                "source": entry.get("source", ""),
            },
            parts=_question_parts,
        ) as (question, written):
            if not written:
                continue
            question.topics.set([topics[slug] for slug in entry.get("topics") or []])
            question.sort_areas.set(
                [areas[slug] for slug in entry.get("sort_areas") or []]
            )
            question.choices.all().delete()
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    text=choice["text"],
                    is_correct=choice.get("correct", False),
                    feedback=choice.get("feedback", ""),
                    order=order,
                )
                for order, choice in enumerate(entry.get("choices") or [])
            )
    questions = {q.slug: q for q in Question.objects.all()}
    for order, entry in enumerate(document.get("quizzes") or []):
        with upsert.row(
            Quiz,
            {"slug": entry["slug"]},
            {
                "title": entry["title"],
                "description": entry.get("description", ""),
                "order": entry.get("order", order),
                "is_published": entry.get("published", True),
                "pass_mark": entry.get("pass_mark", 70),
                "attempt_limit": entry.get("attempt_limit") or 0,
                "time_limit_minutes": entry.get("time_limit_minutes"),
                "feedback_mode": entry.get("feedback", FeedbackMode.IMMEDIATE),
            },
            parts=_quiz_parts,
        ) as (quiz, written):
            if not written:
                continue
            quiz.items.all().delete()
            QuizQuestion.objects.bulk_create(
                QuizQuestion(quiz=quiz, question=questions[slug], order=position)
                for position, slug in enumerate(entry.get("questions") or [])
            )
            quiz.draws.all().delete()
            QuizDraw.objects.bulk_create(
                QuizDraw(quiz=quiz, topic=topics[draw["topic"]], count=draw["count"])
                for draw in entry.get("draws") or []
            )
    # Bulk writes send no signals: tell the page cache explicitly.
    content_changed()
    return upsert.counts


def questions_load(*, update: bool = False) -> Counter:
    """
    Load the question bank shipped in quizzes/content/, every *.yaml file in order
    of name, as one bank (see curriculum.loading): a question may use a topic
    another file defines. A bad file raises ContentLoadError naming it, and
    nothing is written.
    """
    return shipped_files_load(
        sorted(QUESTIONS_DIR.glob("*.yaml")),
        read=lambda data: read_document(data, format="yaml"),
        check=partial(check_document, require_explanation=True),
        write=questions_import,
        sections=("topics", "questions", "quizzes"),
        update=update,
    )


def _answer_fields(entry: dict) -> dict:
    """A checked entry's `answer` (and `tolerance`) as the question's fields."""
    if entry["type"] == QuestionType.NUMERICAL:
        return {
            "true_false_answer": None,
            "numerical_answer": Decimal(str(entry["answer"])),
            "numerical_tolerance": Decimal(str(entry.get("tolerance", 0))),
        }
    return {
        "true_false_answer": entry.get("answer"),
        "numerical_answer": None,
        "numerical_tolerance": 0,
    }


def _question_entry(question: Question) -> dict:
    entry: dict = {
        "slug": question.slug,
        "type": question.type,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "topics": [t.slug for t in question.topics.all()],
    }
    # Written only when it is not 1, so that files without marks stay as they were.
    if question.mark != 1:
        entry["mark"] = number_value(question.mark)
    match question.type:
        case QuestionType.SINGLE | QuestionType.MULTIPLE:
            entry["choices"] = [
                {"text": c.text, "correct": c.is_correct, "feedback": c.feedback}
                for c in question.choices.all()
            ]
        case QuestionType.TRUE_FALSE:
            entry["answer"] = question.true_false_answer
        case QuestionType.SORT:
            if question.sort_category_id:
                entry["sort_category"] = question.sort_category.slug
            if question.sort_service_id:
                entry["sort_service"] = question.sort_service.slug
            entry["sort_areas"] = [a.slug for a in question.sort_areas.all()]
        case QuestionType.POLICY:
            entry["policy"] = question.policy_document
            entry["policy_kind"] = question.policy_kind
            entry["request"] = {
                "principal": question.request_principal,
                "action": question.request_action,
                "resource": question.request_resource,
                "context": question.request_context,
            }
        case QuestionType.SHORT:
            entry["accepted_answers"] = question.accepted_answer_list
        case QuestionType.NUMERICAL:
            entry["answer"] = number_value(question.numerical_answer)
            entry["tolerance"] = number_value(question.numerical_tolerance)
    if question.source:
        entry["source"] = question.source
    return entry


def questions_export(*, questions=None, with_quizzes: bool = True) -> dict:
    """A document of the given questions (all by default), their topics and quizzes."""
    if questions is None:
        questions = Question.objects.all()
    questions = list(
        questions.select_related("sort_category", "sort_service").prefetch_related(
            "topics", "choices", "sort_areas"
        )
    )
    topic_ids = {t.pk for q in questions for t in q.topics.all()}
    topics = Topic.objects.filter(pk__in=topic_ids).select_related(*STUDY_RELATED)
    document: dict = {
        "topics": [
            {
                key: value
                for key, value in {
                    "slug": t.slug,
                    "name": t.name,
                    "description": t.description,
                    **_study_slugs(getattr(t, "study", None)),
                }.items()
                if value is not None
            }
            for t in topics
        ],
        "questions": [_question_entry(q) for q in questions],
    }
    if with_quizzes:
        slugs = {q.slug for q in questions}
        quizzes = Quiz.objects.prefetch_related("items__question", "draws__topic")
        document["quizzes"] = [
            {
                "slug": quiz.slug,
                "title": quiz.title,
                "description": quiz.description,
                "order": quiz.order,
                "published": quiz.is_published,
                "pass_mark": quiz.pass_mark,
                "attempt_limit": quiz.attempt_limit,
                "time_limit_minutes": quiz.time_limit_minutes,
                "feedback": quiz.feedback_mode,
                "questions": [i.question.slug for i in quiz.items.all()],
                "draws": [
                    {"topic": d.topic.slug, "count": d.count} for d in quiz.draws.all()
                ],
            }
            for quiz in quizzes
            if all(i.question.slug in slugs for i in quiz.items.all())
            and all(d.topic_id in topic_ids for d in quiz.draws.all())
        ]
    return document

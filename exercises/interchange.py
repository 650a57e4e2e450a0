"""
Exercise files in and out: YAML or JSON, see docs/exercise-format.md.

Checking collects every problem before anything is written; `exercises_import`
writes only a clean file, and `exercises_load` loads the exercises shipped in
exercises/content/.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from curriculum.cache import content_changed
from curriculum.files import (
    LINE,
    ImportFileError,
    ImportProblem,
    read_document,
    strip_lines,
)
from curriculum.loading import Upsert, shipped_files_load
from curriculum.models import Difficulty, Topic
from curriculum.sources import source_problem

from .models import Exercise, ExerciseKind, ExercisePolicyKind, Hint, TestRequest
from .validation import exercise_problems

EXERCISE_KEYS = {
    "slug", "title", "kind", "policy_kind", "difficulty", "topics", "scenario",
    "starter", "reference", "hints", "tests", "samples", "order", "source",
}  # fmt: skip
TEST_KEYS = {
    "label", "principal", "action", "resource", "context", "resource_account",
    "expected", "visible",
}  # fmt: skip

# The shipped exercises are every *.yaml file here, read in order of name.
EXERCISES_DIR = Path(__file__).resolve().parent / "content"
EXERCISES_FILE = EXERCISES_DIR / "exercises.yaml"


def read_exercises(data: bytes | str, *, format: str) -> dict:
    """Decode an exercise file; raise ImportFileError naming lines."""
    return read_document(data, format=format, key="exercises")


def check_exercises(document: dict) -> dict:
    """Check every exercise; raise ImportFileError listing every problem."""
    problems: list[ImportProblem] = []
    topic_slugs = set(Topic.objects.values_list("slug", flat=True))
    seen: set[str] = set()
    for index, entry in enumerate(document.get("exercises") or [], 1):
        if not isinstance(entry, dict):
            problems.append(ImportProblem(None, f"Exercise {index} must be a mapping."))
            continue
        line = entry.get(LINE)
        before = len(problems)

        def add(message: str, at: int | None = line) -> None:
            problems.append(ImportProblem(at, message))

        slug = entry.get("slug")
        if not isinstance(slug, str) or not slug or slugify(slug) != slug:
            add("An exercise needs a slug of lowercase letters, digits and hyphens.")
        elif slug in seen:
            add(f"The slug '{slug}' appears twice.")
        seen.add(slug if isinstance(slug, str) else "")
        if unknown := set(entry) - EXERCISE_KEYS - {LINE}:
            add(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        for key in ("title", "scenario", "reference"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                add(f"An exercise needs a non-empty '{key}' text.")
        if "source" in entry and (found := source_problem(entry["source"])):
            add(f"Exercise '{slug}': {found}")
        if not isinstance(entry.get("starter", ""), str):
            add("starter must be text.")
        if entry.get("kind") not in ExerciseKind.values:
            add(f"kind must be one of {', '.join(ExerciseKind.values)}.")
        if entry.get("policy_kind", "identity") not in ExercisePolicyKind.values:
            add(f"policy_kind must be one of {', '.join(ExercisePolicyKind.values)}.")
        if entry.get("difficulty", 1) not in Difficulty.values:
            add("difficulty must be 1, 2 or 3.")
        for topic in entry.get("topics") or []:
            if topic not in topic_slugs:
                add(f"Unknown topic '{topic}'.")
        hints = entry.get("hints") or []
        if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
            add("hints must be a list of texts.")
        tests = entry.get("tests") or []
        if not isinstance(tests, list) or not all(isinstance(t, dict) for t in tests):
            add("tests must be a list of mappings.")
            tests = []
        for test in tests:
            if unknown := set(test) - TEST_KEYS - {LINE}:
                add(f"A test has unknown field(s): {', '.join(sorted(unknown))}.",
                    test.get(LINE, line))  # fmt: skip
        if len(problems) > before:
            continue  # the engine checks need a well-formed entry
        found = exercise_problems(
            kind=entry["kind"],
            policy_kind=entry.get("policy_kind", "identity"),
            starter=entry.get("starter", ""),
            reference=entry["reference"],
            tests=[strip_lines(t) for t in tests],
        )
        for messages in found.values():
            for message in messages:
                add(f"Exercise '{slug}': {message}")
    if problems:
        raise ImportFileError(problems)
    return strip_lines(document)


def _exercise_parts(exercise: Exercise) -> tuple:
    """What an import rewrites besides the exercise's own fields."""
    return (
        sorted(exercise.topics.values_list("pk", flat=True)),
        list(exercise.hints.values_list("text", flat=True)),
        list(
            exercise.tests.values_list(
                "label", "principal", "action", "resource", "context",
                "resource_account", "expected", "visible",
            )
        ),
    )  # fmt: skip


@transaction.atomic
def exercises_import(*, document: dict, update: bool = True) -> Counter:
    """
    Write a checked document (see check_exercises), keyed by slug.
    With `update=False` existing exercises are left as an administrator edited them.
    """
    upsert = Upsert(update=update)
    topics = {t.slug: t for t in Topic.objects.all()}
    for order, entry in enumerate(document.get("exercises") or []):
        values = {
            "title": entry["title"],
            "kind": entry["kind"],
            "policy_kind": entry.get("policy_kind", "identity"),
            "difficulty": entry.get("difficulty", 1),
            "scenario": entry["scenario"],
            "starter": entry.get("starter", ""),
            "reference": entry["reference"],
            "order": entry.get("order", order),
            "source": entry.get("source", ""),
        }
        with upsert.row(
            Exercise, {"slug": entry["slug"]}, values, parts=_exercise_parts
        ) as (exercise, written):
            if not written:
                continue
            exercise.topics.set([topics[slug] for slug in entry.get("topics") or []])
            exercise.hints.all().delete()
            Hint.objects.bulk_create(
                Hint(exercise=exercise, text=text, order=i)
                for i, text in enumerate(entry.get("hints") or [])
            )
            exercise.tests.all().delete()
            TestRequest.objects.bulk_create(
                TestRequest(
                    exercise=exercise,
                    label=test["label"],
                    principal=test.get(
                        "principal", "arn:aws:iam::123456789012:user/alice"
                    ),
                    action=test["action"],
                    resource=test.get("resource", "*"),
                    context=test.get("context") or {},
                    resource_account=test.get("resource_account") or "",
                    expected=test["expected"],
                    visible=test.get("visible", True),
                    order=i,
                )
                for i, test in enumerate(entry.get("tests") or [])
            )
    # Bulk writes send no signals: tell the page cache explicitly.
    content_changed()
    return upsert.counts


def exercises_load(*, update: bool = False) -> Counter:
    """
    Load the exercises shipped in exercises/content/, every *.yaml file in order
    of name (see curriculum.loading): a bad file, or a slug two files share,
    raises ContentLoadError naming the file, and nothing is written.
    """
    return shipped_files_load(
        sorted(EXERCISES_DIR.glob("*.yaml")),
        read=lambda data: read_exercises(data, format="yaml"),
        # Exercises refer only to topics, in the database by now.
        check=lambda document, merged: check_exercises(document),
        write=exercises_import,
        sections=("exercises",),
        update=update,
    )


def exercises_export(*, exercises=None) -> dict:
    """A document of the given exercises (all by default), in the import format."""
    if exercises is None:
        exercises = Exercise.objects.all()
    exercises = exercises.prefetch_related("topics", "hints", "tests")
    return {
        "exercises": [
            {
                "slug": e.slug,
                "title": e.title,
                "kind": e.kind,
                "policy_kind": e.policy_kind,
                "difficulty": e.difficulty,
                "order": e.order,
                "topics": [t.slug for t in e.topics.all()],
                "scenario": e.scenario,
                "starter": e.starter,
                "reference": e.reference,
                **({"source": e.source} if e.source else {}),
                "hints": [h.text for h in e.hints.all()],
                "tests": [
                    {
                        "label": t.label,
                        "principal": t.principal,
                        "action": t.action,
                        "resource": t.resource,
                        "context": t.context,
                        "resource_account": t.resource_account or None,
                        "expected": t.expected,
                        "visible": t.visible,
                    }
                    for t in e.tests.all()
                ],
            }
            for e in exercises
        ]
    }

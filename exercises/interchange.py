"""Reading and checking exercise files: YAML or JSON, see docs/exercise-format.md."""

from django.utils.text import slugify

from curriculum.models import Difficulty, Topic
from quizzes.interchange import (
    LINE,
    ImportFileError,
    ImportProblem,
    read_document,
    strip_lines,
)

from .models import ExerciseKind, ExercisePolicyKind
from .validation import exercise_problems

EXERCISE_KEYS = {
    "slug", "title", "kind", "policy_kind", "difficulty", "topics", "scenario",
    "starter", "reference", "hints", "tests", "samples", "order",
}  # fmt: skip
TEST_KEYS = {
    "label", "principal", "action", "resource", "context", "resource_account",
    "expected", "visible",
}  # fmt: skip


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

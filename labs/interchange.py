"""
Lab files in and out: YAML or JSON.

The labs shipped with the trainer live one per file in labs/content/<slug>.yaml,
each a mapping with the keys in LAB_KEYS. An import file holds one such mapping,
or a `labs` list of them (what `export_labs` writes).

Checking collects every problem of every lab before anything is written, naming
the file, the lab and the place: an unknown key, a setup that fails, a goal
written wrongly, a starting account that already meets every goal, a solution
that does not meet them all (``operations.lab_problems``). `labs_import` writes
only a clean document, in one transaction.
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
from curriculum.loading import ContentLoadError, Upsert
from curriculum.models import Difficulty, Topic

from .models import Lab
from .operations import lab_problems

LAB_KEYS = {
    "slug", "title", "summary", "difficulty", "topics", "brief", "setup",
    "goals", "solution", "hints", "source", "order",
}  # fmt: skip
REQUIRED_TEXTS = ("slug", "title", "summary", "brief")

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def read_labs(data: bytes | str, *, format: str) -> dict:
    """Decode a lab file (one lab, or a `labs` list); raise ImportFileError."""
    document = read_document(data, format=format, key="labs")
    if "labs" not in document and "slug" in document:
        document = {"labs": [document]}
    return document


def _entry_problems(entry: dict, topic_slugs: set[str]) -> list[str]:
    """What is wrong with one lab's fields, before its account is tried."""
    found = []
    if unknown := set(entry) - LAB_KEYS - {LINE}:
        found.append(f"unknown key(s): {', '.join(sorted(unknown))}")
    for key in REQUIRED_TEXTS:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            found.append(f"needs a non-empty '{key}' text")
    slug = entry.get("slug")
    if isinstance(slug, str) and slug and slugify(slug) != slug:
        found.append("the slug is lowercase letters, digits and hyphens")
    if entry.get("difficulty", Difficulty.EASY) not in Difficulty.values:
        found.append("difficulty must be 1, 2 or 3")
    order = entry.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        found.append("order must be a whole number, 0 or more")
    topics = entry.get("topics") or []
    if not isinstance(topics, list):
        found.append("topics must be a list of topic slugs")
        topics = []
    for topic in topics:
        if topic not in topic_slugs:
            found.append(f"unknown topic '{topic}'")
    hints = entry.get("hints") or []
    if not isinstance(hints, list) or not all(
        isinstance(h, str) and h.strip() for h in hints
    ):
        found.append("hints must be a list of texts")
    source = entry.get("source", "")
    if not isinstance(source, str) or (
        source and not source.startswith("https://docs.aws.amazon.com/")
    ):
        found.append("source must be an address under https://docs.aws.amazon.com/")
    return found


def check_labs(document: dict) -> dict:
    """Check every lab; raise ImportFileError listing every problem, each
    naming the lab and the place. Returns the document without line marks."""
    problems: list[ImportProblem] = []
    topic_slugs = set(Topic.objects.values_list("slug", flat=True))
    seen: set[str] = set()
    for index, entry in enumerate(document.get("labs") or [], 1):
        if not isinstance(entry, dict):
            problems.append(ImportProblem(None, f"Lab {index} must be a mapping."))
            continue
        line = entry.get(LINE)
        name = entry.get("slug") if isinstance(entry.get("slug"), str) else None
        label = f"Lab '{name}'" if name else f"Lab {index}"
        if name in seen:
            problems.append(ImportProblem(line, f"{label}: the slug appears twice."))
        seen.add(name or "")
        found = _entry_problems(entry, topic_slugs)
        if not found:
            clean = strip_lines(entry)
            found = [
                str(problem)
                for problem in lab_problems(
                    setup=clean.get("setup") or [],
                    goals=clean.get("goals") or [],
                    solution=clean.get("solution") or [],
                )
            ]
        problems.extend(
            ImportProblem(line, f"{label}: {message.rstrip('.')}.") for message in found
        )
    if problems:
        raise ImportFileError(problems)
    return strip_lines(document)


def _lab_parts(lab: Lab) -> list[int]:
    return sorted(lab.topics.values_list("pk", flat=True))


@transaction.atomic
def labs_import(*, document: dict, update: bool = True) -> Counter:
    """
    Write a checked document (see check_labs), keyed by slug. With
    `update=False` existing labs are left as an administrator edited them.
    """
    upsert = Upsert(update=update)
    topics = {t.slug: t for t in Topic.objects.all()}
    for order, entry in enumerate(document.get("labs") or []):
        values = {
            "title": entry["title"],
            "summary": entry["summary"],
            "brief": entry["brief"],
            "difficulty": entry.get("difficulty", Difficulty.EASY),
            "setup": entry.get("setup") or [],
            "goals": entry["goals"],
            "solution": entry.get("solution") or [],
            "hints": entry.get("hints") or [],
            "source": entry.get("source", ""),
            "order": entry.get("order", order),
        }
        with upsert.row(Lab, {"slug": entry["slug"]}, values, parts=_lab_parts) as (
            lab,
            written,
        ):
            if written:
                lab.topics.set([topics[slug] for slug in entry.get("topics") or []])
    content_changed()
    return upsert.counts


def labs_load(*, update: bool = False) -> Counter:
    """
    Load the labs shipped in labs/content/ (see curriculum.loading). Every file
    is read and checked before anything is written: a bad file raises
    ContentLoadError naming it and every problem, and no lab is loaded.
    """
    labs = []
    problems = []
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        try:
            document = check_labs(read_labs(path.read_bytes(), format="yaml"))
        except ImportFileError as exc:
            problems.append(f"{path.name}:\n{exc}")
            continue
        for entry in document["labs"]:
            if entry["slug"] != path.stem:
                problems.append(
                    f"{path.name}: the lab's slug '{entry['slug']}' is not the "
                    "file's name."
                )
        labs.extend(document["labs"])
    if problems:
        raise ContentLoadError("\n".join(problems))
    return labs_import(document={"labs": labs}, update=update)


def labs_export(*, labs=None) -> dict:
    """A document of the given labs (all by default), in the import format,
    solutions included."""
    if labs is None:
        labs = Lab.objects.all()
    labs = labs.prefetch_related("topics")
    return {
        "labs": [
            {
                "slug": lab.slug,
                "title": lab.title,
                "summary": lab.summary,
                "difficulty": lab.difficulty,
                "order": lab.order,
                "topics": [t.slug for t in lab.topics.all()],
                "source": lab.source,
                "brief": lab.brief,
                "setup": lab.setup,
                "goals": lab.goals,
                "solution": lab.solution,
                "hints": lab.hints,
            }
            for lab in labs
        ]
    }

"""
What Moodle's two question formats (GIFT and Moodle XML) share here: how a
question category becomes a topic, and the problem a question type we cannot
represent raises, which `--skip-unsupported` turns into a skipped question.

A Moodle category is a path such as ``$course$/top/IAM/Roles``. Its context
marker (``$course$``, ``$system$``, ``$module$``, ``$cat1$``, ...) and the root
``top`` are not topics. Our topics are flat, so the rest of the path maps to
one topic: its name is the last segment (``Roles``) and its slug that name
slugified (``roles``), unless the category carries an ``idnumber`` that is a
slug, which then is the topic's slug (our Moodle XML export writes the topic's
slug there, so topics come back exactly). The whole path is kept in the new
topic's description. A category whose name is already an existing topic's name
files its questions under that topic. Two paths of one file with the same last
segment (``IAM/Roles``, ``S3/Roles``) are two topics: the first keeps the plain
name and slug, a later one is named after its parent too (``S3 / Roles``,
``s3-roles``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

MAX_SLUG_LENGTH = 80  # SluggedModel.slug
MAX_TOPIC_NAME = 100  # Topic.name

_CONTEXT_SEGMENT = re.compile(r"\$\w*\$")
# A single / separates segments; Moodle writes a literal / as //.
_SEPARATOR = re.compile(r"(?<!/)/(?!/)")


def slugify(value: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens, like Django's slugify."""
    ascii_text = (
        unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class Category:
    """The topic a Moodle category path stands for."""

    slug: str
    name: str
    path: str  # the segments that are topics, joined with " / "
    description: str = ""  # Moodle XML's <info>, as Markdown
    # Our own export's topic fields Moodle has no place for: guide, category, area.
    study: tuple[tuple[str, str], ...] = ()
    line: int | None = None  # where the category is set, for problems with it


def category_from_path(path: str, *, idnumber: str = "") -> Category | None:
    """
    The topic of a category path, or None when the path names no topic (empty,
    only a context marker and ``top``, or nothing that slugifies).
    """
    segments = [
        segment.replace("//", "/").strip() for segment in _SEPARATOR.split(path.strip())
    ]
    segments = [
        segment
        for segment in segments
        if segment and segment != "top" and not _CONTEXT_SEGMENT.fullmatch(segment)
    ]
    if not segments:
        return None
    name = segments[-1][:MAX_TOPIC_NAME].strip()
    idnumber = idnumber.strip()
    if idnumber and slugify(idnumber) == idnumber and len(idnumber) <= 80:
        slug = idnumber
    else:
        slug = slugify(name)[:MAX_SLUG_LENGTH].strip("-")
    if not slug:
        return None
    path = " / ".join(segments)
    return Category(
        slug=slug,
        name=name,
        path=path,
        description=f"Imported from the Moodle question category {path}.",
    )


def category_register(categories: dict[str, Category], category: Category) -> Category:
    """
    Add a category read from a file to the file's ``categories`` (by slug) and
    return the topic its questions go to: the one already there for the same
    path, or this one, renamed after its parent when an earlier path of the file
    ended in the same name (``S3 / Roles``, ``s3-roles``, then ``-2``, ...).
    """
    known = categories.get(category.slug)
    if known is None:
        categories[category.slug] = category
        return category
    for other in categories.values():
        if other.path == category.path:
            return other
    segments = category.path.split(" / ")[-2:]
    base = slugify(" ".join(segments))[:MAX_SLUG_LENGTH].strip("-") or category.slug
    slug, number = base, 1
    while slug in categories:
        number += 1
        suffix = f"-{number}"
        slug = base[: MAX_SLUG_LENGTH - len(suffix)].strip("-") + suffix
    name = " / ".join(segments)[:MAX_TOPIC_NAME].strip()
    category = replace(category, slug=slug, name=name)
    categories[slug] = category
    return category


def unsupported_message(kind: str) -> str:
    """The words of every 'type we cannot represent' problem, in both formats."""
    return f"{kind} are not supported by this trainer"


SKIP_HINT = (
    "Import with --skip-unsupported (or tick 'Skip unsupported questions' in the "
    "admin) to import the rest and skip these."
)


def make_slugs_unique(questions: list[dict]) -> None:
    """Number repeated slugs within one file: ``x``, ``x-2``, ``x-3``, ..."""
    used: set[str] = {question["slug"] for question in questions}
    seen: set[str] = set()
    counters: dict[str, int] = {}
    for question in questions:
        base = question["slug"]
        if base not in seen:
            seen.add(base)
            continue
        number = counters.get(base, 1)
        candidate = base
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        counters[base] = number
        used.add(candidate)
        seen.add(candidate)
        question["slug"] = candidate


def join_unique(parts) -> str:
    """Feedback texts joined as paragraphs, empty ones and repeats left out."""
    kept: list[str] = []
    for part in parts:
        if part and part not in kept:
            kept.append(part)
    return "\n\n".join(kept)

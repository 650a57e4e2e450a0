"""
A trainee's record on the practice that is not a quiz, for the progress page.

The progress page belongs to quizzes, which may not import the apps beside it
(exercises). So, as with content loaders, each such app registers from its
AppConfig.ready() the dotted path of a function `records(user) ->
list[PracticeRecord]`, and the page asks every registered one. Each function
reads in a fixed number of queries, however many items there are.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PracticeRecord:
    """One piece of practice (an exercise) and a trainee's record on it."""

    title: str
    url: str
    kind: str
    solved: bool
    attempts: int
    best_score: float  # a fraction from 0 to 1


@dataclass(frozen=True)
class PracticeSection:
    """The practice of one app, under its heading, as the progress page lists it."""

    app: str
    title: str
    attempts_label: str
    records: list[PracticeRecord]
    item_label: str = "Exercise"
    kind_label: str = "Kind"


@dataclass(frozen=True)
class _Source:
    app: str
    title: str
    attempts_label: str
    path: str
    item_label: str
    kind_label: str


_sources: dict[str, _Source] = {}


def practice_source_register(
    *,
    app: str,
    title: str,
    attempts_label: str,
    path: str,
    item_label: str = "Exercise",
    kind_label: str = "Kind",
) -> None:
    """
    Register `app`'s practice for the progress page: `path` names a function
    `records(user) -> list[PracticeRecord]`; `title` heads its section,
    `attempts_label` names what `PracticeRecord.attempts` counts ("Checks"),
    and `item_label` and `kind_label` head the columns of a record's title and
    kind ("Lab", "Difficulty").
    """
    _sources[app] = _Source(app, title, attempts_label, path, item_label, kind_label)


def practice_sections(user) -> list[PracticeSection]:
    """The registered practice with `user`'s record, in the order apps registered."""
    sections = []
    for source in _sources.values():
        # Resolved on each call, so a test can replace the function it names.
        records: Callable[..., list[PracticeRecord]] = import_string(source.path)
        sections.append(
            PracticeSection(
                app=source.app,
                title=source.title,
                attempts_label=source.attempts_label,
                records=records(user),
                item_label=source.item_label,
                kind_label=source.kind_label,
            )
        )
    return sections

"""
Loading the curriculum shipped in the repository, and writing content by slug.

Each content app registers the loader of its shipped files from its
AppConfig.ready(), naming the apps whose content it refers to; `content_load_all`
runs them in that order in one transaction (`manage.py load_content`). Every
loader, and every import of a file, writes rows through an `Upsert`: it adds
what is missing and leaves rows an administrator edited alone unless asked to
update them.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.module_loading import import_string

from .files import ImportFileError


class ContentLoadError(Exception):
    """Shipped content that cannot be loaded; the message names the file."""


@dataclass(frozen=True)
class ContentLoader:
    """A content app's loader: `path` names `load(*, update: bool) -> Counter`."""

    app: str
    path: str
    after: tuple[str, ...] = ()

    def load(self, *, update: bool) -> Counter:
        # Resolved on each call, so a test can replace the function it names.
        function: Callable[..., Counter] = import_string(self.path)
        return function(update=update)


_loaders: dict[str, ContentLoader] = {}


def content_loader_register(
    *, app: str, path: str, after: tuple[str, ...] = ()
) -> None:
    """
    Register `app`'s loader, the dotted path of a function `load(*, update)` that
    raises ContentLoadError on a bad file. It runs after the loaders of `after`.
    """
    _loaders[app] = ContentLoader(app=app, path=path, after=after)


def content_loaders() -> list[ContentLoader]:
    """The registered loaders, each after those whose content it refers to."""
    graph = {app: loader.after for app, loader in _loaders.items()}
    order = TopologicalSorter(graph).static_order()
    return [_loaders[app] for app in order if app in _loaders]


@transaction.atomic
def content_load_all(*, update: bool = False) -> Counter:
    """
    Run every registered loader: everything loads or nothing does. Returns the
    counts of rows created and updated.
    """
    counts: Counter = Counter()
    for loader in content_loaders():
        counts.update(loader.load(update=update))
    return counts


def shipped_files_load(
    paths: list[Path],
    *,
    read: Callable[[bytes], dict],
    check: Callable[[dict, dict], dict],
    write: Callable[..., Counter],
    sections: tuple[str, ...],
    update: bool,
) -> Counter:
    """
    Load an app's shipped files as one document. `read` decodes each file's bytes;
    the lists of `sections` are merged in the order of `paths`, a slug repeated
    across files is refused naming both; `check(document, merged)` checks each
    file, resolving its references against `merged`, so an entry in one file may
    use what another defines. `write(document=..., update=...)` writes the merged,
    checked document. A bad file raises ContentLoadError naming the file and every
    problem, before anything is written.
    """
    documents: dict[Path, dict] = {}
    for path in paths:
        try:
            documents[path] = read(path.read_bytes())
        except ImportFileError as exc:
            raise ContentLoadError(f"{path.name}:\n{exc}") from exc
    merged = documents_merge(documents, sections=sections)
    checked: dict = {section: [] for section in sections}
    for path, document in documents.items():
        try:
            clean = check(document, merged)
        except ImportFileError as exc:
            raise ContentLoadError(f"{path.name}:\n{exc}") from exc
        for section in sections:
            checked[section].extend(clean.get(section) or [])
    return write(document=checked, update=update)


def documents_merge(documents: dict[Path, dict], *, sections: tuple[str, ...]) -> dict:
    """
    One document holding the entries of every file's `sections`, in file order.
    A slug that a section of an earlier file already has raises ContentLoadError
    naming both files; what is not a list or a mapping is left to the checks.
    """
    merged: dict = {section: [] for section in sections}
    for section in sections:
        owners: dict[str, Path] = {}
        for path, document in documents.items():
            entries = document.get(section)
            if not isinstance(entries, list):
                continue
            for entry in entries:
                slug = entry.get("slug") if isinstance(entry, dict) else None
                if isinstance(slug, str) and owners.setdefault(slug, path) != path:
                    raise ContentLoadError(
                        f"{path.name}:\nThe slug '{slug}' ({section}) is already "
                        f"in {owners[slug].name}."
                    )
            merged[section].extend(entries)
    return merged


def _check_lengths(model: type[models.Model], lookup: dict, values: dict) -> None:
    """A text longer than its column is refused here, naming the row: SQLite
    would store it, and PostgreSQL refuse it with a database error."""
    for key, value in {**lookup, **values}.items():
        try:
            limit = model._meta.get_field(key).max_length
        except FieldDoesNotExist:
            continue
        if limit and isinstance(value, str) and len(value) > limit:
            name = lookup.get("slug", lookup)
            raise ContentLoadError(
                f"{model._meta.verbose_name} {name!r}: {key} is {len(value):,} "
                f"characters; it may have at most {limit:,}."
            )


class Upsert:
    """
    Write rows by their natural key: create the missing ones; overwrite existing
    ones only with `update=True`, and count a row as updated only when one of its
    values (or, through `row`, one of its parts) changed. `counts` says what was
    created and updated, per model.
    """

    def __init__(self, *, update: bool) -> None:
        self.update = update
        self.counts: Counter[str] = Counter()

    def __call__(
        self, model: type[models.Model], lookup: dict, values: dict
    ) -> tuple[models.Model, bool]:
        """
        The row matching `lookup`, with `values` written when created or when
        updating; the flag says whether it was written.
        """
        existing = model.objects.filter(**lookup).first()
        obj, state = self._write(model, lookup, values, existing)
        self._count(model, state)
        return obj, state != "kept"

    @contextmanager
    def row(
        self,
        model: type[models.Model],
        lookup: dict,
        values: dict,
        *,
        parts: Callable[[models.Model], object],
    ) -> Iterator[tuple[models.Model, bool]]:
        """
        Like calling the Upsert, for a row whose parts (choices, hints) the block
        rewrites when the flag says the row was written. `parts(row)` reads them
        for comparison: the row counts as updated when its values or parts changed.
        """
        existing = model.objects.filter(**lookup).first()
        before = parts(existing) if existing is not None and self.update else None
        obj, state = self._write(model, lookup, values, existing)
        yield obj, state != "kept"
        if state == "same" and parts(obj) != before:
            state = "changed"
        self._count(model, state)

    def _write(
        self,
        model: type[models.Model],
        lookup: dict,
        values: dict,
        existing: models.Model | None,
    ) -> tuple[models.Model, str]:
        _check_lengths(model, lookup, values)
        if existing is None:
            return model.objects.create(**lookup, **values), "created"
        if not self.update:
            return existing, "kept"
        if all(getattr(existing, key) == value for key, value in values.items()):
            return existing, "same"
        for key, value in values.items():
            setattr(existing, key, value)
        existing.full_clean()
        existing.save()
        return existing, "changed"

    def _count(self, model: type[models.Model], state: str) -> None:
        label = model._meta.verbose_name_plural
        if state == "created":
            self.counts[f"{label} created"] += 1
        elif state == "changed":
            self.counts[f"{label} updated"] += 1

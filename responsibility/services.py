"""Writes to the responsibility model."""

from collections import Counter
from pathlib import Path

from django.db import transaction

from curriculum.loading import Upsert

from .content import CONTENT_DIR, read_content
from .models import (
    Duty,
    Guide,
    ResponsibilityArea,
    Service,
    ServiceCategory,
    ServiceDuty,
)


def _fields(entry: dict, names: tuple[str, ...]) -> dict:
    return {name: entry.get(name, "") for name in names}


@transaction.atomic
def content_load(*, directory: Path = CONTENT_DIR, update: bool = False) -> Counter:
    """
    Load the shipped curriculum: add what is missing, keep what an admin edited.

    With `update=True`, rows that exist are overwritten from the files. Either
    everything loads or nothing does. Returns counts of what was created and
    updated.
    """
    content = read_content(directory)
    upsert = Upsert(update=update)

    areas = {
        entry["slug"]: upsert(
            ResponsibilityArea,
            {"slug": entry["slug"]},
            _fields(entry, ("name", "order", "description")),
        )[0]
        for entry in content.areas
    }
    categories = {}
    for entry in content.categories:
        category, _ = upsert(
            ServiceCategory,
            {"slug": entry["slug"]},
            _fields(
                entry,
                (
                    "name",
                    "order",
                    "summary",
                    "aws_manages",
                    "customer_manages",
                    "examples",
                    "note",
                ),
            ),  # fmt: skip
        )
        categories[entry["slug"]] = category
        for area_slug, duty in entry.get("duties", {}).items():
            upsert(
                Duty,
                {"category": category, "area": areas[area_slug]},
                _fields(duty, ("owner", "explanation")),
            )
    for entry in content.services:
        values = _fields(
            entry,
            ("name", "short_name", "description", "docs_url", "placement", "source"),
        )
        service, _ = upsert(
            Service,
            {"slug": entry["slug"]},
            {**values, "category": categories[entry["category"]]},
        )
        for area_slug, duty in (entry.get("overrides") or {}).items():
            upsert(
                ServiceDuty,
                {"service": service, "area": areas[area_slug]},
                _fields(duty, ("owner", "explanation")),
            )
    for entry in content.guides:
        upsert(
            Guide,
            {"slug": entry["slug"]},
            _fields(entry, ("title", "order", "summary", "body", "source")),
        )
    return upsert.counts

"""
The activities a course can launch: published quizzes, exercises and labs,
named in a link by ``kind:slug`` (the ``activity`` custom parameter).
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.models import Exercise
from labs.models import Lab
from quizzes.models import Quiz

from .models import ActivityKind

CUSTOM_PARAMETER = "activity"

MODELS = {
    ActivityKind.QUIZ: Quiz,
    ActivityKind.EXERCISE: Exercise,
    ActivityKind.LAB: Lab,
}


@dataclass(frozen=True)
class Activity:
    """One launchable activity: its kind, slug, title and page."""

    kind: ActivityKind
    slug: str
    title: str
    url: str

    @property
    def reference(self) -> str:
        """How a link names it: ``quiz:iam-basics``."""
        return f"{self.kind}:{self.slug}"


def _activity(kind: ActivityKind, item) -> Activity:
    return Activity(kind, item.slug, item.title, item.get_absolute_url())


def activity_find(reference: str) -> Activity | None:
    """The published activity ``reference`` names, or None."""
    kind, _, slug = (reference or "").partition(":")
    if kind not in MODELS or not slug:
        return None
    item = (
        MODELS[ActivityKind(kind)]
        .objects.filter(slug=slug, is_published=True)
        .only("slug", "title")
        .first()
    )
    return None if item is None else _activity(ActivityKind(kind), item)


def activities_published() -> dict[ActivityKind, list[Activity]]:
    """Every published activity, by kind, in each kind's own order."""
    return {
        kind: [
            _activity(kind, item)
            for item in model.objects.filter(is_published=True).only("slug", "title")
        ]
        for kind, model in MODELS.items()
    }

"""
A per-process cache of what pages build from the curriculum.

Content (categories, duties, guides, questions, quizzes, exercises) changes
rarely and is read on almost every request, so rebuilding it from the database
and re-rendering it each time is most of a page's cost. Each process keeps what it
built in a dictionary keyed by the curriculum's version token (see models.py):

- any save, delete or many-to-many change of a content model, and every import,
  replaces the token in the same transaction;
- a request reads the token once (one small query) and, when it differs from the
  one the process's entries were built under, drops them all.

So an edit is visible on the next request in every process, and a rolled-back
edit leaves the old token and the old entries, which still match the database.
Cached objects are shared between requests: treat them as read-only.
"""

import threading
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import CurriculumVersion

# Models whose rows are curriculum; results (attempts, answers, submissions) and
# workshops are not, and never invalidate the cache.
CONTENT_MODELS = (
    "responsibility.ServiceCategory",
    "responsibility.ResponsibilityArea",
    "responsibility.Duty",
    "responsibility.Service",
    "responsibility.ServiceDuty",
    "responsibility.Guide",
    "responsibility.TopicStudy",
    "curriculum.Topic",
    "quizzes.Question",
    "quizzes.Choice",
    "quizzes.Quiz",
    "quizzes.QuizQuestion",
    "quizzes.QuizDraw",
    "exercises.Exercise",
    "exercises.Hint",
    "exercises.TestRequest",
)

_VERSION_ATTRIBUTE = "_curriculum_version"
_lock = threading.Lock()
_entries: dict[str, Any] = {}
_built_under: list[str | None] = [None]
# Bumped on every change made by this process, so that a request which changed
# content reads the (new, uncommitted) token again instead of its memo.
_generation = [0]


def content_changed(**kwargs) -> None:
    """Give the curriculum a new version token, in the current transaction."""
    token = uuid.uuid4().hex
    if not CurriculumVersion.objects.filter(pk=1).update(token=token):
        CurriculumVersion.objects.update_or_create(pk=1, defaults={"token": token})
    with _lock:
        _entries.clear()
        _built_under[0] = None
        _generation[0] += 1


def _on_m2m_changed(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and type(instance) in _content_classes():
        content_changed()


# Resolved once: m2m_changed fires for every many-to-many write in the project,
# a guest joining a workshop (its groups) included.
@cache
def _content_classes() -> frozenset[type]:
    return frozenset(apps.get_model(label) for label in CONTENT_MODELS)


def watch_content_models() -> None:
    """Connect the signals that replace the token when content is written."""
    for model in _content_classes():
        uid = f"curriculum:{model._meta.label}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid + ":del")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid="curriculum:m2m")


def current_version(request=None) -> str:
    """The token as the database has it now, read once per request."""
    generation = _generation[0]
    memo = getattr(request, _VERSION_ATTRIBUTE, None)
    if memo is not None and memo[1] == generation:
        return memo[0]
    version = _read_token()
    if request is not None:
        setattr(request, _VERSION_ATTRIBUTE, (version, generation))
    return version


def _read_token() -> str:
    # Read on every request that uses the cache: plain SQL costs a fifth of
    # what building the equivalent ORM query does.
    table = connection.ops.quote_name(CurriculumVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [1])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else ""


def cached(request, key: str, build: Callable[[], Any]) -> Any:
    """What `build()` returns for the current curriculum, built once per process."""
    version = current_version(request)
    with _lock:
        if _built_under[0] != version:
            _entries.clear()
            _built_under[0] = version
        if key in _entries:
            return _entries[key]
    value = build()
    with _lock:
        if _built_under[0] == version:
            _entries[key] = value
    return value

"""
A per-process cache of what pages build from the curriculum.

Content (categories, duties, guides, questions, quizzes, exercises) changes
rarely and is read on almost every request, so rebuilding it from the database
and re-rendering it each time is most of a page's cost. What pages build goes
into Django's cache framework, the local-memory cache `CACHE_ALIAS` (see
CACHES in config/settings.py), under keys prefixed with the curriculum's
version token (see models.py):

- any save, delete or many-to-many change of a content model, and every import,
  replaces the token in the same transaction;
- a request reads the token once (one small query), so the entries built under
  an older token are never read again and the cache drops them as it fills.

So an edit is visible on the next request in every process, and a rolled-back
edit leaves the old token and the old entries, which still match the database.
The local-memory cache keeps values pickled: each read is a copy, so a request
may change what it gets (attributes set by a view included) without another
request seeing it. What `build()` returns must therefore pickle; model
instances and their prefetched querysets do.

Which models are content is up to the apps that own them: an app's AppConfig
lists its model names in `content_models`, so this lower layer never names them.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.cache import caches
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import CurriculumVersion

CACHE_ALIAS = "curriculum"
_VERSION_ATTRIBUTE = "_curriculum_version"
_MISSING = object()

# How many times this process has changed content. A request's memo of the token
# is valid only for the count it was read under, so a request that changed
# content reads the (new, uncommitted) token again.
_writes = 0


def content_changed(**kwargs) -> None:
    """Give the curriculum a new version token, in the current transaction."""
    global _writes
    token = uuid.uuid4().hex
    if not CurriculumVersion.objects.filter(pk=1).update(token=token):
        CurriculumVersion.objects.update_or_create(pk=1, defaults={"token": token})
    _writes += 1


def content_models() -> frozenset[type[Model]]:
    """The models whose rows are curriculum, as their apps declare them.

    Results (attempts, answers, submissions) and workshops are not content and
    never replace the token."""
    return frozenset(
        config.get_model(name)
        for config in apps.get_app_configs()
        for name in getattr(config, "content_models", ())
    )


def watch_content_models() -> None:
    """Connect the signals that replace the token when content is written."""
    models = content_models()
    for model in models:
        uid = f"curriculum:{model._meta.label}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid + ":del")

    # m2m_changed fires for every many-to-many write in the project, a guest
    # joining a workshop (its groups) included: only content's count.
    def on_m2m_changed(sender, instance, action: str, **kwargs) -> None:
        if action.startswith("post_") and type(instance) in models:
            content_changed()

    m2m_changed.connect(on_m2m_changed, weak=False, dispatch_uid="curriculum:m2m")


def current_version(request=None) -> str:
    """The token as the database has it now, read once per request."""
    writes = _writes
    memo = getattr(request, _VERSION_ATTRIBUTE, None)
    if memo is not None and memo[1] == writes:
        return memo[0]
    # The table's one row (pk=1), read without a filter: building a WHERE clause
    # costs more than running the query.
    tokens = list(CurriculumVersion.objects.values_list("token", flat=True))
    version = tokens[0] if tokens else ""
    if request is not None:
        setattr(request, _VERSION_ATTRIBUTE, (version, writes))
    return version


def cached(request, key: str, build: Callable[[], Any]) -> Any:
    """A copy of what `build()` returns for the current curriculum.

    Built once per process and curriculum version; `build()` may return None."""
    store = caches[CACHE_ALIAS]
    versioned_key = f"{current_version(request)}:{key}"
    value = store.get(versioned_key, _MISSING)
    if value is _MISSING:
        value = build()
        store.set(versioned_key, value)
    return value

"""
A way back to the workshop from the pages of a quiz, an exercise or a lab done
in it.

Quizzes, exercises and labs never import workshops, and their views need not know
them: this context processor, listed in settings, looks at which page is being
rendered and, only on a quiz review, an exercise page or a lab page, finds the
workshop. base.html shows the note when there is one. Everywhere else it costs
nothing: the value is lazy and decided by the URL's name before any query.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .models import Workshop, WorkshopAttempt, WorkshopState

_EXERCISE_PAGES = {"exercise", "check", "predict"}


@dataclass(frozen=True)
class WorkshopReturn:
    """The workshop a page's quiz attempt or exercise belongs to, for a link back."""

    title: str
    url: str
    closed: bool
    # The attempt on this page was submitted by the instructor closing the workshop.
    submitted_at_close: bool = False


def _for_attempt(user, attempt_pk: int) -> WorkshopReturn | None:
    row = (
        WorkshopAttempt.objects.filter(attempt_id=attempt_pk, attempt__user_id=user.pk)
        .values_list(
            "workshop_id",
            "workshop__title",
            "workshop__state",
            "workshop__closed_at",
            "attempt__submitted_at",
        )
        .first()
    )
    if row is None:
        return None
    pk, title, state, closed_at, submitted_at = row
    closed = state == WorkshopState.CLOSED
    return WorkshopReturn(
        title=title,
        url=reverse("workshops:agenda", args=[pk]),
        closed=closed,
        submitted_at_close=closed
        and submitted_at is not None
        and submitted_at == closed_at,
    )


# Stand-ins for the query's parameters, found again in the compiled SQL's list.
_USER, _SLUG = -7_331, "\0slug"


@cache
def _item_sql(kind: str) -> tuple[str, tuple[int, int, int]]:
    """The query of ``_for_item``, compiled by the ORM once per process and kind
    of item (exercise, lab), and where its three parameters go: a page then pays
    for running it (0.05 ms), not for compiling it (0.6 ms, on the exercise page
    that the load test's attackers reload nonstop)."""
    query = (
        Workshop.objects.filter(
            memberships__user=_USER, **{f"items__{kind}__slug": _SLUG}
        )
        .exclude(state=WorkshopState.DRAFT)
        .order_by("-memberships__joined_at")
        .values_list("pk", "title", "state")[:1]
    )
    sql, params = query.query.sql_with_params()
    stand_ins = (_USER, _SLUG, WorkshopState.DRAFT.value)
    if sorted(map(str, params)) != sorted(map(str, stand_ins)):
        raise RuntimeError(f"the query's parameters changed: {params!r}")
    return sql, tuple(params.index(value) for value in stand_ins)


def _for_item(user, slug: str, kind: str) -> WorkshopReturn | None:
    """The workshop, not a draft, whose agenda has this exercise or lab (``kind``)
    and that the user joined last."""
    sql, places = _item_sql(kind)
    values = (user.pk, slug, WorkshopState.DRAFT.value)
    params = [None] * len(values)
    for place, value in zip(places, values, strict=True):
        params[place] = value
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, title, state = row
    return WorkshopReturn(
        title=title,
        url=reverse("workshops:agenda", args=[pk]),
        closed=state == WorkshopState.CLOSED,
    )


def _find(request) -> WorkshopReturn | None:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return None
    if match.namespace == "quizzes" and match.url_name == "review":
        return _for_attempt(user, match.kwargs["pk"])
    if match.namespace == "exercises" and match.url_name in _EXERCISE_PAGES:
        return _for_item(user, match.kwargs["slug"], "exercise")
    if match.namespace == "labs" and match.url_name == "lab":
        return _for_item(user, match.kwargs["slug"], "lab")
    return None


def workshop_return(request) -> dict:
    """`workshop_return`: a WorkshopReturn, or a falsy lazy None."""
    return {"workshop_return": SimpleLazyObject(lambda: _find(request))}

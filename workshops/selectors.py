"""
Queries over workshops that views share: who runs or joined which workshop, the
workshop a quiz or exercise is being done in, the workshop a join code names.

The dashboard lives in dashboard.py, its misconceptions in misconceptions.py and
join throttling in throttling.py.
"""

from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Q

from exercises.models import Submission
from quizzes.models import Attempt, Quiz

from .models import Workshop, WorkshopState


def display_name(user: User) -> str:
    """A guest's chosen name, else the full name, else the username."""
    profile = getattr(user, "guest_profile", None)
    if profile is not None:
        return profile.display_name
    return user.get_full_name() or user.get_username()


def workshops_taught(user: User):
    """The workshops `user` runs (every workshop, for a superuser)."""
    workshops = Workshop.objects.all()
    if not user.is_superuser:
        workshops = workshops.filter(instructors=user)
    return workshops


def workshops_joined(user: User):
    return Workshop.objects.filter(memberships__user=user).exclude(
        state=WorkshopState.DRAFT
    )


def workshop_for(
    *,
    user: User,
    quiz: Quiz | None = None,
    exercise=None,
    closed_since: datetime | None = None,
):
    """
    The open workshop in which `user` is doing this quiz or exercise: one they
    joined, where it is on the agenda and unlocked. The latest joined wins.
    None when they are practising on their own.

    With `closed_since`, a workshop that closed at or after that moment counts
    too (it was open when the trainee began), so that the caller can refuse.
    """
    item = Q(items__unlocked_at__isnull=False)
    item &= Q(items__quiz=quiz) if quiz is not None else Q(items__exercise=exercise)
    state = Q(state=WorkshopState.OPEN)
    if closed_since is not None:
        state |= Q(state=WorkshopState.CLOSED, closed_at__gte=closed_since)
    return (
        Workshop.objects.filter(item, state, memberships__user=user)
        .order_by("-memberships__joined_at")
        .first()
    )


def workshop_of_attempt(attempt: Attempt) -> Workshop | None:
    """The workshop an attempt was made in, if any."""
    return Workshop.objects.filter(attempt_links__attempt=attempt).first()


def workshop_of_submission(submission: Submission) -> Workshop | None:
    """The workshop a submission was made in, if any."""
    return Workshop.objects.filter(submission_links__submission=submission).first()


def workshop_by_code(code: str) -> Workshop | None:
    """The workshop a join code names: the running one, else the latest closed one."""
    workshops = Workshop.objects.filter(code=code)
    running = workshops.exclude(state=WorkshopState.CLOSED).first()
    return running or workshops.order_by("-closed_at", "-pk").first()

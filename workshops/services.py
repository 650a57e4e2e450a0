"""Writes for workshops: creating and pacing them, joining, guests, throttling."""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.groups import TRAINEES
from accounts.names import clean_name
from exercises.models import Exercise
from labs.models import Lab
from quizzes.models import Attempt, AttemptStatus, Quiz
from quizzes.services import attempt_submit

from .models import (
    AgendaItem,
    GuestProfile,
    Membership,
    Workshop,
    WorkshopState,
    code_generate,
)

CODE_TRIES = 20


class WorkshopError(Exception):
    """An action the workshop's state refuses; the message says why."""


def _join_refusal(workshop: Workshop) -> str | None:
    if workshop.is_draft:
        return (
            f"“{workshop.title}” has not opened yet. Try again when your "
            "instructor opens it."
        )
    if workshop.is_closed:
        return f"“{workshop.title}” is closed: it takes no new trainees."
    return None


@transaction.atomic
def workshop_create(
    *,
    title: str,
    created_by: User,
    date=None,
    show_leaderboard: bool = False,
    contents: Iterable[Quiz | Exercise | Lab] = (),
) -> Workshop:
    """
    Create a draft workshop run by `created_by`, with a fresh join code and the
    given quizzes, exercises and labs as its agenda, in order.
    """
    for _ in range(CODE_TRIES):
        try:
            with transaction.atomic():
                workshop = Workshop.objects.create(
                    title=title,
                    created_by=created_by,
                    show_leaderboard=show_leaderboard,
                    code=code_generate(),
                    **({"date": date} if date else {}),
                )
            break
        except IntegrityError:
            continue  # that code is taken by a workshop still running: draw again
    else:
        raise WorkshopError("Could not find a free join code; try again.")
    workshop.instructors.add(created_by)
    agenda_set(workshop=workshop, contents=contents)
    return workshop


@transaction.atomic
def agenda_set(
    *, workshop: Workshop, contents: Iterable[Quiz | Exercise | Lab]
) -> None:
    """
    Make the agenda exactly `contents`, in that order. An item kept from the old
    agenda keeps its unlocked state; a closed workshop's agenda cannot change.
    """
    if workshop.is_closed:
        raise WorkshopError("A closed workshop's agenda cannot change.")
    old = {
        (item.quiz_id, item.exercise_id, item.lab_id): item
        for item in workshop.items.select_for_update()
    }
    wanted = []
    for content in contents:
        if isinstance(content, Quiz):
            key = (content.pk, None, None)
        elif isinstance(content, Lab):
            key = (None, None, content.pk)
        else:
            key = (None, content.pk, None)
        if key not in wanted:
            wanted.append(key)
    workshop.items.exclude(
        pk__in=[old[key].pk for key in wanted if key in old]
    ).delete()
    for order, key in enumerate(wanted):
        item = old.get(key)
        if item is None:
            AgendaItem.objects.create(
                workshop=workshop,
                order=order,
                quiz_id=key[0],
                exercise_id=key[1],
                lab_id=key[2],
            )
        elif item.order != order:
            item.order = order
            item.save(update_fields=["order"])


def _locked(workshop: Workshop) -> Workshop:
    """Lock the row, and bring the caller's copy up to date with it."""
    Workshop.objects.select_for_update().filter(pk=workshop.pk).values("pk").get()
    workshop.refresh_from_db()
    return workshop


@transaction.atomic
def workshop_open(*, workshop: Workshop, now: datetime | None = None) -> Workshop:
    """Open a draft for joining. The first agenda item is unlocked with it."""
    workshop = _locked(workshop)
    if not workshop.is_draft:
        raise WorkshopError(
            f"Only a draft can be opened; this one is {workshop.state}."
        )
    if not workshop.items.exists():
        raise WorkshopError(
            "Add at least one quiz, exercise or lab to the agenda first."
        )
    workshop.state = WorkshopState.OPEN
    workshop.opened_at = now or timezone.now()
    workshop.save(update_fields=["state", "opened_at"])
    if not workshop.items.filter(unlocked_at__isnull=False).exists():
        item_unlock_next(workshop=workshop, now=now)
    return workshop


@transaction.atomic
def item_unlock_next(
    *, workshop: Workshop, now: datetime | None = None
) -> AgendaItem | None:
    """Unlock the first locked item of the agenda; None when all are unlocked."""
    workshop = _locked(workshop)
    if workshop.is_closed:
        raise WorkshopError("The workshop is closed.")
    item = workshop.items.filter(unlocked_at__isnull=True).first()
    if item is not None:
        item.unlocked_at = now or timezone.now()
        item.save(update_fields=["unlocked_at"])
    return item


@transaction.atomic
def items_unlock_all(*, workshop: Workshop, now: datetime | None = None) -> int:
    """Unlock every item still locked; returns how many were."""
    workshop = _locked(workshop)
    if workshop.is_closed:
        raise WorkshopError("The workshop is closed.")
    return workshop.items.filter(unlocked_at__isnull=True).update(
        unlocked_at=now or timezone.now()
    )


@transaction.atomic
def workshop_close(*, workshop: Workshop, now: datetime | None = None) -> Workshop:
    """
    Close the workshop: no new joins, answers or submissions. Quiz attempts still
    open in it are submitted as they stand, so its results are final; nothing is
    deleted but the networks its room joined from.
    """
    workshop = _locked(workshop)
    if workshop.is_closed:
        return workshop
    now = now or timezone.now()
    workshop.state = WorkshopState.CLOSED
    workshop.closed_at = now
    workshop.save(update_fields=["state", "closed_at"])
    workshop.networks.all().delete()  # a closed workshop takes no joins
    for attempt in Attempt.objects.filter(
        workshop_link__workshop=workshop, status=AttemptStatus.IN_PROGRESS
    ):
        attempt_submit(attempt=attempt, now=now)
    return workshop


def _code_free(workshop: Workshop) -> bool:
    """Whether no other running workshop uses this workshop's code."""
    running = Workshop.objects.exclude(state=WorkshopState.CLOSED)
    return not running.filter(code=workshop.code).exclude(pk=workshop.pk).exists()


@transaction.atomic
def workshop_reopen(*, workshop: Workshop) -> tuple[Workshop, bool]:
    """
    Open a closed workshop again: it takes joins, answers and submissions once
    more; attempts submitted at closing stay submitted. A code unique among
    running workshops may have been taken meanwhile: then it gets a fresh one.
    Returns the workshop and whether its code changed.
    """
    workshop = _locked(workshop)
    if not workshop.is_closed:
        raise WorkshopError("Only a closed workshop can be reopened.")
    workshop.state = WorkshopState.OPEN
    workshop.closed_at = None
    changed = not _code_free(workshop)
    for _ in range(CODE_TRIES):
        if changed:
            workshop.code = code_generate()
        try:
            with transaction.atomic():
                workshop.save(update_fields=["state", "closed_at", "code"])
            return workshop, changed
        except IntegrityError:
            changed = True  # taken meanwhile, or the fresh one is: draw again
    raise WorkshopError("Could not find a free join code; try again.")


@transaction.atomic
def workshop_duplicate(*, workshop: Workshop, created_by: User) -> Workshop:
    """A new draft with the same title (marked as a copy), leaderboard setting,
    instructors and agenda, a fresh join code and today's date."""
    copy = workshop_create(
        title=f"{workshop.title} (copy)"[
            : Workshop._meta.get_field("title").max_length
        ],
        created_by=created_by,
        show_leaderboard=workshop.show_leaderboard,
        contents=[
            item.content
            for item in workshop.items.select_related("quiz", "exercise", "lab")
        ],
    )
    copy.instructors.add(*workshop.instructors.all())
    return copy


def joining_lock(*, workshop: Workshop, locked: bool) -> Workshop:
    """Stop (or allow again) new participants; members keep their place."""
    return _switch(workshop, "joining_locked", locked)


def participant_remove(*, workshop: Workshop, user_id: int) -> str:
    """Take a participant out of the workshop: off the dashboard and the agenda.
    Their results stay in the database. Returns their name for the message;
    raises WorkshopError for someone who is not a participant."""
    membership = (
        Membership.objects.filter(workshop=workshop, user_id=user_id)
        .select_related("user__guest_profile")
        .first()
    )
    if membership is None:
        raise WorkshopError("That person is not in this workshop.")
    user = membership.user
    profile = getattr(user, "guest_profile", None)
    name = profile.display_name if profile else user.get_username()
    membership.delete()
    return name


def leaderboard_show(*, workshop: Workshop, shown: bool) -> Workshop:
    """Show or hide the leaderboard on the dashboard and the projector."""
    return _switch(workshop, "show_leaderboard", shown)


@transaction.atomic
def _switch(workshop: Workshop, field: str, value: bool) -> Workshop:
    """Sets one of the instructor's switches. Raises WorkshopError for a closed
    workshop, as every other control does."""
    if workshop.is_closed:
        raise WorkshopError("The workshop is closed.")
    setattr(workshop, field, value)
    workshop.save(update_fields=[field])
    return workshop


_LOCKED = "“{title}” takes no new participants now: ask your instructor."


def membership_join(*, workshop: Workshop, user: User) -> tuple[Membership, bool]:
    """
    Add `user` to an open workshop; joining again returns the same membership.
    Raises WorkshopError for a draft or a closed workshop, and for a newcomer
    when the instructor has locked joining.
    """
    refusal = _join_refusal(workshop)
    if refusal:
        raise WorkshopError(refusal)
    if workshop.joining_locked:
        found = Membership.objects.filter(workshop=workshop, user=user).first()
        if found is None:
            raise WorkshopError(_LOCKED.format(title=workshop.title))
        return found, False
    try:
        with transaction.atomic():
            return Membership.objects.get_or_create(workshop=workshop, user=user)
    except IntegrityError:
        # The same trainee joined from two tabs at once.
        return Membership.objects.get(workshop=workshop, user=user), False


def _guest_username(display_name: str) -> str:
    base = slugify(display_name)[:24].strip("-") or "guest"
    return f"{base}-{secrets.token_hex(3)}"


@transaction.atomic(savepoint=False)  # no savepoint of its own inside guest_join
def guest_create(*, display_name: str) -> User:
    """
    A lightweight trainee account for someone who joins with only a name.

    The password is unusable, and no hasher runs: creating a guest costs a couple
    of inserts, so a room of newcomers joining at once is not slowed down. The
    owner can set a password later to sign in elsewhere and keep their results.
    """
    display_name = clean_name(display_name)
    trainees, _ = Group.objects.get_or_create(name=TRAINEES)
    for _ in range(CODE_TRIES):
        user = User(username=_guest_username(display_name), first_name=display_name)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
            break
        except IntegrityError:
            continue
    else:
        raise WorkshopError("Could not create your account; try again.")
    GuestProfile.objects.create(user=user, display_name=display_name)
    user.groups.add(trainees)
    return user


@transaction.atomic
def guest_join(*, workshop: Workshop, display_name: str) -> User:
    """Create a guest account and make it a member of the open `workshop`."""
    refusal = _join_refusal(workshop)
    if refusal:
        raise WorkshopError(refusal)
    if workshop.joining_locked:
        raise WorkshopError(_LOCKED.format(title=workshop.title))
    user = guest_create(display_name=display_name)
    # A brand-new account has no membership to find or race for.
    Membership.objects.create(workshop=workshop, user=user)
    return user

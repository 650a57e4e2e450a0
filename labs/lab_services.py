"""Playing a lab: open its account, check it against the goals, start over.

Kept apart from ``services.py`` (the console's calls on any practice account):
these are the writes of the lab pages, the admin's "Try as a trainee" and the
workshops' dashboards read what they store.

A check is stored on the practice account (``PracticeAccount.last_check``) as a
``CheckRecord``, so the lab page can show it again and a workshop's dashboard
can score it without checking every account again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from iam.account.goals import GoalError, GoalResult, check_goals, describe
from iam.account.state import account_to_state

from .models import Lab, PracticeAccount
from .operations import OperationError, lab_account
from .services import account_load, history_noted

# Sent with `practice`, `met` and `total` (goals) by lab_check inside its
# transaction, after the check is stored; apps built on labs (LTI's gradebook
# scores) listen without labs importing them.
lab_checked = Signal()


class LabError(Exception):
    """A lab that cannot be played as it stands (an administrator's edit broke
    its setup); the message says so in words for the trainee."""


class GoalRecord(TypedDict):
    goal: dict
    sentence: str
    passed: bool
    message: str
    request: dict | None


class CheckRecord(TypedDict):
    """One Check of a lab's account, as stored in ``last_check``."""

    at: str
    met: int
    total: int
    goals: list[GoalRecord]


@dataclass(frozen=True)
class LabCheck:
    """What a Check found, for the page: every goal's result."""

    results: list[GoalResult]
    solved_now: bool  # this check solved the lab for the first time

    @property
    def met(self) -> int:
        return sum(result.passed for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def solved(self) -> bool:
        return self.met == self.total


def _starting_state(lab: Lab) -> dict:
    try:
        account = lab_account(lab.setup)
    except OperationError as error:
        raise LabError(
            f"This lab's starting account cannot be built ({error}). Tell an "
            "administrator."
        ) from None
    return account_to_state(account)


def lab_account_for(*, user, lab: Lab) -> PracticeAccount | None:
    """The user's account for ``lab``, if they opened it."""
    return PracticeAccount.objects.filter(user=user, lab=lab).first()


def lab_account_open(*, user, lab: Lab) -> PracticeAccount:
    """The user's account for ``lab``: created once, with the setup applied."""
    practice = lab_account_for(user=user, lab=lab)
    if practice is not None:
        return practice
    state = _starting_state(lab)
    try:
        with transaction.atomic():
            return PracticeAccount.objects.create(user=user, lab=lab, state=state)
    except IntegrityError:  # opened at the same moment in another tab
        return PracticeAccount.objects.get(user=user, lab=lab)


def lab_account_reset(*, practice: PracticeAccount) -> None:
    """Start over: the lab's starting account again, the last check forgotten.
    The count of checks and the day it was first solved stay."""
    state = _starting_state(practice.lab)
    with transaction.atomic():
        locked = PracticeAccount.objects.select_for_update().get(pk=practice.pk)
        locked.state = state
        locked.history = history_noted([], "Started the lab over")
        locked.last_check = None
        locked.save(update_fields=["state", "history", "last_check", "updated_at"])
    practice.refresh_from_db()


def _record(results: list[GoalResult]) -> CheckRecord:
    return {
        "at": timezone.now().isoformat(timespec="seconds"),
        "met": sum(result.passed for result in results),
        "total": len(results),
        "goals": [
            {
                "goal": result.goal,
                "sentence": _sentence(result.goal),
                "passed": result.passed,
                "message": result.message,
                "request": result.request,
            }
            for result in results
        ],
    }


def _sentence(goal: dict) -> str:
    try:
        return describe(goal)
    except (GoalError, KeyError, TypeError, AttributeError):  # written wrongly
        return str(goal)


def lab_check(*, practice: PracticeAccount) -> LabCheck:
    """Check the account against its lab's goals: count the check, store it,
    and mark the lab solved the first time every goal is met."""
    lab = practice.lab
    with transaction.atomic():
        locked = PracticeAccount.objects.select_for_update().get(pk=practice.pk)
        results = check_goals(account_load(locked), lab.goals)
        solved_now = all(r.passed for r in results) and locked.solved_at is None
        locked.checks += 1
        locked.last_check = _record(results)
        fields = ["checks", "last_check", "updated_at"]
        if solved_now:
            locked.solved_at = timezone.now()
            fields.append("solved_at")
        locked.save(update_fields=fields)
        lab_checked.send(
            sender=PracticeAccount,
            practice=locked,
            met=sum(r.passed for r in results),
            total=len(results),
        )
    practice.refresh_from_db()
    return LabCheck(results, solved_now)

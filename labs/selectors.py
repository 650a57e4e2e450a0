"""Queries over labs and practice accounts that pages share."""

from __future__ import annotations

from dataclasses import dataclass

from curriculum.progress import PracticeRecord

from .models import Lab, PracticeAccount

NOT_STARTED, IN_PROGRESS, SOLVED = "not started", "in progress", "solved"


def lab_status(practice: PracticeAccount | None) -> str:
    """Not started (no account yet), in progress, or solved (every goal met
    once)."""
    if practice is None:
        return NOT_STARTED
    return SOLVED if practice.solved_at else IN_PROGRESS


def lab_score(practice: PracticeAccount | None) -> float:
    """Goals met at the latest check, as a fraction from 0 to 1; a solved lab
    counts 1 even after starting over."""
    if practice is None:
        return 0.0
    if practice.solved_at:
        return 1.0
    last = practice.last_check
    if not last or not last.get("total"):
        return 0.0
    return last["met"] / last["total"]


@dataclass(frozen=True)
class LabRow:
    lab: Lab
    practice: PracticeAccount | None

    @property
    def status(self) -> str:
        return lab_status(self.practice)


def lab_rows(user, *, include_unpublished: bool = False) -> list[LabRow]:
    """Labs with the user's account on each, in two queries."""
    labs = Lab.objects.prefetch_related("topics")
    if not include_unpublished:
        labs = labs.filter(is_published=True)
    mine = {
        p.lab_id: p
        for p in PracticeAccount.objects.filter(user=user, lab__isnull=False).defer(
            "state", "history"
        )
    }
    return [LabRow(lab, mine.get(lab.pk)) for lab in labs]


def practice_records(user) -> list[PracticeRecord]:
    """Published labs with the user's record on each (solved or not, checks
    made, and the score: 1 once solved, else the share of goals met at the
    latest check), for the progress page: two queries."""
    labs = Lab.objects.filter(is_published=True).only("slug", "title", "difficulty")
    mine = {
        p.lab_id: p
        for p in PracticeAccount.objects.filter(user=user, lab__isnull=False).only(
            "lab_id", "checks", "solved_at", "last_check"
        )
    }
    records = []
    for lab in labs:
        practice = mine.get(lab.pk)
        records.append(
            PracticeRecord(
                title=lab.title,
                url=lab.get_absolute_url(),
                kind=lab.get_difficulty_display(),
                solved=bool(practice and practice.solved_at),
                attempts=practice.checks if practice else 0,
                best_score=lab_score(practice),
            )
        )
    return records


def failing_goals(practice: PracticeAccount) -> list[str]:
    """The goals, in sentences, that the latest check of an unsolved lab found
    unmet (none once solved or before any check)."""
    if practice.solved_at or not practice.last_check:
        return []
    return [
        goal["sentence"]
        for goal in practice.last_check.get("goals", [])
        if not goal.get("passed")
    ]

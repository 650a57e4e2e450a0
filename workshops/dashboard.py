"""
The live dashboard and a trainee's own progress in a workshop.

The dashboard runs a fixed number of queries whatever the number of trainees:
one per kind of record (members, attempts, answers, submissions, lab accounts),
aggregated here.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import User

from exercises.models import Submission
from labs.models import PracticeAccount
from labs.selectors import failing_goals, lab_score
from quizzes.models import Attempt, AttemptStatus, as_percent

from .misconceptions import (
    MISCONCEPTIONS_SHOWN,
    Misconception,
    workshop_policy_misconceptions,
    workshop_wrong_answers,
)
from .models import AgendaItem, Membership, Workshop
from .selectors import display_name

# --- statuses ------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    symbol: str


NOT_STARTED = Status("not_started", "Not started", "–")
IN_PROGRESS = Status("in_progress", "In progress", "…")
PASSED = Status("passed", "Passed", "✔")
FAILED = Status("failed", "Failed", "✘")


@dataclass(frozen=True)
class Cell:
    """One trainee's state on one agenda item; score in percent when there is one."""

    status: Status
    score: float | None = None

    @property
    def points(self) -> float:
        return (self.score or 0.0) / 100

    def __str__(self) -> str:
        # Rendered here once, not by the template: the grid has thousands of cells.
        text = f"{self.status.symbol} {self.status.label}"
        return text if self.score is None else f"{text} · {self.score}%"


EMPTY = Cell(NOT_STARTED)


def _quiz_cells(workshop: Workshop, user_ids=None) -> dict[tuple[int, int], Cell]:
    attempts = Attempt.objects.filter(workshop_link__workshop=workshop)
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=user_ids)
    seen: dict[tuple[int, int], dict] = defaultdict(
        lambda: {"best": None, "passed": False, "open": False, "submitted": False}
    )
    rows = attempts.values_list("user_id", "quiz_id", "status", "score", "passed")
    for user_id, quiz_id, status, score, passed in rows:
        state = seen[(user_id, quiz_id)]
        if status == AttemptStatus.IN_PROGRESS:
            state["open"] = True
            continue
        state["submitted"] = True
        state["passed"] |= bool(passed)
        if score is not None and (state["best"] is None or score > state["best"]):
            state["best"] = score
    cells = {}
    for key, state in seen.items():
        if state["passed"]:
            status = PASSED
        elif state["open"]:
            status = IN_PROGRESS
        else:
            status = FAILED
        cells[key] = Cell(status, as_percent(state["best"]))
    return cells


def _exercise_cells(
    workshop: Workshop, rows: list[tuple]
) -> dict[tuple[int, int], Cell]:
    best: dict[tuple[int, int], float] = {}
    solved: set[tuple[int, int]] = set()
    for user_id, exercise_id, score, correct, *_ in rows:
        key = (user_id, exercise_id)
        best[key] = max(best.get(key, 0.0), score or 0.0)
        if correct:
            solved.add(key)
    # Until the workshop closes, an exercise not solved yet is still being worked on.
    unsolved = FAILED if workshop.is_closed else IN_PROGRESS
    return {
        key: Cell(PASSED if key in solved else unsolved, round(100 * score, 1))
        for key, score in best.items()
    }


def _submission_rows(workshop: Workshop, user_ids=None) -> list[tuple]:
    submissions = Submission.objects.filter(workshop_link__workshop=workshop)
    if user_ids is not None:
        submissions = submissions.filter(user_id__in=user_ids)
    return list(submissions.values_list("user_id", "exercise_id", "score", "correct"))


def _lab_accounts(
    workshop: Workshop, items: list[AgendaItem], user_ids=None
) -> list[PracticeAccount]:
    """The members' accounts for the labs on the agenda: one query, none when
    the agenda has no lab."""
    lab_ids = [item.lab_id for item in items if item.lab_id]
    if not lab_ids:
        return []
    accounts = PracticeAccount.objects.filter(
        lab_id__in=lab_ids, user__workshop_memberships__workshop=workshop
    ).only("user_id", "lab_id", "solved_at", "last_check")
    if user_ids is not None:
        accounts = accounts.filter(user_id__in=user_ids)
    return list(accounts)


def _lab_cells(
    workshop: Workshop, accounts: list[PracticeAccount]
) -> dict[tuple[int, int], Cell]:
    """A lab is passed once every goal was met at a check; until then its score
    is the share of goals the latest check found met."""
    unsolved = FAILED if workshop.is_closed else IN_PROGRESS
    cells = {}
    for account in accounts:
        checked = account.solved_at or account.last_check
        score = round(100 * lab_score(account), 1) if checked else None
        status = PASSED if account.solved_at else unsolved
        cells[(account.user_id, account.lab_id)] = Cell(status, score)
    return cells


def _cell_for(
    cells_quiz, cells_exercise, user_id: int, item: AgendaItem, cells_lab=None
) -> Cell:
    if item.quiz_id:
        return cells_quiz.get((user_id, item.quiz_id), EMPTY)
    if item.lab_id:
        return (cells_lab or {}).get((user_id, item.lab_id), EMPTY)
    return cells_exercise.get((user_id, item.exercise_id), EMPTY)


def trainee_cells(workshop: Workshop, user: User) -> list[tuple[AgendaItem, Cell]]:
    """A trainee's own state on each agenda item, in four queries."""
    items = list(workshop.items.select_related("quiz", "exercise", "lab"))
    quiz_cells = _quiz_cells(workshop, [user.pk])
    exercise_cells = _exercise_cells(workshop, _submission_rows(workshop, [user.pk]))
    lab_cells = _lab_cells(workshop, _lab_accounts(workshop, items, [user.pk]))
    return [
        (item, _cell_for(quiz_cells, exercise_cells, user.pk, item, lab_cells))
        for item in items
    ]


def workshop_failing_goals(
    items: list[AgendaItem], accounts: list[PracticeAccount]
) -> list[Misconception]:
    """The lab goals most often unmet at the trainees' latest checks."""
    titles = {item.lab_id: item.title for item in items if item.lab_id}
    counts: Counter = Counter()
    for account in accounts:
        for sentence in set(failing_goals(account)):
            counts[(account.lab_id, sentence)] += 1
    return [
        Misconception(
            item_title=titles.get(lab_id, ""), context="", text=text, trainees=n
        )
        for (lab_id, text), n in counts.most_common(MISCONCEPTIONS_SHOWN)
    ]


def agenda_version(workshop: Workshop, cells: list[tuple[AgendaItem, Cell]]) -> str:
    """A short digest of what a trainee's agenda shows: the state, and each
    item's lock and the trainee's status on it. Equal digests, same page."""
    shown = [workshop.state] + [
        f"{item.pk}:{item.unlocked}:{cell}" for item, cell in cells
    ]
    return hashlib.blake2b("|".join(shown).encode(), digest_size=8).hexdigest()


# --- the dashboard ---------------------------------------------------------------


@dataclass
class TraineeRow:
    user_id: int
    name: str
    username: str
    is_guest: bool
    cells: list[Cell]

    @cached_property
    def points(self) -> float:
        return round(sum(cell.points for cell in self.cells), 2)

    @cached_property
    def whole_points(self) -> int:
        """Leaderboard points: each item's best score in percent (up to 100 an
        item), added up and rounded: the same ranking as `points`, read aloud."""
        return round(sum(cell.score or 0.0 for cell in self.cells))

    @cached_property
    def passed(self) -> int:
        return sum(cell.status is PASSED for cell in self.cells)


@dataclass
class ItemStats:
    item: AgendaItem
    counts: Counter = field(default_factory=Counter)
    scores: list[float] = field(default_factory=list)

    @property
    def started(self) -> int:
        return sum(n for key, n in self.counts.items() if key != NOT_STARTED.key)

    @property
    def passed(self) -> int:
        return self.counts[PASSED.key]

    @property
    def finished(self) -> int:
        """Trainees done with the item: passed, or failed (a quiz submitted below
        its pass mark, an exercise or a lab unsolved when the workshop closed)."""
        return self.passed + self.counts[FAILED.key]

    @property
    def success_rate(self) -> int | None:
        """Percent of the trainees who started the item that passed it; None
        until someone has finished it, so a room still at work does not read 0%."""
        if not self.finished:
            return None
        return round(100 * self.passed / self.started)

    @property
    def mean_score(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


@dataclass
class Dashboard:
    workshop: Workshop
    items: list[AgendaItem]
    rows: list[TraineeRow]
    stats: list[ItemStats]
    wrong_answers: list[Misconception]
    counterexamples: list[Misconception]
    findings: list[Misconception]
    failing_goals: list[Misconception] = field(default_factory=list)

    @property
    def leaderboard(self) -> list[TraineeRow]:
        ranked = [row for row in self.rows if row.points > 0]
        ranked.sort(key=lambda row: (-row.points, row.name.casefold()))
        return ranked[:10]

    @property
    def unlocked_count(self) -> int:
        return sum(item.unlocked for item in self.items)


def workshop_dashboard(workshop: Workshop) -> Dashboard:
    """
    Everything the live dashboard shows, in a fixed number of queries: trainees by
    agenda items, success per item, the commonest wrong answers, counterexamples
    and lint findings.
    """
    items = list(workshop.items.select_related("quiz", "exercise", "lab"))
    members = list(
        Membership.objects.filter(workshop=workshop).select_related(
            "user", "user__guest_profile"
        )
    )
    quiz_cells = _quiz_cells(workshop)
    submission_rows = _submission_rows(workshop)
    exercise_cells = _exercise_cells(workshop, submission_rows)
    lab_accounts = _lab_accounts(workshop, items)
    lab_cells = _lab_cells(workshop, lab_accounts)
    stats = [ItemStats(item) for item in items]
    rows = []
    for membership in members:
        user = membership.user
        cells = [
            _cell_for(quiz_cells, exercise_cells, user.pk, i, lab_cells) for i in items
        ]
        for stat, cell in zip(stats, cells, strict=True):
            stat.counts[cell.status.key] += 1
            if cell.score is not None:
                stat.scores.append(cell.score)
        rows.append(
            TraineeRow(
                user_id=user.pk,
                name=display_name(user),
                username=user.get_username(),
                is_guest=hasattr(user, "guest_profile"),
                cells=cells,
            )
        )
    rows.sort(key=lambda row: row.name.casefold())
    counterexamples, findings = workshop_policy_misconceptions(workshop, items)
    return Dashboard(
        workshop=workshop,
        items=items,
        rows=rows,
        stats=stats,
        wrong_answers=workshop_wrong_answers(workshop, items),
        counterexamples=counterexamples,
        findings=findings,
        failing_goals=workshop_failing_goals(items, lab_accounts),
    )

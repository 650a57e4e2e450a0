"""
Queries over workshops that views share: the live dashboard, a trainee's own
progress, the workshop a quiz or exercise is being done in, join throttling.

The dashboard runs a fixed number of queries whatever the number of trainees:
one per kind of record (members, attempts, answers, submissions), aggregated here.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from exercises.models import Submission
from quizzes.grading import EFFECT_LABELS, sort_items
from quizzes.models import Answer, Attempt, AttemptStatus, Question, QuestionType, Quiz
from responsibility.models import Owner

from .models import AgendaItem, JoinThrottle, Membership, Workshop, WorkshopState

MISCONCEPTIONS_SHOWN = 5


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
        cells[key] = Cell(status, state["best"])
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


def _cell_for(cells_quiz, cells_exercise, user_id: int, item: AgendaItem) -> Cell:
    if item.quiz_id:
        return cells_quiz.get((user_id, item.quiz_id), EMPTY)
    return cells_exercise.get((user_id, item.exercise_id), EMPTY)


def trainee_cells(workshop: Workshop, user: User) -> list[tuple[AgendaItem, Cell]]:
    """A trainee's own state on each agenda item, in three queries."""
    items = list(workshop.items.select_related("quiz", "exercise"))
    quiz_cells = _quiz_cells(workshop, [user.pk])
    exercise_cells = _exercise_cells(workshop, _submission_rows(workshop, [user.pk]))
    return [
        (item, _cell_for(quiz_cells, exercise_cells, user.pk, item)) for item in items
    ]


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
    def success_rate(self) -> int | None:
        """Percent of the trainees who started the item that passed it."""
        return round(100 * self.passed / self.started) if self.started else None

    @property
    def mean_score(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


@dataclass(frozen=True)
class Misconception:
    """A wrong answer, counterexample or lint finding, and how many trainees had it."""

    item_title: str
    context: str
    text: str
    trainees: int
    example: str = ""


@dataclass
class Dashboard:
    workshop: Workshop
    items: list[AgendaItem]
    rows: list[TraineeRow]
    stats: list[ItemStats]
    wrong_answers: list[Misconception]
    counterexamples: list[Misconception]
    findings: list[Misconception]

    @property
    def leaderboard(self) -> list[TraineeRow]:
        ranked = [row for row in self.rows if row.points > 0]
        ranked.sort(key=lambda row: (-row.points, row.name.casefold()))
        return ranked[:10]

    @property
    def unlocked_count(self) -> int:
        return sum(item.unlocked for item in self.items)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrong_answers(workshop: Workshop, items: list[AgendaItem]) -> list[Misconception]:
    titles = {item.quiz_id: item.title for item in items if item.quiz_id}
    # Grouped in the database: one row per distinct wrong response, not per answer.
    rows = list(
        Answer.objects.filter(
            attempt__workshop_link__workshop=workshop, is_correct=False
        )
        .exclude(response={})
        .values("question_id", "attempt__quiz_id", "response")
        .annotate(trainees=Count("attempt__user_id", distinct=True))
        .order_by()
        .values_list("question_id", "attempt__quiz_id", "response", "trainees")
    )
    if not rows:
        return []
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            pk__in={question_id for question_id, *_ in rows}
        ).prefetch_related("choices")
    }
    owners = dict(Owner.choices)
    sort_keys = {
        q.pk: {i.area_slug: i for i in sort_items(q)}
        for q in questions.values()
        if q.type == QuestionType.SORT
    }
    choices = {
        q.pk: {c.pk: c.text for c in q.choices.all()} for q in questions.values()
    }
    counts: Counter = Counter()
    for question_id, quiz_id, response, trainees in rows:
        texts = _answer_texts(
            questions[question_id], response, choices[question_id], owners, sort_keys
        )
        for text in texts:
            # Summed over the responses that read the same (a sort's one wrong
            # duty among others): exact except when one trainee gave both.
            counts[(quiz_id, question_id, text)] += trainees
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][2]))
    return [
        Misconception(
            item_title=titles.get(quiz_id, ""),
            context=_short(questions[question_id].prompt),
            text=text,
            trainees=trainees,
        )
        for (quiz_id, question_id, text), trainees in ranked[:MISCONCEPTIONS_SHOWN]
    ]


def _answer_texts(question, response: dict, choices, owners, sort_keys) -> list[str]:
    """A wrong response in words; a sort gives each duty it placed wrongly."""
    match question.type:
        case QuestionType.SINGLE:
            return [choices.get(response.get("choice"), "an option since removed")]
        case QuestionType.MULTIPLE:
            picked = [choices.get(pk, "?") for pk in response.get("choices") or []]
            return ["; ".join(picked) or "nothing"]
        case QuestionType.TRUE_FALSE:
            return ["True" if response.get("value") else "False"]
        case QuestionType.POLICY:
            return [EFFECT_LABELS.get(response.get("effect"), "no decision")]
        case QuestionType.SHORT:
            return [_short((response.get("text") or "").strip().lower(), 60)]
        case QuestionType.SORT:
            key = sort_keys.get(question.pk, {})
            return [
                f"{key[slug].area_name}: {owners.get(owner, owner)}"
                for slug, owner in (response.get("items") or {}).items()
                if slug in key and key[slug].owner != owner
            ]
    return []


def _json_list(text: str | None) -> list:
    # Read as text, and decoded only when not empty: most rows have nothing.
    return json.loads(text) if text and text != "[]" else []


def _submission_details(workshop: Workshop) -> list[tuple]:
    """
    The workshop's submissions, one row each: the grid's fields, then the parts of
    the stored result the misconceptions need, read in one pass over the JSON.
    """
    return list(
        Submission.objects.filter(workshop_link__workshop=workshop).values_list(
            "user_id",
            "exercise_id",
            "score",
            "correct",
            KT("result__too_permissive__request__action"),
            KT("result__too_permissive__sentence"),
            KT("result__too_strict__request__action"),
            KT("result__too_strict__sentence"),
            KT("result__findings"),
            KT("result__predictions"),
        )
    )


def _policy_misconceptions(
    items: list[AgendaItem], rows: list[tuple]
) -> tuple[list[Misconception], list[Misconception]]:
    """The commonest counterexamples (and wrong predictions), and lint findings."""
    titles = {item.exercise_id: item.title for item in items if item.exercise_id}
    examples: dict[tuple, str] = {}
    counter: dict[tuple, set[int]] = defaultdict(set)
    linted: dict[tuple, set[int]] = defaultdict(set)
    for user_id, exercise_id, _score, _correct, *details in rows:
        permissive_action, permissive, strict_action, strict, findings, predictions = (
            details
        )
        for direction, action, sentence in (
            ("Too permissive", permissive_action, permissive),
            ("Too strict", strict_action, strict),
        ):
            if sentence:
                group = (exercise_id, direction, action or "")
                counter[group].add(user_id)
                examples.setdefault(group, sentence)
        for prediction in _json_list(predictions):
            if not prediction.get("passed", True):
                said = "allowed" if prediction.get("said_allowed") else "denied"
                group = (exercise_id, f"Predicted {said}", prediction.get("label", ""))
                counter[group].add(user_id)
                examples.setdefault(
                    group, f"The engine says {prediction.get('actual', '?')}."
                )
        for finding in _json_list(findings):
            group = (exercise_id, finding.get("code", ""), finding.get("message", ""))
            linted[group].add(user_id)
    counter_counts = {group: len(users) for group, users in counter.items()}

    def ranked(counts: dict[tuple, int], *, with_example: bool):
        order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1:]))
        return [
            Misconception(
                item_title=titles.get(group[0], ""),
                context=group[1],
                text=group[2],
                trainees=trainees,
                example=examples.get(group, "") if with_example else "",
            )
            for group, trainees in order[:MISCONCEPTIONS_SHOWN]
        ]

    lint_counts = {group: len(users) for group, users in linted.items()}
    return (
        ranked(counter_counts, with_example=True),
        ranked(lint_counts, with_example=False),
    )


def workshop_dashboard(workshop: Workshop) -> Dashboard:
    """
    Everything the live dashboard shows, in a fixed number of queries: trainees by
    agenda items, success per item, the commonest wrong answers, counterexamples
    and lint findings.
    """
    items = list(workshop.items.select_related("quiz", "exercise"))
    members = list(
        Membership.objects.filter(workshop=workshop).select_related(
            "user", "user__guest_profile"
        )
    )
    quiz_cells = _quiz_cells(workshop)
    submission_rows = _submission_details(workshop)
    exercise_cells = _exercise_cells(workshop, submission_rows)
    stats = [ItemStats(item) for item in items]
    rows = []
    for membership in members:
        user = membership.user
        cells = [_cell_for(quiz_cells, exercise_cells, user.pk, i) for i in items]
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
    counterexamples, findings = _policy_misconceptions(items, submission_rows)
    return Dashboard(
        workshop=workshop,
        items=items,
        rows=rows,
        stats=stats,
        wrong_answers=_wrong_answers(workshop, items),
        counterexamples=counterexamples,
        findings=findings,
    )


# --- join throttling ---------------------------------------------------------------


def join_window_seconds() -> int:
    return getattr(settings, "WORKSHOP_JOIN_WINDOW_SECONDS", 600)


def join_limits() -> dict[str, int]:
    """Failed codes allowed per window, by kind of client key."""
    return {
        "session": getattr(settings, "WORKSHOP_JOIN_FAILURES_PER_SESSION", 10),
        "ip": getattr(settings, "WORKSHOP_JOIN_FAILURES_PER_IP", 30),
    }


def join_limited(keys: list[str], *, now: datetime | None = None) -> bool:
    """Whether any of these client keys has used up its failed codes for now."""
    now = now or timezone.now()
    limits = join_limits()
    window = timedelta(seconds=join_window_seconds())
    for throttle in JoinThrottle.objects.filter(key__in=keys):
        limit = limits.get(throttle.key.split(":", 1)[0], 10)
        if throttle.failures >= limit and now - throttle.window_start < window:
            return True
    return False


def workshop_by_code(code: str) -> Workshop | None:
    """The workshop a join code names: the running one, else the latest closed one."""
    workshops = Workshop.objects.filter(code=code)
    running = workshops.exclude(state=WorkshopState.CLOSED).first()
    return running or workshops.order_by("-closed_at", "-pk").first()

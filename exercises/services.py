"""Policy exercises: submissions, predictions, simulations, hints."""

import contextlib
import threading
from pathlib import Path

try:  # POSIX: counts large checks across server processes (see _large_slot)
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process count
    fcntl = None

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from .grading import (
    GradeResult,
    grade_policy,
    grade_prediction,
    grade_to_json,
    simulate,
)
from .models import Exercise, ExerciseProgress, Submission
from .priority import run_yielding
from .signals import submission_created, submissions_pruning


class ExerciseError(Exception):
    """A submission the rules refuse, such as one for a closed workshop."""


class ChecksBusy(Exception):
    """Every check slot is taken (of this server process, or for large policies
    of this host); try again shortly."""


# Checks and simulations running at once in this process
# (DJANGO_EXERCISE_CHECKS_AT_ONCE); more wait up to SLOT_WAIT_SECONDS, then
# ChecksBusy. A sync worker serves one request at a time, so this bites only
# with threaded workers.
SLOT_WAIT_SECONDS = 2.0
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


@contextlib.contextmanager
def _check_slot():
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(
                max(1, settings.EXERCISE_CHECKS_AT_ONCE)
            )
        slots = _slots
    if not slots.acquire(timeout=SLOT_WAIT_SECONDS):
        raise ChecksBusy
    try:
        yield
    finally:
        slots.release()


@contextlib.contextmanager
def _large_slot():
    """One of the host's EXERCISE_LARGE_CHECKS_AT_ONCE slots for checking a large
    policy, or ChecksBusy at once.

    A large policy's check runs at the lowest priority (priority.py), so under
    load it waits for CPU, and its sync worker waits with it, serving no one.
    Unbounded, ten such checks would hold every worker and stall every page; so
    the server processes together run at most this many, and a trainee past
    them is asked to try again in a few seconds. Each slot is a file locked with
    flock(): the kernel drops the lock if a worker dies, so a slot never leaks.
    Refused at once rather than queued, because a queued request would hold its
    worker just the same."""
    if fcntl is None:
        yield
        return
    directory = Path(settings.EXERCISE_SLOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(max(1, settings.EXERCISE_LARGE_CHECKS_AT_ONCE)):
        handle = open(directory / f"slot-{index}", "a")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    raise ChecksBusy


# What one trainee keeps per exercise: the newest checks (the history the editor
# restores from), and whatever decides their progress and workshop results.
KEPT_PER_EXERCISE = 50


def _record(
    *, exercise: Exercise, user, text: str, result: GradeResult, started_at
) -> Submission:
    with transaction.atomic():
        latest = (
            Submission.objects.filter(exercise=exercise, user=user)
            .only("pk", "text")
            .first()
        )
        if latest is not None and latest.text == text:
            # The same text checked again is kept once, as the newest, unless
            # the earlier check is one that progress or a workshop counts.
            rows = Submission.objects.filter(exercise=exercise, user=user)
            if not any(kept.filter(pk=latest.pk).exists() for kept in _counted(rows)):
                latest.delete()
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            text=text,
            result=grade_to_json(result),
            score=result.score,
            correct=result.correct,
        )
        submission_created.send(
            sender=Submission, submission=submission, started_at=started_at
        )
        progress, _ = ExerciseProgress.objects.select_for_update().get_or_create(
            exercise=exercise, user=user
        )
        progress.best_score = max(progress.best_score, result.score)
        if result.correct and progress.solved_at is None:
            progress.solved_at = timezone.now()
        progress.save()
        _prune(exercise, user)
    return submission


def _prune(exercise: Exercise, user) -> None:
    """Deletes a trainee's checks of ``exercise`` beyond the newest
    KEPT_PER_EXERCISE, except the best-scoring one, the first correct one, and
    what the receivers of ``submissions_pruning`` keep (workshops keep their own
    best and first correct)."""
    rows = Submission.objects.filter(exercise=exercise, user=user)
    newest = list(rows.values_list("pk", flat=True)[:KEPT_PER_EXERCISE])
    if len(newest) < KEPT_PER_EXERCISE:
        return
    doomed = rows.exclude(pk__in=newest)
    for keep in _counted(rows):
        doomed = doomed.exclude(pk__in=keep)
    doomed.delete()


def _counted(rows) -> list:
    """Querysets of the pks among ``rows`` that progress or another app (through
    ``submissions_pruning``) computes results from: never deleted."""
    return [best_and_first_correct(rows)] + [
        kept for _, kept in submissions_pruning.send(sender=Submission, rows=rows)
    ]


def best_and_first_correct(rows):
    """The pks of the best-scoring and of the first correct of ``rows``."""
    best = rows.order_by("-score", "created_at", "pk").values("pk")[:1]
    first = rows.filter(correct=True).order_by("created_at", "pk").values("pk")[:1]
    return (rows.filter(pk__in=best) | rows.filter(pk__in=first)).values("pk")


# Trainees' answers run to a few hundred characters; no reference reaches 1,000.
# Checks of policies larger than this run at low priority from the start.
LARGE_POLICY_CHARS = 3_000


def _grace(text: str) -> float | None:
    """A large policy is the expensive kind: its check yields to pages at once."""
    return 0 if len(text) > LARGE_POLICY_CHARS else None


def submission_create(*, exercise: Exercise, user, text: str) -> Submission:
    """
    Grade and keep a policy submission, valid or not, and update the trainee's
    progress. Raises grading.SubmissionTooLarge, storing nothing, for oversized text.
    Sends signals.submission_created, whose receivers may refuse with ExerciseError.
    """
    started_at = timezone.now()
    # Graded in a helper thread (see priority.py), which must not need the database.
    prefetch_related_objects([exercise], "tests")
    large = len(text) > LARGE_POLICY_CHARS
    with _check_slot(), _large_slot() if large else contextlib.nullcontext():
        result = run_yielding(grade_policy, exercise, text, grace=_grace(text))
    return _record(
        exercise=exercise, user=user, text=text, result=result, started_at=started_at
    )


def policy_simulate(*, exercise: Exercise, text: str, request: dict) -> dict:
    """
    Decide one request against a policy text (the trainee's, or a predict
    exercise's reference); see grading.simulate. Yields like a check: parsing a
    large policy costs as much as grading an ordinary one.
    """
    with _check_slot():
        return run_yielding(
            simulate, text, exercise.policy_kind, request, grace=_grace(text)
        )


def prediction_submit(*, exercise: Exercise, user, allowed_ids: set[int]) -> Submission:
    """
    Grade and keep the requests a trainee ticked as allowed. Sends
    signals.submission_created, whose receivers may refuse with ExerciseError.
    """
    started_at = timezone.now()
    result = grade_prediction(exercise, allowed_ids)
    text = "\n".join(str(pk) for pk in sorted(allowed_ids))
    return _record(
        exercise=exercise, user=user, text=text, result=result, started_at=started_at
    )


@transaction.atomic
def hint_reveal(*, exercise: Exercise, user) -> ExerciseProgress:
    """Show the next hint, if any is left."""
    progress, _ = ExerciseProgress.objects.select_for_update().get_or_create(
        exercise=exercise, user=user
    )
    total = exercise.hints.count()
    if progress.hints_shown < total:
        progress.hints_shown += 1
        progress.save(update_fields=["hints_shown"])
    return progress

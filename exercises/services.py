"""Policy exercises: submissions, predictions, simulations, hints, import."""

from collections import Counter
from pathlib import Path

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from curriculum.cache import content_changed
from curriculum.models import Topic

from .grading import grade_policy, grade_prediction, simulate
from .models import Exercise, ExerciseProgress, Hint, Submission, TestRequest
from .priority import run_yielding
from .signals import submission_created

EXERCISES_FILE = Path(__file__).resolve().parent / "content" / "exercises.yaml"


class ExerciseError(Exception):
    """A submission the rules refuse, such as one for a closed workshop."""


def _record(
    *, exercise: Exercise, user, text: str, result: dict, started_at
) -> Submission:
    with transaction.atomic():
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            text=text,
            result=result,
            score=result["score"],
            correct=result["correct"],
        )
        submission_created.send(
            sender=Submission, submission=submission, started_at=started_at
        )
        progress, _ = ExerciseProgress.objects.select_for_update().get_or_create(
            exercise=exercise, user=user
        )
        progress.best_score = max(progress.best_score, result["score"])
        if result["correct"] and progress.solved_at is None:
            progress.solved_at = timezone.now()
        progress.save()
    return submission


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


@transaction.atomic
def exercises_import(*, document: dict, update: bool = True) -> Counter:
    """
    Write a checked document (see interchange.check_exercises), keyed by slug.
    With `update=False` existing exercises are left as an administrator edited them.
    """
    counts: Counter = Counter()
    topics = {t.slug: t for t in Topic.objects.all()}
    for order, entry in enumerate(document.get("exercises") or []):
        values = {
            "title": entry["title"],
            "kind": entry["kind"],
            "policy_kind": entry.get("policy_kind", "identity"),
            "difficulty": entry.get("difficulty", 1),
            "scenario": entry["scenario"],
            "starter": entry.get("starter", ""),
            "reference": entry["reference"],
            "order": entry.get("order", order),
        }
        exercise = Exercise.objects.filter(slug=entry["slug"]).first()
        if exercise is not None and not update:
            continue
        if exercise is None:
            exercise = Exercise.objects.create(slug=entry["slug"], **values)
            counts["exercises created"] += 1
        else:
            for key, value in values.items():
                setattr(exercise, key, value)
            exercise.save()
            counts["exercises updated"] += 1
        exercise.topics.set([topics[slug] for slug in entry.get("topics") or []])
        exercise.hints.all().delete()
        Hint.objects.bulk_create(
            Hint(exercise=exercise, text=text, order=i)
            for i, text in enumerate(entry.get("hints") or [])
        )
        exercise.tests.all().delete()
        TestRequest.objects.bulk_create(
            TestRequest(
                exercise=exercise,
                label=test["label"],
                principal=test.get("principal", "arn:aws:iam::123456789012:user/alice"),
                action=test["action"],
                resource=test.get("resource", "*"),
                context=test.get("context") or {},
                resource_account=test.get("resource_account") or "",
                expected=test["expected"],
                visible=test.get("visible", True),
                order=i,
            )
            for i, test in enumerate(entry.get("tests") or [])
        )
    # Bulk writes send no signals: tell the page cache explicitly.
    content_changed()
    return counts


def exercises_export(*, exercises=None) -> dict:
    """A document of the given exercises (all by default), in the import format."""
    if exercises is None:
        exercises = Exercise.objects.all()
    exercises = exercises.prefetch_related("topics", "hints", "tests")
    return {
        "exercises": [
            {
                "slug": e.slug,
                "title": e.title,
                "kind": e.kind,
                "policy_kind": e.policy_kind,
                "difficulty": e.difficulty,
                "order": e.order,
                "topics": [t.slug for t in e.topics.all()],
                "scenario": e.scenario,
                "starter": e.starter,
                "reference": e.reference,
                "hints": [h.text for h in e.hints.all()],
                "tests": [
                    {
                        "label": t.label,
                        "principal": t.principal,
                        "action": t.action,
                        "resource": t.resource,
                        "context": t.context,
                        "resource_account": t.resource_account or None,
                        "expected": t.expected,
                        "visible": t.visible,
                    }
                    for t in e.tests.all()
                ],
            }
            for e in exercises
        ]
    }

"""Queries over exercises and submissions that views share."""

from dataclasses import dataclass

from .models import Exercise, ExerciseProgress, Submission


@dataclass(frozen=True)
class ExerciseRow:
    exercise: Exercise
    progress: ExerciseProgress | None

    @property
    def solved(self) -> bool:
        return bool(self.progress and self.progress.solved)


def exercise_rows(user, *, include_unpublished: bool = False) -> list[ExerciseRow]:
    """Exercises with the user's progress on each, in two queries."""
    exercises = Exercise.objects.prefetch_related("topics")
    if not include_unpublished:
        exercises = exercises.filter(is_published=True)
    progress = {p.exercise_id: p for p in ExerciseProgress.objects.filter(user=user)}
    return [ExerciseRow(e, progress.get(e.pk)) for e in exercises]


def history(exercise: Exercise, user, limit: int = 20) -> list[Submission]:
    return list(
        Submission.objects.filter(exercise=exercise, user=user).only(
            "pk", "created_at", "score", "correct", "exercise_id", "user_id"
        )[:limit]
    )

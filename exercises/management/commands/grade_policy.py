import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exercises.grading import SubmissionTooLarge, grade_policy, grade_to_json
from exercises.models import Exercise, ExerciseKind


class Command(BaseCommand):
    help = (
        "Grade a policy file against an exercise and print the grading as JSON. "
        "Exit status: 0 correct, 1 not correct, 2 invalid policy."
    )

    def add_arguments(self, parser):
        parser.add_argument("exercise_slug")
        parser.add_argument("file", type=Path)

    def handle(self, *args, exercise_slug: str, file: Path, **options):
        exercise = Exercise.objects.filter(slug=exercise_slug).first()
        if exercise is None:
            raise CommandError(f"No exercise with the slug {exercise_slug!r}.")
        if exercise.kind == ExerciseKind.PREDICT:
            raise CommandError("A predict exercise grades ticks, not a policy file.")
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            result = grade_policy(exercise, text)
        except SubmissionTooLarge as exc:
            self.stderr.write(str(exc))
            raise SystemExit(2) from exc
        stored = grade_to_json(result)  # the command prints the stored shape
        output = {
            "correct": result.correct,
            "score": result.score,
            "findings": stored["problems"] + stored["findings"],
            "tests": stored["tests"],
            "hidden_tests": stored["hidden"],
            "too_permissive": (stored["too_permissive"] or {}).get("request"),
            "too_strict": (stored["too_strict"] or {}).get("request"),
            "exhaustive": result.exhaustive,
        }
        self.stdout.write(json.dumps(output, indent=2))
        if not result.valid:
            raise SystemExit(2)
        if not result.correct:
            raise SystemExit(1)

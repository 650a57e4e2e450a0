"""Queries over exercises and submissions that views share."""

import dataclasses
import json
import types
import typing
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT

from curriculum.progress import PracticeRecord

from .grading import Counterexample, Diagnostic, GradeResult, Prediction
from .models import Exercise, ExerciseProgress, Submission

MISCONCEPTIONS_SHOWN = 5


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


def practice_records(user) -> list[PracticeRecord]:
    """
    Published exercises with the user's record on each (solved or not, checks
    made, best score), for the progress page: two queries, however many
    exercises there are.
    """
    exercises = (
        Exercise.objects.filter(is_published=True)
        .only("slug", "title", "kind")
        .annotate(checks=Count("submissions", filter=Q(submissions__user=user)))
    )
    progress = {p.exercise_id: p for p in ExerciseProgress.objects.filter(user=user)}
    records = []
    for exercise in exercises:
        mine = progress.get(exercise.pk)
        records.append(
            PracticeRecord(
                title=exercise.title,
                url=exercise.get_absolute_url(),
                kind=exercise.get_kind_display(),
                solved=bool(mine and mine.solved),
                attempts=exercise.checks,
                best_score=mine.best_score if mine else 0.0,
            )
        )
    return records


def history(exercise: Exercise, user, limit: int = 20) -> list[Submission]:
    return list(
        Submission.objects.filter(exercise=exercise, user=user).only(
            "pk", "created_at", "score", "correct", "exercise_id", "user_id"
        )[:limit]
    )


# --- misconceptions: read from the stored GradeResult in the database ----------


def _contract_of(hint) -> type | None:
    """The dataclass a field holds (alone, optional or in a tuple), else None."""
    if dataclasses.is_dataclass(hint):
        return hint
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is not None:
        for arg in typing.get_args(hint):
            found = _contract_of(arg)
            if found is not None:
                return found
    return None


def result_path(*names: str) -> KT:
    """
    The text at a path of Submission.result, read in the database: the path is
    checked against GradeResult's fields, so renaming a field of the contract
    fails here (at import) instead of silently reading nothing. Inside a request
    (a plain JSON object of the engine) any key goes.
    """
    contract: type | None = GradeResult
    for name in names:
        if contract is None:
            continue
        hints = typing.get_type_hints(contract)
        if name not in hints:
            raise LookupError(f"{contract.__name__} has no field {name!r}")
        contract = _contract_of(hints[name])
    return KT("__".join(("result", *names)))


def _field(contract: type, name: str) -> str:
    """A field name of a contract, checked: the name the JSON is written with."""
    if name not in {f.name for f in dataclasses.fields(contract)}:
        raise LookupError(f"{contract.__name__} has no field {name!r}")
    return name


_PREDICTION_PASSED = _field(Prediction, "passed")
_PREDICTION_SAID = _field(Prediction, "said_allowed")
_PREDICTION_LABEL = _field(Prediction, "label")
_PREDICTION_ACTUAL = _field(Prediction, "actual")
_FINDING_CODE = _field(Diagnostic, "code")
_FINDING_MESSAGE = _field(Diagnostic, "message")
_COUNTER_ACTION = (_field(Counterexample, "request"), "action")
_COUNTER_SENTENCE = _field(Counterexample, "sentence")

# The parts of the stored result the misconceptions need, one pass over the JSON.
_DIRECTIONS = (("Too permissive", "too_permissive"), ("Too strict", "too_strict"))
_MISCONCEPTION_COLUMNS = (
    *(
        path
        for _label, direction in _DIRECTIONS
        for path in (
            result_path(direction, *_COUNTER_ACTION),
            result_path(direction, _COUNTER_SENTENCE),
        )
    ),
    result_path("findings"),
    result_path("predictions"),
)


@dataclass(frozen=True)
class MisconceptionRow:
    """
    A counterexample, wrong prediction or lint finding on one exercise, and how
    many trainees had it. `context` is the direction ("Too permissive"), the wrong
    prediction ("Predicted allowed") or the finding's code; `text` the action,
    the request's label or the finding's message; `example` a sentence showing it.
    """

    exercise_id: int
    context: str
    text: str
    trainees: int
    example: str = ""


@dataclass(frozen=True)
class Misconceptions:
    counterexamples: list[MisconceptionRow]
    findings: list[MisconceptionRow]


def _json_list(text: str | None) -> list:
    # Read as text, and decoded only when not empty: most rows have nothing.
    return json.loads(text) if text and text != "[]" else []


def common_misconceptions(
    submissions: QuerySet[Submission], *, limit: int = MISCONCEPTIONS_SHOWN
) -> Misconceptions:
    """
    The commonest counterexamples (and wrong predictions), and lint findings,
    among these submissions: grouped per exercise, counted in distinct trainees,
    the commonest first (ties in the order of their words), `limit` of each.
    One query, reading only the parts of the stored results it needs.
    """
    rows = submissions.order_by().values_list(
        "user_id", "exercise_id", *_MISCONCEPTION_COLUMNS
    )
    examples: dict[tuple, str] = {}
    counter: dict[tuple, set[int]] = defaultdict(set)
    linted: dict[tuple, set[int]] = defaultdict(set)
    for user_id, exercise_id, *details in rows:
        permissive_action, permissive, strict_action, strict, findings, predictions = (
            details
        )
        for direction, action, sentence in (
            (_DIRECTIONS[0][0], permissive_action, permissive),
            (_DIRECTIONS[1][0], strict_action, strict),
        ):
            if sentence:
                group = (exercise_id, direction, action or "")
                counter[group].add(user_id)
                examples.setdefault(group, sentence)
        for prediction in _json_list(predictions):
            if not prediction.get(_PREDICTION_PASSED, True):
                said = "allowed" if prediction.get(_PREDICTION_SAID) else "denied"
                label = prediction.get(_PREDICTION_LABEL, "")
                group = (exercise_id, f"Predicted {said}", label)
                counter[group].add(user_id)
                actual = prediction.get(_PREDICTION_ACTUAL, "?")
                examples.setdefault(group, f"The engine says {actual}.")
        for finding in _json_list(findings):
            code = finding.get(_FINDING_CODE, "")
            group = (exercise_id, code, finding.get(_FINDING_MESSAGE, ""))
            linted[group].add(user_id)

    def ranked(groups: dict[tuple, set[int]], *, with_example: bool):
        counts = {group: len(users) for group, users in groups.items()}
        order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1:]))
        return [
            MisconceptionRow(
                exercise_id=group[0],
                context=group[1],
                text=group[2],
                trainees=trainees,
                example=examples.get(group, "") if with_example else "",
            )
            for group, trainees in order[:limit]
        ]

    return Misconceptions(
        counterexamples=ranked(counter, with_example=True),
        findings=ranked(linted, with_example=False),
    )

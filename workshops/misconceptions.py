"""
The commonest misconceptions of a workshop: wrong answers, counterexamples and
lint findings, each with how many trainees had it.

The reading of answers and of grade results belongs to quizzes and exercises
(`quizzes.selectors.wrong_answers`, `exercises.selectors.common_misconceptions`);
this module only narrows them to one workshop and names the agenda item.
"""

from dataclasses import dataclass

from exercises.models import Submission
from exercises.selectors import common_misconceptions
from quizzes.models import Answer
from quizzes.selectors import wrong_answers

from .models import AgendaItem, Workshop

MISCONCEPTIONS_SHOWN = 5


@dataclass(frozen=True)
class Misconception:
    """A wrong answer, counterexample or lint finding, and how many trainees had it."""

    item_title: str
    context: str
    text: str
    trainees: int
    example: str = ""


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def workshop_wrong_answers(
    workshop: Workshop, items: list[AgendaItem]
) -> list[Misconception]:
    """The commonest wrong answers given in the workshop's quizzes."""
    titles = {item.quiz_id: item.title for item in items if item.quiz_id}
    answers = Answer.objects.filter(attempt__workshop_link__workshop=workshop)
    return [
        Misconception(
            item_title=titles.get(wrong.quiz_id, ""),
            context=_short(wrong.question.prompt),
            text=wrong.text,
            trainees=wrong.trainees,
        )
        for wrong in wrong_answers(answers)[:MISCONCEPTIONS_SHOWN]
    ]


def workshop_policy_misconceptions(
    workshop: Workshop, items: list[AgendaItem]
) -> tuple[list[Misconception], list[Misconception]]:
    """The commonest counterexamples (and wrong predictions), and lint findings."""
    titles = {item.exercise_id: item.title for item in items if item.exercise_id}
    submissions = Submission.objects.filter(workshop_link__workshop=workshop)
    found = common_misconceptions(submissions, limit=MISCONCEPTIONS_SHOWN)

    def rows(found_rows) -> list[Misconception]:
        return [
            Misconception(
                item_title=titles.get(row.exercise_id, ""),
                context=row.context,
                text=row.text,
                trainees=row.trainees,
                example=row.example,
            )
            for row in found_rows
        ]

    return rows(found.counterexamples), rows(found.findings)

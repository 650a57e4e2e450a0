"""
The commonest misconceptions of a workshop: wrong answers, counterexamples and
lint findings, each with how many trainees had it.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.fields.json import KT

from exercises.models import Submission
from quizzes.grading import EFFECT_LABELS, sort_items
from quizzes.models import Answer, Question, QuestionType
from responsibility.models import Owner

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

"""
Grading: turn a trainee's response to a question into a score and feedback.

Responses are small JSON objects, one shape per question type:

    single      {"choice": <choice id>}
    multiple    {"choices": [<choice id>, ...]}
    true_false  {"value": true | false}
    sort        {"items": {<area slug>: "aws" | "customer" | "shared"}}
    policy      {"effect": "Allow" | "ExplicitDeny" | "ImplicitDeny"}
    short       {"text": "..."}
    numerical   {"number": "<the number as a decimal string>"}

A numerical response is checked when the form is posted (parse_number): what
cannot be read as a number is refused there, so a saved response always holds
one.
"""

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from iam import Request, evaluate_policy, parse_policy
from responsibility.models import Owner, Service, ServiceCategory
from responsibility.selectors import service_duties

from .models import Question, QuestionType, number_text
from .validation import READABLE_POLICY_KINDS

EFFECT_LABELS = {
    "Allow": "Allowed",
    "ExplicitDeny": "Denied by an explicit Deny",
    "ImplicitDeny": "Denied implicitly (nothing allows it)",
}


def weighted_score(marked: list[tuple[float, float]]) -> float:
    """
    A quiz's score from its questions' (mark, score) pairs: the scores weighted
    by the marks, a fraction from 0 to 1. A 2-mark question right and a 1-mark
    question wrong score 2/3; when every mark is 1 this is the plain mean.
    """
    total = sum(mark for mark, _ in marked)
    return sum(mark * score for mark, score in marked) / total if total else 0.0


@dataclass(frozen=True)
class ItemFeedback:
    """Feedback on one part of an answer: a choice, or one sorted duty."""

    label: str
    chosen: bool | str | None
    correct: bool | str
    right: bool
    text: str = ""
    choice_id: int | None = None


@dataclass(frozen=True)
class Grade:
    """The result of grading one response: a score from 0 to 1, and why."""

    score: float
    items: list[ItemFeedback] = field(default_factory=list)
    detail: str = ""

    @property
    def is_correct(self) -> bool:
        return self.score >= 0.999

    def in_shown_order(self, choice_order: list[int] | None) -> "Grade":
        """
        The same grade with its choices in the order the attempt showed them
        (Attempt.choice_order), so feedback reads like the question did. Choices
        added since the attempt started come last, in the author's order.
        """
        if not choice_order:
            return self
        rank = {choice_id: index for index, choice_id in enumerate(choice_order)}
        items = sorted(self.items, key=lambda item: rank.get(item.choice_id, len(rank)))
        return replace(self, items=items)


@dataclass(frozen=True)
class SortItem:
    area_slug: str
    area_name: str
    owner: str
    explanation: str


def sort_items(question: Question) -> list[SortItem]:
    """
    The duties a responsibility-sort question asks about, with their key.

    Read once per Question instance and kept on it: a question from the
    curriculum cache carries them already, computed before it was cached (each
    request gets its own copy). Load the question again to see a changed
    responsibility model.
    """
    try:
        return question._sort_items
    except AttributeError:
        question._sort_items = _sort_items(question)
        return question._sort_items


def _sort_items(question: Question) -> list[SortItem]:
    wanted = {a.slug for a in question.sort_areas.all()}
    items = sort_key(category=question.sort_category, service=question.sort_service)
    return [item for item in items if not wanted or item.area_slug in wanted]


def sort_key(
    *, category: ServiceCategory | None = None, service: Service | None = None
) -> list[SortItem]:
    """
    Every area of a sort subject with its owner: the service's duties (its
    category's unless it overrides them), or the category's; none without one.
    """
    if service is not None:
        rows = service_duties(service)
        return [
            SortItem(r.area.slug, r.area.name, r.owner, r.explanation) for r in rows
        ]
    if category is not None:
        duties = category.duties.select_related("area")
        return [
            SortItem(d.area.slug, d.area.name, d.owner, d.explanation) for d in duties
        ]
    return []


@lru_cache(maxsize=512)
def _policy_decision(
    document: str, kind: str, principal: str, action: str, resource: str, context: str
):
    policy = parse_policy(document, kind=kind)
    request = Request(
        principal=principal,
        action=action,
        resource=resource,
        context=json.loads(context) or None,
    )
    return evaluate_policy(policy, request)


def policy_decision(question: Question):
    """The engine's decision for a policy-reading question; raises PolicyError."""
    if question.policy_kind not in READABLE_POLICY_KINDS:
        raise ValueError(f"cannot read a {question.policy_kind} policy on its own")
    return _policy_decision(
        question.policy_document,
        question.policy_kind,
        question.request_principal,
        question.request_action,
        question.request_resource,
        json.dumps(question.request_context or {}, sort_keys=True),
    )


@dataclass(frozen=True)
class ResponseLabel:
    """One part of a response in words (a choice, a sorted duty), and if it is right."""

    text: str
    right: bool


REMOVED_OPTION = "an option since removed"


def response_labels(question: Question, response: dict) -> list[ResponseLabel]:
    """
    A response (see the module docstring) in words, one label per part: each
    choice picked, each duty sorted ("Area: Owner"), or the one value, effect or
    text given. Empty when nothing was answered. Pages join the labels; the
    statistics count the wrong ones.
    """
    match question.type:
        case QuestionType.SINGLE | QuestionType.MULTIPLE:
            choices = {c.pk: c for c in question.choices.all()}
            if question.type == QuestionType.SINGLE:
                picked = [response["choice"]] if response.get("choice") else []
            else:
                picked = response.get("choices") or []
            return [
                ResponseLabel(choices[pk].text, choices[pk].is_correct)
                if pk in choices
                else ResponseLabel(REMOVED_OPTION, False)
                for pk in picked
            ]
        case QuestionType.TRUE_FALSE:
            if not response:
                return []
            value = bool(response.get("value"))
            return [ResponseLabel(str(value), value == question.true_false_answer)]
        case QuestionType.POLICY:
            effect = response.get("effect")
            if effect not in EFFECT_LABELS:
                return []
            right = effect == policy_decision(question).effect
            return [ResponseLabel(EFFECT_LABELS[effect], right)]
        case QuestionType.SHORT:
            text = (response.get("text") or "").strip()
            return (
                [ResponseLabel(text, grade(question, response).is_correct)]
                if text
                else []
            )
        case QuestionType.NUMERICAL:
            number = _response_number(response)
            if number is None:
                return []
            return [ResponseLabel(number_text(number), number_right(question, number))]
        case QuestionType.SORT:
            key = {item.area_slug: item for item in sort_items(question)}
            owners = dict(Owner.choices)
            return [
                ResponseLabel(
                    f"{key[slug].area_name}: {owners.get(owner, owner)}",
                    key[slug].owner == owner,
                )
                for slug, owner in (response.get("items") or {}).items()
                if slug in key
            ]
    return []


MAX_NUMBER_INPUT = 40
# Beyond 10**30 (or below 10**-30) an answer is a slip, not an estimate.
MAX_NUMBER_EXPONENT = 30
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class NumberError(ValueError):
    """A trainee's input is no number; the message says why, for the form."""


def parse_number(text: str) -> Decimal:
    """
    A trainee's number, read exactly (as a Decimal, never a float): "2", "2.0",
    " 2 ", "1,024" (commas only as thousands separators), "-0.5", "1e3". Raises
    NumberError, with a message for the trainee, on anything else: an empty or
    over-long input, words, NaN or infinity, "1,02" or "1.024,5".
    """
    text = text.strip()
    if not text:
        raise NumberError("Type a number.")
    if len(text) > MAX_NUMBER_INPUT:
        raise NumberError(
            f"That is too long for a number: at most {MAX_NUMBER_INPUT} characters."
        )
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise NumberError("Type a number using digits, such as 2, 0.5, 1,024 or 1e3.")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover: the pattern admits only numbers
        raise NumberError("Type a number.") from None
    if abs(number.adjusted()) > MAX_NUMBER_EXPONENT:
        raise NumberError("That number is too large or too small to check.")
    return number


def number_right(question: Question, number: Decimal) -> bool:
    """Right when within the question's tolerance of its accepted number."""
    if question.numerical_answer is None:
        return False
    return abs(number - question.numerical_answer) <= question.numerical_tolerance


def _response_number(response: dict) -> Decimal | None:
    """The number a saved numerical response holds, or None. A question that
    was a short answer before (a number typed as text) keeps the answers given
    then: their "text" is read as the number when it is one."""
    try:
        return parse_number(str(response.get("number") or response.get("text") or ""))
    except NumberError:
        return None


def normalise_short_answer(text: str) -> str:
    """Compare short answers without regard to case or spacing."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def _grade_choices(question: Question, chosen_ids: set[int]) -> Grade:
    choices = list(question.choices.all())
    correct_count = sum(c.is_correct for c in choices) or 1
    earned = 0.0
    items = []
    for choice in choices:
        chosen = choice.pk in chosen_ids
        if chosen:
            earned += (1 if choice.is_correct else -1) / correct_count
        items.append(
            ItemFeedback(
                label=choice.text,
                chosen=chosen,
                correct=choice.is_correct,
                right=chosen == choice.is_correct,
                text=choice.feedback,
                choice_id=choice.pk,
            )
        )
    if question.type == QuestionType.SINGLE:
        earned = 1.0 if any(i.chosen and i.correct for i in items) else 0.0
    return Grade(score=max(0.0, min(1.0, earned)), items=items)


def grade(question: Question, response: dict) -> Grade:
    """Grade `response` (see the module docstring) against `question`."""
    match question.type:
        case QuestionType.SINGLE:
            chosen = response.get("choice")
            return _grade_choices(question, {chosen} if chosen is not None else set())
        case QuestionType.MULTIPLE:
            return _grade_choices(question, set(response.get("choices") or []))
        case QuestionType.TRUE_FALSE:
            value = response.get("value")
            right = value is not None and value == question.true_false_answer
            return Grade(
                score=1.0 if right else 0.0,
                detail=f"The statement is {str(question.true_false_answer).lower()}.",
            )
        case QuestionType.SORT:
            given = response.get("items") or {}
            items = [
                ItemFeedback(
                    label=item.area_name,
                    chosen=given.get(item.area_slug),
                    correct=item.owner,
                    right=given.get(item.area_slug) == item.owner,
                    text=item.explanation,
                )
                for item in sort_items(question)
            ]
            right = sum(i.right for i in items)
            return Grade(score=right / len(items) if items else 0.0, items=items)
        case QuestionType.POLICY:
            decision = policy_decision(question)
            right = response.get("effect") == decision.effect
            return Grade(
                score=1.0 if right else 0.0,
                detail=decision.explain(),
                items=[
                    ItemFeedback(
                        label=EFFECT_LABELS[decision.effect],
                        chosen=response.get("effect"),
                        correct=decision.effect,
                        right=right,
                    )
                ],
            )
        case QuestionType.SHORT:
            text = normalise_short_answer(response.get("text") or "")
            accepted = [
                normalise_short_answer(a) for a in question.accepted_answer_list
            ]
            right = bool(text) and text in accepted
            return Grade(
                score=1.0 if right else 0.0,
                detail="Accepted: " + "; ".join(question.accepted_answer_list),
            )
        case QuestionType.NUMERICAL:
            number = _response_number(response)
            right = number is not None and number_right(question, number)
            return Grade(
                score=1.0 if right else 0.0,
                detail=_numerical_detail(question),
            )
    raise ValueError(f"unknown question type {question.type!r}")


def _numerical_detail(question: Question) -> str:
    if question.numerical_answer is None:
        return ""
    answer, tolerance = question.numerical_answer, question.numerical_tolerance
    if not tolerance:
        return f"Accepted: {number_text(answer)}"
    return (
        f"Accepted: {number_text(answer)}, give or take {number_text(tolerance)} "
        f"(anything from {number_text(answer - tolerance)} "
        f"to {number_text(answer + tolerance)})"
    )

"""Checks a question must pass before it is saved, shared by the admin and imports."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from iam import PolicyError, Request, parse_policy

from .models import (
    MARK_MAX,
    MARK_PLACES,
    NUMBER_DIGITS,
    NUMBER_PLACES,
    QuestionType,
    number_text,
)

# A policy-reading question shows one policy that decides on its own: the
# caller's identity policy, or the resource's policy or trust policy.
READABLE_POLICY_KINDS = frozenset(("identity", "resource", "trust"))


def mark_problem(value: object) -> str | None:
    """
    Why a question file's `mark` is no mark, or None: it must be a number more
    than 0 and at most MARK_MAX, with no more decimals than the field keeps.
    """
    return _file_number_problem(
        value,
        "mark",
        MARK_PLACES,
        lambda mark: 0 < mark <= MARK_MAX,
        f"must be more than 0 and at most {MARK_MAX}",
    )


def mark_value(value: int | float | Decimal) -> Decimal:
    """A checked file's `mark` (see mark_problem) as the field stores it."""
    return Decimal(str(value))


def number_value(number: Decimal | int) -> int | float:
    """
    A mark or a numerical answer as a file writes it: Decimal("2.0000000") -> 2,
    Decimal("2.5000000") -> 2.5. Both keep at most 15 significant digits, which
    a float (and so YAML and JSON) writes and reads back exactly.
    """
    number = Decimal(number)
    return int(number) if number == number.to_integral_value() else float(number)


def file_decimal(text: str) -> Decimal | None:
    """A finite number as a file writes it ("2", "-0.5", "1e3"), or None."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def number_problem(value: object, what: str) -> str | None:
    """
    Why a file's number (a numerical question's answer or tolerance) is not one
    the question can keep, or None: a finite number with at most NUMBER_PLACES
    decimals and NUMBER_DIGITS - NUMBER_PLACES digits before the point.
    """
    limit = Decimal(10) ** (NUMBER_DIGITS - NUMBER_PLACES)
    return _file_number_problem(
        value,
        what,
        NUMBER_PLACES,
        lambda number: abs(number) < limit,
        f"must be a finite number below {number_text(limit)} in size",
    )


def _file_number_problem(value, what: str, places: int, fits, words: str):
    """The checks a number written in a file passes: a number (not a bool or
    text), finite, within what ``fits`` allows, with at most ``places`` decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return f"{what} must be a number, not {value!r}."
    number = Decimal(str(value))
    if not number.is_finite() or not fits(number):
        return f"{what} {words}, not {value}."
    if number != number.quantize(Decimal(1).scaleb(-places)):
        return f"{what} has more than {places} decimals: {value}."
    return None


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    is_correct: bool


def question_problems(
    *,
    type: str,
    choices: list[ChoiceSpec],
    true_false_answer: bool | None = None,
    has_sort_subject: bool = False,
    policy_document: str = "",
    policy_kind: str = "identity",
    request_principal: str = "",
    request_action: str = "",
    request_resource: str = "",
    request_context: object = None,
    accepted_answers: list[str] | None = None,
    numerical_answer: Decimal | None = None,
    numerical_tolerance: Decimal | None = None,
) -> dict[str, list[str]]:
    """Problems with a question's type-specific data, keyed by field name."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    correct = sum(choice.is_correct for choice in choices)
    if type == QuestionType.SINGLE:
        if len(choices) < 2:
            add("choices", "A single-choice question needs at least two choices.")
        if correct != 1:
            add(
                "choices",
                f"A single-choice question needs exactly one correct choice; "
                f"it has {correct}.",
            )
    elif type == QuestionType.MULTIPLE:
        if len(choices) < 2:
            add("choices", "A multiple-answer question needs at least two choices.")
        if correct < 1:
            add(
                "choices",
                "A multiple-answer question needs at least one correct choice.",
            )
    elif choices:
        add("choices", "Only single-choice and multiple-answer questions have choices.")

    if type == QuestionType.TRUE_FALSE and true_false_answer is None:
        add("true_false_answer", "Say whether the statement is true or false.")
    if type == QuestionType.SORT and not has_sort_subject:
        add("sort_category", "Choose the category or the service whose duties to sort.")
    if type == QuestionType.SHORT and not accepted_answers:
        add("accepted_answers", "Give at least one accepted answer.")
    if type == QuestionType.NUMERICAL:
        if numerical_answer is None:
            add("numerical_answer", "Give the accepted number.")
        if numerical_tolerance is not None and numerical_tolerance < 0:
            add("numerical_tolerance", "The tolerance cannot be negative.")
    else:
        if numerical_answer is not None:
            add("numerical_answer", "Only numerical questions have an accepted number.")
        if numerical_tolerance:
            add("numerical_tolerance", "Only numerical questions have a tolerance.")
    if type == QuestionType.POLICY:
        _policy_problems(
            add,
            document=policy_document,
            kind=policy_kind,
            principal=request_principal,
            action=request_action,
            resource=request_resource,
            context=request_context,
        )
    return problems


def _policy_problems(add, *, document, kind, principal, action, resource, context):
    if kind not in READABLE_POLICY_KINDS:
        add(
            "policy_kind",
            "A policy-reading question shows one identity, resource or trust policy.",
        )
        return
    try:
        parse_policy(document, kind=kind)
    except PolicyError as error:
        for problem in error.problems:
            add("policy_document", str(problem))
    for field, value in [
        ("request_principal", principal),
        ("request_action", action),
        ("request_resource", resource),
    ]:
        if not value:
            add(field, "The request needs a principal, an action and a resource.")
    if context is not None and not isinstance(context, dict):
        add("request_context", "The request context must be a JSON object.")
        return
    if principal and action and resource:
        try:
            Request(
                principal=principal,
                action=action,
                resource=resource,
                context=context or None,
            )
        except (ValueError, TypeError) as error:
            add("request_context", f"The request is not valid: {error}")

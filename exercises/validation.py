"""Checks an exercise must pass before it is saved, shared by the admin and imports."""

from iam import PolicyError, evaluate_policy, parse_policy

from .grading import build_request
from .models import Effect, ExerciseKind

MIN_PREDICT_TESTS = 3


def exercise_problems(
    *, kind: str, policy_kind: str, starter: str, reference: str, tests: list[dict]
) -> dict[str, list[str]]:
    """
    Problems keyed by field: the reference must parse and pass its own tests; the
    starter must parse unless the task is to fix it; a prediction needs requests.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    try:
        policy = parse_policy(reference, kind=policy_kind)
    except PolicyError as error:
        for problem in error.problems:
            add("reference", f"The reference does not parse: {problem}")
        policy = None
    if kind != ExerciseKind.FIX and starter.strip():
        try:
            parse_policy(starter, kind=policy_kind)
        except PolicyError as error:
            add("starter", f"The starter does not parse: {error.problems[0]}")
    if kind == ExerciseKind.PREDICT and len(tests) < MIN_PREDICT_TESTS:
        add("tests", f"A prediction needs at least {MIN_PREDICT_TESTS} requests.")
    if not tests:
        add("tests", "Add at least one test request.")
    for number, test in enumerate(tests, 1):
        label = test.get("label") or f"test {number}"
        if test.get("expected") not in Effect.values:
            add(
                "tests", f"{label}: expected must be one of {', '.join(Effect.values)}."
            )
            continue
        try:
            request = build_request(test)
        except ValueError as error:
            add("tests", f"{label}: {error}")
            continue
        if policy is None:
            continue
        actual = evaluate_policy(policy, request).effect
        if actual != test["expected"]:
            add(
                "tests",
                f"{label}: the reference gives {actual}, but the test expects "
                f"{test['expected']}.",
            )
    return problems

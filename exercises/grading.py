"""
Grading a policy submission with the IAM engine.

Four steps: parse and lint; run every test request; compare with the reference by
meaning (a request the submission allows and the reference denies, and the
reverse); score. The result is a plain dict, stored with the submission and
rendered for the trainee. It never contains the reference policy or anything
computed from the reference's text other than a yes/no per direction; hidden
tests are only counted.
"""

from dataclasses import dataclass

import iam
from iam import Policy, PolicyError, Request, evaluate_policy, lint, parse_policy

from .models import MAX_POLICY_CHARS, Exercise

TEST_SHARE = 0.6
# Explanations of a trainee's policy list every statement that applies and at
# most this many that do not; a sixty-statement policy would otherwise bury the
# statements that decided under fifty lines of "does not apply".
EXPLAINED_UNMATCHED = 10
DIRECTION_SHARE = 0.2


class SubmissionTooLarge(ValueError):
    """The text is over the size limit; nothing is graded or stored."""


def build_request(data: dict) -> Request:
    """A Request from a test request or simulator dict; raises ValueError if bad."""
    try:
        return Request(
            principal=data["principal"],
            action=data["action"],
            resource=data["resource"],
            context=data.get("context") or None,
            resource_account=data.get("resource_account") or None,
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"incomplete request: {error}") from error


@dataclass(frozen=True)
class ParsedSubmission:
    policy: Policy | None
    problems: list[dict]
    findings: list[dict]


def _problem_dict(item) -> dict:
    return {
        "severity": getattr(item, "severity", "error"),
        "code": item.code,
        "message": item.message,
        "path": item.path,
        "line": item.line,
        "column": item.column,
    }


def parse_submission(text: str, kind: str) -> ParsedSubmission:
    """Parse and lint a trainee's text; problems and findings carry line and column."""
    if len(text) > MAX_POLICY_CHARS:
        raise SubmissionTooLarge(
            f"The policy is {len(text):,} characters long; the limit is "
            f"{MAX_POLICY_CHARS:,}. Real policies are far shorter: remove repetition."
        )
    try:
        policy = parse_policy(text, kind=kind)
    except PolicyError as error:
        return ParsedSubmission(None, [_problem_dict(p) for p in error.problems], [])
    return ParsedSubmission(policy, [], [_problem_dict(f) for f in lint(policy)])


def _counterexample(found, direction: str) -> dict | None:
    if found is None:
        return None
    return {
        "direction": direction,
        "request": found.to_json(),
        "sentence": found.describe(),
        "explanation": found.candidate.explain(unmatched_limit=EXPLAINED_UNMATCHED),
    }


def grade_policy(exercise: Exercise, text: str) -> dict:
    """Grade a written, fixed or tightened policy. See the module docstring."""
    parsed = parse_submission(text, exercise.policy_kind)
    result: dict = {
        "valid": parsed.policy is not None,
        "problems": parsed.problems,
        "findings": parsed.findings,
        "tests": [],
        "hidden": {"total": 0, "passed": 0},
        "too_permissive": None,
        "too_strict": None,
        "exhaustive": True,
        "score": 0.0,
        "correct": False,
    }
    if parsed.policy is None:
        return result
    tests = list(exercise.tests.all())
    passed = 0
    for test in tests:
        decision = evaluate_policy(parsed.policy, build_request(test.as_request_dict()))
        ok = decision.effect == test.expected
        passed += ok
        if test.visible:
            result["tests"].append(
                {
                    "label": test.label,
                    "request": test.as_request_dict(),
                    "expected": test.expected,
                    "actual": decision.effect,
                    "passed": ok,
                    "explanation": decision.explain(
                        unmatched_limit=EXPLAINED_UNMATCHED
                    ),
                }
            )
        else:
            result["hidden"]["total"] += 1
            result["hidden"]["passed"] += ok
    reference = parse_policy(exercise.reference, kind=exercise.policy_kind)
    comparison = iam.compare(parsed.policy, reference, kind=exercise.policy_kind)
    result["too_permissive"] = _counterexample(
        comparison.too_permissive, "too permissive"
    )
    result["too_strict"] = _counterexample(comparison.too_strict, "too strict")
    result["exhaustive"] = comparison.exhaustive
    test_share = passed / len(tests) if tests else 1.0
    score = TEST_SHARE * test_share
    score += DIRECTION_SHARE * (result["too_permissive"] is None)
    score += DIRECTION_SHARE * (result["too_strict"] is None)
    result["correct"] = passed == len(tests) and not (
        result["too_permissive"] or result["too_strict"]
    )
    result["score"] = 1.0 if result["correct"] else round(min(score, 0.99), 3)
    return result


def grade_prediction(exercise: Exercise, allowed_ids: set[int]) -> dict:
    """Grade the requests a trainee ticked as allowed under the given policy."""
    policy = parse_policy(exercise.reference, kind=exercise.policy_kind)
    rows = []
    for test in exercise.tests.all():
        decision = evaluate_policy(policy, build_request(test.as_request_dict()))
        said = test.pk in allowed_ids
        rows.append(
            {
                "label": test.label,
                "request": test.as_request_dict(),
                "said_allowed": said,
                "actual": decision.effect,
                "passed": said == decision.allowed,
                "explanation": decision.explain(),
            }
        )
    right = sum(r["passed"] for r in rows)
    return {
        "predictions": rows,
        "score": round(right / len(rows), 3) if rows else 0.0,
        "correct": bool(rows) and right == len(rows),
    }


def simulate(text: str, kind: str, data: dict) -> dict:
    """Try one request against the trainee's own policy text."""
    try:
        parsed = parse_submission(text, kind)
    except SubmissionTooLarge as error:
        return {"error": str(error)}
    if parsed.policy is None:
        return {"error": "Your policy does not parse yet: check it first."}
    try:
        decision = evaluate_policy(parsed.policy, build_request(data))
    except ValueError as error:
        return {"error": f"That request is not valid: {error}"}
    explanation = decision.explain(unmatched_limit=EXPLAINED_UNMATCHED)
    return {"effect": decision.effect, "explanation": explanation}

"""
Grading a policy submission with the IAM engine.

Four steps: parse and lint; run every test request; compare with the reference by
meaning (a request the submission allows and the reference denies, and the
reverse); score. A comparison that could not search every request it had to
(``exhaustive`` False) and found no difference proves nothing: the submission is
then "not verified", never correct, and earns no share for the directions it
could not check. The result is a GradeResult, the typed contract owned here: it
is stored with the submission as JSON (grade_to_json; grade_from_json or
Submission.grade_result read it back) and rendered for the trainee. It never
contains the reference policy or anything computed from the reference's text
other than a yes/no per direction and requests the submission decides differently;
hidden tests are only counted.

Counterexamples: the first of each direction is stored where it always was
(`too_permissive`, `too_strict`; the dashboard and the selectors read it there);
`examples` holds up to three per direction, the first ones included, each with
the statement of the submission behind it (added later: older rows have none).
"""

import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import iam
from iam import Policy, PolicyError, Request, evaluate_policy, lint, parse_policy

from .models import MAX_POLICY_CHARS, Exercise

TEST_SHARE = 0.6
# Explanations of a trainee's policy list every statement that applies and at
# most this many that do not; a sixty-statement policy would otherwise bury the
# statements that decided under fifty lines of "does not apply".
EXPLAINED_UNMATCHED = 10
# What one stored result may hold (a check is kept with every submission): the
# first findings, each message and each explanation cut at a line. A 10 KB
# policy full of wildcards stored 160 KB of result before; see
# tests/exercises/test_storage.py for what it stores now.
MAX_FINDINGS = 10
MAX_MESSAGE_CHARS = 400
MAX_EXPLANATION_CHARS = 2_000


def shortened(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters (cut at a line or a word) and
    a note of how much was left out."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
    if cut < limit // 2:
        cut = limit
    return text[:cut].rstrip() + f" … ({len(text) - cut:,} more characters not shown)"


def _explained(decision) -> str:
    return shortened(
        decision.explain(unmatched_limit=EXPLAINED_UNMATCHED), MAX_EXPLANATION_CHARS
    )


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


# --- the grade result: the contract between grading, storage and every reader ---

RequestJSON = dict[str, Any]  # a request in the shape of `python -m iam simulate`


@dataclass(frozen=True, kw_only=True)
class Diagnostic:
    """A problem that stops a policy parsing, or a lint finding, where it is."""

    severity: str = "error"
    code: str
    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class TestOutcome:
    """One visible test request: what the exercise expects and what the policy gave."""

    label: str
    request: RequestJSON
    expected: str
    actual: str
    passed: bool
    explanation: str = ""


@dataclass(frozen=True)
class HiddenTests:
    """Hidden tests are only counted, never shown."""

    total: int = 0
    passed: int = 0


@dataclass(frozen=True)
class Counterexample:
    """A request the submission and the reference decide differently, as shown."""

    direction: str  # "too permissive" or "too strict"
    request: RequestJSON
    sentence: str
    explanation: str = ""


@dataclass(frozen=True)
class Example(Counterexample):
    """A counterexample with its cause: the statement of the submission that
    allows it, or denies it, or that none allows it (`statement` is then None)."""

    cause: str = ""
    statement: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Prediction:
    """One request of a predict exercise: what the trainee said and the engine."""

    label: str
    request: RequestJSON
    said_allowed: bool
    actual: str
    passed: bool
    explanation: str = ""


@dataclass(frozen=True)
class GradeResult:
    """
    What grading said about one submission; score is a fraction from 0 to 1.

    A written, fixed or tightened policy fills everything but `predictions`; a
    prediction fills only `predictions`, `score` and `correct`, and `predictions`
    is then a tuple (possibly empty) instead of None.
    """

    score: float = 0.0
    correct: bool = False
    valid: bool = True
    problems: tuple[Diagnostic, ...] = ()
    findings: tuple[Diagnostic, ...] = ()
    tests: tuple[TestOutcome, ...] = ()
    hidden: HiddenTests = field(default_factory=HiddenTests)
    too_permissive: Counterexample | None = None
    too_strict: Counterexample | None = None
    exhaustive: bool = True
    predictions: tuple[Prediction, ...] | None = None
    examples: tuple[Example, ...] = ()
    # Why the comparison could not decide (when it could not), for the trainee.
    undecided: str = ""
    # Findings beyond the first MAX_FINDINGS, counted but not kept.
    findings_more: int = 0

    @property
    def is_prediction(self) -> bool:
        return self.predictions is not None

    @property
    def counterexamples(self) -> tuple[Counterexample, ...]:
        return tuple(c for c in (self.too_permissive, self.too_strict) if c)

    def examples_of(self, direction: str) -> tuple[Example, ...]:
        """The counterexamples of one direction ("too permissive", "too strict")."""
        return tuple(e for e in self.examples if e.direction == direction)

    @property
    def too_permissive_examples(self) -> tuple[Example, ...]:
        return self.examples_of("too permissive")

    @property
    def too_strict_examples(self) -> tuple[Example, ...]:
        return self.examples_of("too strict")

    @property
    def unverified(self) -> bool:
        """The comparison stopped before it could prove the policy equivalent
        and found no difference: the trainee is told to simplify, not "correct"."""
        return (
            self.valid
            and not self.is_prediction
            and not self.exhaustive
            and not self.counterexamples
        )


# The stored JSON of a policy grade and of a prediction: the keys rows have
# always had, in this order, then keys added since (older rows lack them).
POLICY_KEYS = (
    "valid", "problems", "findings", "tests", "hidden", "too_permissive",
    "too_strict", "exhaustive", "score", "correct", "examples", "undecided",
    "findings_more",
)  # fmt: skip
PREDICTION_KEYS = ("predictions", "score", "correct")
# Keys added since, written only when they hold something: an older row reads
# back and is stored again byte for byte.
ADDED_KEYS = frozenset(("examples", "undecided", "findings_more"))


def grade_to_json(result: GradeResult) -> dict:
    """The JSON stored in Submission.result.

    Each direction's first counterexample is also the first of its examples:
    its explanation is stored once, there (``grade_from_json`` puts it back).
    """
    data = json.loads(json.dumps(asdict(result)))  # tuples become JSON lists
    keys = PREDICTION_KEYS if result.is_prediction else POLICY_KEYS
    for direction in ("too_permissive", "too_strict"):
        first = data.get(direction)
        same = _first_example(data.get("examples"), first)
        if same is not None and same["explanation"] == first["explanation"]:
            first["explanation"] = ""
    return {key: data[key] for key in keys if data[key] or key not in ADDED_KEYS}


def _first_example(examples, counterexample):
    """The first stored example of ``counterexample``'s direction, or None."""
    if not counterexample:
        return None
    return next(
        (e for e in examples or () if e["direction"] == counterexample["direction"]),
        None,
    )


def _each(cls, items) -> tuple:
    names = {f.name for f in fields(cls)}
    return tuple(
        cls(**{k: v for k, v in item.items() if k in names}) for item in items or ()
    )


def _one(cls, item):
    return _each(cls, [item])[0] if item else None


def grade_from_json(data: dict | None) -> GradeResult | None:
    """A stored result read back; None for a submission with no result."""
    if not data:
        return None
    if "predictions" in data:
        return GradeResult(
            predictions=_each(Prediction, data["predictions"]),
            score=data.get("score", 0.0),
            correct=data.get("correct", False),
        )
    data = {**data}
    for direction in ("too_permissive", "too_strict"):
        first = data.get(direction)
        same = _first_example(data.get("examples"), first)
        if same is not None and not first.get("explanation"):
            data[direction] = {**first, "explanation": same.get("explanation", "")}
    return GradeResult(
        valid=data.get("valid", True),
        problems=_each(Diagnostic, data.get("problems")),
        findings=_each(Diagnostic, data.get("findings")),
        tests=_each(TestOutcome, data.get("tests")),
        hidden=_one(HiddenTests, data.get("hidden")) or HiddenTests(),
        too_permissive=_one(Counterexample, data.get("too_permissive")),
        too_strict=_one(Counterexample, data.get("too_strict")),
        exhaustive=data.get("exhaustive", True),
        score=data.get("score", 0.0),
        correct=data.get("correct", False),
        examples=_each(Example, data.get("examples")),
        undecided=data.get("undecided", ""),
        findings_more=data.get("findings_more", 0),
    )


# --- grading ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedSubmission:
    policy: Policy | None
    problems: list[Diagnostic]
    findings: list[Diagnostic]


def _diagnostic(item) -> Diagnostic:
    return Diagnostic(
        severity=getattr(item, "severity", "error"),
        code=item.code,
        message=shortened(item.message, MAX_MESSAGE_CHARS),
        path=item.path,
        line=item.line,
        column=item.column,
    )


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
        return ParsedSubmission(None, [_diagnostic(p) for p in error.problems], [])
    return ParsedSubmission(policy, [], [_diagnostic(f) for f in lint(policy)])


def _counterexample(found, direction: str) -> Counterexample | None:
    if found is None:
        return None
    return Counterexample(
        direction=direction,
        request=found.to_json(),
        sentence=found.describe(),
        explanation=_explained(found.candidate),
    )


def _examples(comparison: iam.Comparison) -> tuple[Example, ...]:
    """Every counterexample of the comparison, with its cause, per direction."""
    examples = []
    for direction, first, more in (
        ("too permissive", comparison.too_permissive, comparison.more_too_permissive),
        ("too strict", comparison.too_strict, comparison.more_too_strict),
    ):
        for found in (first, *more) if first else ():
            cause = found.cause()
            examples.append(
                Example(
                    **asdict(_counterexample(found, direction)),
                    cause=cause.text,
                    statement=cause.statement,
                    line=cause.line,
                )
            )
    return tuple(examples)


def task_names(scenario: str, visible_tests) -> list[str]:
    """Resources the trainee has seen: those of the visible test requests, and
    the names quoted as code in the scenario (`reports-123456789012-archive`).
    Counterexamples are built from them first; hidden tests stay hidden."""
    names = [test.resource for test in visible_tests]
    names.extend(re.findall(r"`([^`\s]+)`", scenario or ""))
    return list(dict.fromkeys(names))


def grade_policy(exercise: Exercise, text: str) -> GradeResult:
    """Grade a written, fixed or tightened policy. See the module docstring."""
    parsed = parse_submission(text, exercise.policy_kind)
    if parsed.policy is None:
        return GradeResult(valid=False, problems=tuple(parsed.problems))
    tests = list(exercise.tests.all())
    passed = hidden_total = hidden_passed = 0
    outcomes = []
    for test in tests:
        request = test.as_request_dict()
        decision = evaluate_policy(parsed.policy, build_request(request))
        ok = decision.effect == test.expected
        passed += ok
        if test.visible:
            outcomes.append(
                TestOutcome(
                    label=test.label,
                    request=request,
                    expected=test.expected,
                    actual=decision.effect,
                    passed=ok,
                    explanation=_explained(decision),
                )
            )
        else:
            hidden_total += 1
            hidden_passed += ok
    reference = parse_policy(exercise.reference, kind=exercise.policy_kind)
    comparison = iam.compare(
        parsed.policy,
        reference,
        kind=exercise.policy_kind,
        names=task_names(exercise.scenario, [t for t in tests if t.visible]),
    )
    too_permissive = _counterexample(comparison.too_permissive, "too permissive")
    too_strict = _counterexample(comparison.too_strict, "too strict")
    test_share = passed / len(tests) if tests else 1.0
    score = TEST_SHARE * test_share
    # A direction is earned when the search proved it, never when it gave up.
    proved = comparison.exhaustive
    score += DIRECTION_SHARE * (proved and too_permissive is None)
    score += DIRECTION_SHARE * (proved and too_strict is None)
    correct = passed == len(tests) and proved and not (too_permissive or too_strict)
    return GradeResult(
        valid=True,
        findings=tuple(parsed.findings[:MAX_FINDINGS]),
        findings_more=max(0, len(parsed.findings) - MAX_FINDINGS),
        tests=tuple(outcomes),
        hidden=HiddenTests(total=hidden_total, passed=hidden_passed),
        too_permissive=too_permissive,
        too_strict=too_strict,
        exhaustive=comparison.exhaustive,
        score=1.0 if correct else round(min(score, 0.99), 3),
        correct=correct,
        examples=_examples(comparison),
        undecided=comparison.undecided or "",
    )


def grade_prediction(exercise: Exercise, allowed_ids: set[int]) -> GradeResult:
    """Grade the requests a trainee ticked as allowed under the given policy."""
    policy = parse_policy(exercise.reference, kind=exercise.policy_kind)
    rows = []
    for test in exercise.tests.all():
        request = test.as_request_dict()
        decision = evaluate_policy(policy, build_request(request))
        said = test.pk in allowed_ids
        rows.append(
            Prediction(
                label=test.label,
                request=request,
                said_allowed=said,
                actual=decision.effect,
                passed=said == decision.allowed,
                explanation=decision.explain(),
            )
        )
    right = sum(r.passed for r in rows)
    return GradeResult(
        predictions=tuple(rows),
        score=round(right / len(rows), 3) if rows else 0.0,
        correct=bool(rows) and right == len(rows),
    )


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

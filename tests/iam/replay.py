"""Checks shared by the comparison's property tests."""

from iam import evaluate_policy
from iam.compare import TOO_PERMISSIVE
from iam.request import Request


def assert_counterexamples_replay(result, policies):
    """Every counterexample, rebuilt from its JSON form, is decided by
    ``evaluate_policy`` as its direction says: allowed by exactly one policy."""
    for direction in ("too_permissive", "too_strict"):
        for example in result.examples(direction):
            data = example.to_json()
            request = Request(
                data["principal"], data["action"], data["resource"], data["context"]
            )
            allowed = [evaluate_policy(p, request).allowed for p in policies]
            assert allowed == [direction == TOO_PERMISSIVE, direction != TOO_PERMISSIVE]

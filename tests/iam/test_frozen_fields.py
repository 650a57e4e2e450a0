"""
Request, PolicyTrace and Decision write their fields into the instance dict
instead of one object.__setattr__ each (a measured 30% of the engine's
throughput, see iam/request.py). These tests fail if Python's dataclasses change
underneath that: fields kept elsewhere than the instance dict, or the classes no
longer frozen, compared or printed from those fields.
"""

import dataclasses

import pytest

from iam import Decision, Request, evaluate, parse_policy
from iam.evaluation import PolicyTrace

ALICE = "arn:aws:iam::123456789012:user/alice"
POLICY = parse_policy(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}'
)


def _decision() -> Decision:
    return evaluate(
        Request(ALICE, "s3:GetObject", "arn:aws:s3:::reports/a.csv"), identity=[POLICY]
    )


@pytest.mark.parametrize(
    "instance",
    [
        Request(ALICE, "s3:GetObject", "arn:aws:s3:::reports/a.csv"),
        _decision(),
        _decision().trace[0],
    ],
    ids=["Request", "Decision", "PolicyTrace"],
)
def test_every_field_lives_in_the_instance_dict_of_a_frozen_dataclass(instance):
    assert dataclasses.is_dataclass(instance)
    assert type(instance).__dataclass_params__.frozen
    assert not hasattr(type(instance), "__slots__")
    for field in dataclasses.fields(instance):
        assert field.name in vars(instance), field.name
        assert getattr(instance, field.name) is vars(instance)[field.name]
    with pytest.raises(dataclasses.FrozenInstanceError):
        instance.__setattr__(dataclasses.fields(instance)[0].name, None)


def test_requests_built_alike_are_equal_hash_alike_and_print_their_fields():
    first = Request(ALICE, "s3:GetObject", "arn:aws:s3:::reports/a.csv")
    second = Request(ALICE, "s3:GetObject", "arn:aws:s3:::reports/a.csv")
    assert first == second
    assert hash(first) == hash(second)
    assert "s3:GetObject" in repr(first)
    assert dataclasses.replace(first, action="s3:PutObject").action_lower == (
        "s3:putobject"
    )


def test_a_decision_and_its_trace_read_their_fields():
    decision = _decision()
    assert decision.effect == "Allow"
    assert isinstance(decision.trace[0], PolicyTrace)
    assert decision.trace[0].policy is POLICY

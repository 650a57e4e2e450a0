"""Slow policy checks give way to other requests; fast ones are left alone."""

import os
import threading
import time

import pytest

from exercises import priority

pytestmark = pytest.mark.skipif(
    not priority.CAN_RENICE, reason="per-thread nice values are Linux's"
)


def _own_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_result_and_errors_come_back_to_the_caller():
    assert priority.run_yielding(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        priority.run_yielding(lambda: 1 / 0)


def test_a_check_that_runs_long_is_demoted_to_the_lowest_priority():
    def slow_check() -> int:
        # Runs until the caller has demoted it (or gives up after 10 s).
        deadline = time.monotonic() + 10
        while _own_nice() != priority.LOW_PRIORITY and time.monotonic() < deadline:
            time.sleep(0.005)
        return _own_nice()

    assert priority.run_yielding(slow_check) == priority.LOW_PRIORITY
    # Only the helper thread was demoted.
    assert _own_nice() != priority.LOW_PRIORITY


def test_a_quick_check_keeps_its_priority(monkeypatch):
    monkeypatch.setattr(priority, "GRACE_SECONDS", 30)
    assert priority.run_yielding(_own_nice) == _own_nice()


def test_no_grace_demotes_the_check_at_once(monkeypatch):
    monkeypatch.setattr(priority, "GRACE_SECONDS", 30)

    def check() -> int:
        deadline = time.monotonic() + 10
        while _own_nice() != priority.LOW_PRIORITY and time.monotonic() < deadline:
            time.sleep(0.005)
        return _own_nice()

    assert priority.run_yielding(check, grace=0) == priority.LOW_PRIORITY


@pytest.mark.django_db
def test_large_policies_are_checked_and_simulated_at_low_priority_from_the_start(
    monkeypatch, alice, exercises
):
    from exercises import services

    graces = []

    def spy(function, *args, grace=None):
        graces.append(grace)
        return function(*args)

    monkeypatch.setattr(services, "run_yielding", spy)
    exercise = exercises["own-password"]
    services.submission_create(exercise=exercise, user=alice, text="{}")
    large = '{"Version": "2012-10-17", "Statement": []}' + " " * 4000
    services.submission_create(exercise=exercise, user=alice, text=large)
    services.policy_simulate(exercise=exercise, text="{}", request={})
    services.policy_simulate(exercise=exercise, text=large, request={})
    assert graces == [None, 0, None, 0]

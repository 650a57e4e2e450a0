"""Checks and simulations are limited per user, per address and per process
(issue 14, item 1): one trainee cannot slow everyone down."""

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.throttle import Limit, rate_limit_hit
from exercises import services
from exercises.models import Submission
from tests.exercises.conftest import OWN_PASSWORD_REFERENCE

CHECK = reverse("exercises:check", args=["own-password"])
SIMULATE = reverse("exercises:simulate", args=["own-password"])


@pytest.fixture
def limits(settings):
    settings.EXERCISE_CHECKS_PER_USER = 3
    settings.EXERCISE_SIMULATIONS_PER_USER = 3
    settings.EXERCISE_CHECKS_PER_CLIENT = 5
    settings.EXERCISE_CHECK_WINDOW_SECONDS = 60
    return settings


def _check(client, text=OWN_PASSWORD_REFERENCE, **headers):
    return client.post(CHECK, {"policy": text}, **headers)


def test_a_trainee_past_the_limit_waits_with_a_clear_message(
    client, alice, exercises, limits
):
    client.force_login(alice)
    for number in range(3):
        assert _check(client, OWN_PASSWORD_REFERENCE + " " * number).status_code == 302
    refused = _check(client, '{"Version": "2012-10-17", "Statement": []}')
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert "wait" in html and "seconds, then try again" in html
    assert "Statement&quot;: []" in html  # the text is kept in the editor
    assert Submission.objects.count() == 3  # the refused check stored nothing


def test_the_limit_says_so_in_the_results_panel_with_htmx(
    client, alice, exercises, limits
):
    client.force_login(alice)
    for _ in range(3):
        _check(client, headers={"HX-Request": "true"})
    refused = _check(client, headers={"HX-Request": "true"})
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert 'role="alert"' in refused.content.decode()


def test_simulations_count_too_and_answer_in_place(client, alice, exercises, limits):
    client.force_login(alice)
    data = {
        "principal": "arn:aws:iam::123456789012:user/alice",
        "action": "iam:ChangePassword",
        "resource": "arn:aws:iam::123456789012:user/alice",
        "policy": OWN_PASSWORD_REFERENCE,
    }
    for _ in range(3):
        assert (
            client.post(SIMULATE, data, headers={"HX-Request": "true"}).status_code
            == 200
        )
    refused = client.post(SIMULATE, data, headers={"HX-Request": "true"})
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert "seconds, then try again" in refused.content.decode()


def test_one_address_is_limited_across_its_accounts(alice, bob, exercises, limits):
    for user, count in ((alice, 3), (bob, 2)):
        client = Client(REMOTE_ADDR="192.0.2.9")
        client.force_login(user)
        for number in range(count):
            assert (
                _check(client, OWN_PASSWORD_REFERENCE + " " * number).status_code == 302
            )
    refused = _check(client)
    assert refused.status_code == 429
    other = Client(REMOTE_ADDR="192.0.2.10")  # bob from elsewhere still checks
    other.force_login(bob)
    assert _check(other, OWN_PASSWORD_REFERENCE + "  \n").status_code == 302


def test_a_window_that_has_passed_counts_afresh(db):
    now = timezone.now()
    limits = [Limit("check:user:1", 2, 60)]
    assert rate_limit_hit(limits, now=now) == 0
    assert rate_limit_hit(limits, now=now) == 0
    assert rate_limit_hit(limits, now=now + timedelta(seconds=15)) == 45
    assert rate_limit_hit(limits, now=now + timedelta(seconds=60)) == 0


def test_a_refusal_counts_nothing_under_any_key(db):
    now = timezone.now()
    assert rate_limit_hit([Limit("a", 1, 60)], now=now) == 0
    assert rate_limit_hit([Limit("a", 1, 60), Limit("b", 1, 60)], now=now) > 0
    assert rate_limit_hit([Limit("b", 1, 60)], now=now) == 0


def test_when_every_slot_is_taken_the_server_says_it_is_busy(
    client, alice, exercises, monkeypatch
):
    slots = threading.BoundedSemaphore(1)
    slots.acquire()  # another check is running in this process
    monkeypatch.setattr(services, "_slots", slots)
    monkeypatch.setattr(services, "SLOT_WAIT_SECONDS", 0.01)
    client.force_login(alice)
    busy = _check(client)
    assert busy.status_code == 503
    assert busy["Retry-After"] == "3"
    assert "The server is busy" in busy.content.decode()
    assert not Submission.objects.exists()


def test_checks_and_simulations_have_allowances_of_their_own(
    client, alice, exercises, limits
):
    client.force_login(alice)
    for number in range(3):
        _check(client, OWN_PASSWORD_REFERENCE + " " * number)
    assert _check(client).status_code == 429
    data = {
        "principal": "arn:aws:iam::123456789012:user/alice",
        "action": "iam:GetUser",
        "resource": "*",
        "policy": OWN_PASSWORD_REFERENCE,
    }
    answer = client.post(SIMULATE, data, headers={"HX-Request": "true"})
    assert answer.status_code == 200  # the address still has room (5)


def test_a_key_another_request_inserts_meanwhile_is_counted_not_a_500(db, monkeypatch):
    """Two first uses at once on PostgreSQL: both saw no row, and the second
    insert broke the unique key (found by make loadtest). The insert now lets
    the other win and counts on its row."""
    from accounts import throttle
    from accounts.models import RateLimit

    now = timezone.now()
    RateLimit.objects.create(key="check:ip:192.0.2.66", hits=1, window_start=now)
    real = throttle._locked
    calls = []

    def stale_first(keys):
        calls.append(keys)
        return {} if len(calls) == 1 else real(keys)

    monkeypatch.setattr(throttle, "_locked", stale_first)
    assert rate_limit_hit([Limit("check:ip:192.0.2.66", 5, 60)], now=now) == 0
    assert RateLimit.objects.get().hits == 2


def test_large_checks_are_counted_across_server_processes(
    client, alice, exercises, settings, tmp_path
):
    import fcntl
    import json

    settings.EXERCISE_SLOT_DIR = str(tmp_path)
    settings.EXERCISE_LARGE_CHECKS_AT_ONCE = 1
    large = json.dumps(json.loads(OWN_PASSWORD_REFERENCE), indent=120)
    assert len(large) > services.LARGE_POLICY_CHARS
    client.force_login(alice)
    # Another worker process is checking a large policy: it holds the one slot.
    with open(tmp_path / "slot-0", "a") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        busy = _check(client, large, HTTP_HX_REQUEST="true")
        assert busy.status_code == 503
        assert busy["Retry-After"] == "3"
        assert "The server is busy" in busy.content.decode()
        assert not Submission.objects.exists()
        # A policy of ordinary size is checked all the same.
        assert _check(client).status_code == 302
        assert Submission.objects.count() == 1
        fcntl.flock(other, fcntl.LOCK_UN)
    # The slot is free again, and a finished check gives its slot back.
    for number in range(2):
        assert _check(client, large + " " * number).status_code == 302
    assert Submission.objects.count() == 3  # the two texts differ: both kept

"""Logins: brute force limited per username and address, sessions renewed and ended."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5


def _login(client, username, password, address="203.0.113.7", url=None):
    return client.post(
        url or reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client, username, times, address="203.0.113.7"):
    for _ in range(times):
        _login(client, username, "wrong password", address)


def test_a_few_typos_do_not_lock_anyone_out(client, alice):
    _fail(client, "alice", LIMIT - 1)
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_repeated_failures_lock_that_username_from_that_address(client, alice):
    _fail(client, "alice", LIMIT)
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_classroom_behind_one_address_is_not_locked_out(client, alice, bob):
    _fail(client, "alice", LIMIT + 2)
    other = Client()
    assert _login(other, "bob", PASSWORD).status_code == 302
    # The same username from another address is not locked either.
    elsewhere = Client()
    assert (
        _login(elsewhere, "alice", PASSWORD, address="198.51.100.9").status_code == 302
    )


def test_a_locked_out_attempt_never_runs_the_password_hasher(
    client, alice, monkeypatch
):
    _fail(client, "alice", LIMIT)

    def hasher_called(*args, **kwargs):
        raise AssertionError("the password hasher ran for a locked-out attempt")

    monkeypatch.setattr("django.contrib.auth.hashers.check_password", hasher_called)
    monkeypatch.setattr("django.contrib.auth.base_user.check_password", hasher_called)
    monkeypatch.setattr("django.contrib.auth.hashers.make_password", hasher_called)
    assert _login(client, "alice", PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, alice, settings):
    _fail(client, "alice", LIMIT)
    assert _login(client, "alice", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _login(client, "alice", PASSWORD).status_code == 302


def test_the_admin_login_is_limited_too(client, admin_user):
    url = reverse("admin:login")
    _fail(client, "dana", 0)
    for _ in range(LIMIT):
        _login(client, "dana", "wrong", url=url)
    response = _login(client, "dana", PASSWORD, url=url)
    assert response.status_code == 429


def test_the_session_key_changes_at_login(client, alice):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    _login(client, "alice", PASSWORD)
    assert client.session.session_key != before
    # The stored session under the old key is gone, not just abandoned.
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(pk=before).exists()


def test_logout_ends_the_session(client, alice):
    _login(client, "alice", PASSWORD)
    old_key = client.session.session_key
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_key
    response = replay.get(reverse("quizzes:progress"))
    assert response.status_code == 302  # sent to log in: the old session is gone


def test_a_password_change_ends_other_sessions(client, alice):
    _login(client, "alice", PASSWORD)
    other = Client()
    _login(other, "alice", PASSWORD, address="198.51.100.9")
    assert other.get(reverse("quizzes:progress")).status_code == 200
    new = "a brand new long passphrase"
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert client.get(reverse("quizzes:progress")).status_code == 200
    assert other.get(reverse("quizzes:progress")).status_code == 302


def test_passwords_need_a_sensible_length(client):
    response = client.post(
        reverse("accounts:sign_up"),
        {"username": "frank", "password1": "Xy7!short", "password2": "Xy7!short"},
    )
    assert "at least 10 characters" in response.content.decode()

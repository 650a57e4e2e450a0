"""Sessions live in the shared database and are read with plain SQL."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db

PROGRESS = reverse("quizzes:progress")


def test_a_saved_session_reads_back():
    store = SessionStore()
    store["answer"] = {"choice": 3}
    store.save()
    assert SessionStore(store.session_key)["answer"] == {"choice": 3}


def test_an_unknown_or_expired_session_reads_as_empty_and_gets_a_new_key():
    assert SessionStore("nosuchsessionkey12345").load() == {}
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    reread = SessionStore(store.session_key)
    assert reread.load() == {}
    assert reread.session_key is None


def test_a_session_deleted_elsewhere_signs_the_browser_out(client, alice):
    client.force_login(alice)
    assert client.get(PROGRESS).status_code == 200
    # Another app server handled a logout: the row is gone.
    Session.objects.all().delete()
    response = client.get(PROGRESS)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_new_key_that_is_taken_is_drawn_again(monkeypatch):
    taken = SessionStore()
    taken.create()
    keys = iter([taken.session_key, "a" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    fresh = SessionStore()
    fresh.create()
    assert fresh.session_key == "a" * 32
    assert Session.objects.count() == 2

"""Sessions live in the shared database; a login writes its new row once."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, SessionBase
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


def test_logging_in_without_a_stored_session_writes_the_row_once(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import PASSWORD

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("accounts:login"), {"username": "alice", "password": PASSWORD}
        )
    assert response.status_code == 302
    writes = [
        q["sql"].split(" ", 1)[0]
        for q in queries
        if '"django_session"' in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert writes == ["INSERT"]
    assert Session.objects.count() == 1
    assert client.get(PROGRESS).status_code == 200


def test_a_drawn_key_that_is_taken_by_the_time_of_saving_is_drawn_again(
    monkeypatch,
):
    taken = SessionStore()
    taken["x"] = 1
    taken.save()
    store = SessionStore()
    keys = iter([taken.session_key, "b" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    store["user"] = "alice"
    store.cycle_key()
    assert store.session_key == taken.session_key  # drawn, not yet written
    store.save()
    assert store.session_key == "b" * 32
    assert SessionStore("b" * 32)["user"] == "alice"
    assert SessionStore(taken.session_key)["x"] == 1


def test_the_private_names_the_store_relies_on_still_behave_as_relied_on():
    """
    cycle_key() draws a key without writing a row through two private names of
    Django's session store. If an upgrade renames or changes them, this fails
    before logins start writing twice or losing their data.
    """
    assert isinstance(SessionBase.__dict__["_session_key"], property)
    assert SessionBase.__dict__["_session_key"].fset is not None
    store = SessionStore()
    store["user"] = "alice"
    key = store._get_new_session_key()
    assert len(key) == 32
    assert set(key) <= set(VALID_KEY_CHARS)
    store._session_key = key
    assert store.session_key == key
    assert store["user"] == "alice"  # the loaded data survives a new key
    assert not Session.objects.filter(pk=key).exists()

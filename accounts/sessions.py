"""
Django's database sessions, read with one plain SQL statement.

Every signed-in request loads its session first. Building the ORM query for it
cost as much as the rest of the lookup, so this store reads the row directly.
At login, a visitor who has no stored session yet gets a fresh key whose row is
written once, when the response saves the session (Django inserts an empty row
at once and updates it at the end of the request). Writing, expiry, cycling the
keys of stored sessions and deletion are Django's own. Sessions stay in the
shared database, so several app servers see the same ones and logging out
anywhere ends a session everywhere.
"""

from types import SimpleNamespace

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    _unsaved_key = False  # a key drawn by cycle_key whose row is not written yet

    def cycle_key(self):
        if self.session_key is not None:
            super().cycle_key()
            return
        # No stored session to take over: only the new key is needed now.
        data = self._session
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._unsaved_key = True
        self.modified = True

    def save(self, must_create=False):
        if not self._unsaved_key:
            super().save(must_create=must_create)
            return
        self._unsaved_key = False
        try:
            super().save(must_create=True)
        except CreateError:
            self.create()  # the key was taken meanwhile: draw another

    def _get_new_session_key(self) -> str:
        # Django first asks the database whether a random key is taken; the
        # insert that follows (save(must_create=True)) refuses a taken key and
        # create() then draws again, so the extra query at every login is moot.
        return get_random_string(32, VALID_KEY_CHARS)

    def _get_session_from_db(self):
        if not self.session_key:
            self._session_key = None
            return None
        connection = connections[router.db_for_read(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} "  # noqa: S608 - a model's table
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return SimpleNamespace(session_data=row[0])

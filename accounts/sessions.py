"""
Django's database sessions, read with one plain SQL statement.

Every signed-in request loads its session first. Building the ORM query for it
cost as much as the rest of the lookup, so this store reads the row directly;
writing, expiry, cycling keys and deletion are Django's own. Sessions stay in the
shared database, so several app servers see the same ones and logging out
anywhere ends a session everywhere.
"""

from types import SimpleNamespace

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
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

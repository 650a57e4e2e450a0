"""
Django's database sessions, with one write fewer at each login.

Sessions stay in the shared database, so several app servers see the same ones
and logging out anywhere ends a session everywhere. Reading, writing, expiry and
deletion are Django's own (`db.SessionStore`).

The one change is at login. Django's `cycle_key()` gives a visitor who has no
stored session yet a fresh key by inserting a row at once, which the response
then updates with the signed-in user: two writes. When hundreds of people join
a workshop in its first minute, every write on a shared SQLite file queues
behind the others, so this store only draws the key at that point and inserts
the row once, when the response saves the session. The key must exist before
the response (django-axes records its hash at login), so drawing it uses two of
Django's private names, `_get_new_session_key()` and the `_session_key` setter;
tests/accounts/test_sessions.py fails if an upgrade renames or changes them.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import CreateError


class SessionStore(db.SessionStore):
    """Database sessions whose first row is written once, when saved."""

    _unsaved_key = False  # a key drawn by cycle_key whose row is not written yet

    def cycle_key(self) -> None:
        self.keys()  # loads: a key whose row has expired reads as no key
        if self.session_key is not None:
            self._unsaved_key = False
            super().cycle_key()
            return
        # No stored session to take over: only the new key is needed now.
        self._session_key = self._get_new_session_key()
        self._unsaved_key = True
        self.modified = True

    def save(self, must_create: bool = False) -> None:
        if not self._unsaved_key:
            super().save(must_create=must_create)
            return
        self._unsaved_key = False
        try:
            super().save(must_create=True)
        except CreateError:
            self.create()  # the key was taken meanwhile: draw another

"""
django-axes' database handler, minus the bookkeeping a guest's sign-in does not need.

Axes counts failed password logins and, at each successful one, clears expired
counters, writes an access-log row and resets the user's failures: three queries
and two transactions, seven round trips to the database. A workshop guest has no
password: they sign in by joining with a code or through their personal link,
never through a form axes guards, so there is nothing to count or reset; their
join is on record as their workshop membership. When hundreds of people join in
the first minute of a workshop, that was a fifth of what each join sent to the
database.
"""

from axes.handlers.database import AxesDatabaseHandler


class TrainerAxesHandler(AxesDatabaseHandler):
    def user_logged_in(self, sender, request, user, **kwargs):
        if user.has_usable_password():
            super().user_logged_in(sender, request, user, **kwargs)

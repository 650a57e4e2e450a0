"""Practice accounts: open one, read it into the engine's model, change it.

Every change runs in a transaction on the locked row, so two tabs changing the
same account do not lose each other's work, and a call the engine refuses
(``AccountError``) saves nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from iam.account import Account
from iam.account.state import account_from_state, account_to_state

from .models import PracticeAccount

HISTORY_KEPT = 200  # the newest calls shown on the account's history


def account_id_new() -> str:
    """Twelve digits, in AWS's shape; never a real account's on purpose."""
    return f"{secrets.randbelow(10**12):012d}"


def account_load(practice: PracticeAccount) -> Account:
    return account_from_state(practice.state)


def sandbox_for(user) -> PracticeAccount:
    """The user's own practice account, opened empty on first use."""
    practice = PracticeAccount.objects.filter(user=user, lab=None).first()
    if practice is not None:
        return practice
    account = Account(account_id_new(), root_email=_root_email(user))
    try:
        with transaction.atomic():
            return PracticeAccount.objects.create(
                user=user, lab=None, state=account_to_state(account)
            )
    except IntegrityError:  # opened at the same moment in another tab
        return PracticeAccount.objects.get(user=user, lab=None)


def _root_email(user) -> str:
    email = getattr(user, "email", "") or ""
    return email if "@" in email else f"{user.get_username()}@example.com"


@contextmanager
def account_change(practice: PracticeAccount, call: str) -> Iterator[Account]:
    """Change ``practice``'s account: the block gets the account, and what it
    leaves is saved with ``call`` in the history. An exception saves nothing."""
    with transaction.atomic():
        locked = PracticeAccount.objects.select_for_update().get(pk=practice.pk)
        account = account_load(locked)
        yield account
        locked.state = account_to_state(account)
        locked.history = [
            *locked.history,
            {"at": datetime.now(UTC).isoformat(timespec="seconds"), "call": call},
        ][-HISTORY_KEPT:]
        locked.save(update_fields=["state", "history", "updated_at"])
    practice.state, practice.history = locked.state, locked.history

"""Practice accounts: open one, read it into the engine's model, change it.

Every change runs in a transaction on the locked row, so two tabs changing the
same account do not lose each other's work, and a call the engine refuses
(``AccountError``) saves nothing.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from iam.account import Account, AccountError
from iam.account.errors import LIMIT_EXCEEDED
from iam.account.state import account_from_state, account_to_state

from .models import PracticeAccount

HISTORY_KEPT = 200  # the newest calls shown on the account's history


def history_noted(history: list[dict], call: str) -> list[dict]:
    """``history`` with ``call`` made now at its end, the newest HISTORY_KEPT."""
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "call": call}
    return [*history, entry][-HISTORY_KEPT:]


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
        locked.history = history_noted(locked.history, call)
        locked.save(update_fields=["state", "history", "updated_at"])
    practice.state, practice.history = locked.state, locked.history


# --- what one practice account may hold -------------------------------------------

# The trainer's own caps, well under IAM's quotas, so that one trainee cannot fill
# the disk or make every page slow. They are not AWS's limits, and the message
# says so.
ACCOUNT_CAPS = {
    "users": 50,
    "groups": 30,
    "roles": 30,
    "customer managed policies": 30,
    "resources": 20,
}
STATE_MAX_BYTES = 300_000
# An imported real account (authorization details) may hold more; changes made
# to it afterwards may only shrink what is over the caps above.
IMPORT_CAPS = {
    "users": 200,
    "groups": 100,
    "roles": 200,
    "customer managed policies": 200,
    "resources": 50,
}
IMPORT_MAX_BYTES = 1_500_000


def account_counts(account: Account) -> dict[str, int]:
    """How many of each capped kind of entity the account holds."""
    return {
        "users": len(account.users),
        "groups": len(account.groups),
        "roles": len(account.roles),
        "customer managed policies": sum(
            1 for policy in account.policies.values() if not policy.aws_managed
        ),
        "resources": len(account.resources),
    }


def state_size(state: dict) -> int:
    """The bytes a stored account takes, as JSON."""
    return len(json.dumps(state, separators=(",", ":")))


def account_caps_check(
    account: Account,
    before: dict[str, int],
    *,
    caps: dict[str, int] = ACCOUNT_CAPS,
    max_bytes: int = STATE_MAX_BYTES,
) -> None:
    """Refuse a change that took the account past one of the trainer's caps
    (``before`` is ``account_counts`` from before the change, with the stored
    size under "bytes"). A count or a size already over its cap (an imported
    account's) may still go down."""
    for kind, count in account_counts(account).items():
        cap = caps[kind]
        if count > cap and count > before.get(kind, 0):
            raise AccountError(
                LIMIT_EXCEEDED,
                f"A practice account holds at most {cap} {kind}. This is the "
                "trainer's limit, not AWS's: delete one you no longer need first.",
            )
    size = state_size(account_to_state(account))
    if size > max_bytes and size > before.get("bytes", 0):
        raise AccountError(
            LIMIT_EXCEEDED,
            f"The practice account would take {size:,} bytes; the trainer keeps "
            f"at most {max_bytes:,}. Delete some policies or entities first.",
        )


def sandbox_reset(practice: PracticeAccount) -> None:
    """Empty the sandbox: a fresh account with the same id and root email. The
    history is kept, with the reset in it."""
    with transaction.atomic():
        locked = PracticeAccount.objects.select_for_update().get(pk=practice.pk)
        old = account_load(locked)
        locked.state = account_to_state(Account(old.id, root_email=old.root.email))
        locked.history = history_noted(
            locked.history, "Reset the account: everything in it was deleted"
        )
        locked.save(update_fields=["state", "history", "updated_at"])
    practice.state, practice.history = locked.state, locked.history


def sandbox_replace(practice: PracticeAccount, account: Account, source: str) -> None:
    """Put ``account`` (read from a file named ``source``) in place of the
    sandbox's, within the trainer's caps: past them, AccountError and nothing
    changes. An imported account may be larger than one built by hand
    (IMPORT_CAPS); past them nothing is imported. The history is kept, with
    the import in it."""
    account_caps_check(account, {}, caps=IMPORT_CAPS, max_bytes=IMPORT_MAX_BYTES)
    with transaction.atomic():
        locked = PracticeAccount.objects.select_for_update().get(pk=practice.pk)
        locked.state = account_to_state(account)
        locked.history = history_noted(
            locked.history, f"Imported account {account.id} from {source}"
        )
        locked.save(update_fields=["state", "history", "updated_at"])
    practice.state, practice.history = locked.state, locked.history


def account_apply(practice: PracticeAccount, change: Callable[[Account], str]) -> str:
    """Like ``account_change``, for a change that names itself: ``change``
    makes its calls on the locked account and returns the history line. A
    change that takes the account past the trainer's caps saves nothing
    (``AccountError`` with code LimitExceeded)."""
    with transaction.atomic():
        locked = PracticeAccount.objects.select_for_update().get(pk=practice.pk)
        account = account_load(locked)
        before = {**account_counts(account), "bytes": state_size(locked.state)}
        call = change(account)
        # An imported account may be larger than one built by hand: its size
        # is then bounded by the import's limit.
        imported = before["bytes"] > STATE_MAX_BYTES
        account_caps_check(
            account,
            before,
            max_bytes=IMPORT_MAX_BYTES if imported else STATE_MAX_BYTES,
        )
        locked.state = account_to_state(account)
        locked.history = history_noted(locked.history, call)
        locked.save(update_fields=["state", "history", "updated_at"])
    practice.state, practice.history = locked.state, locked.history
    return call

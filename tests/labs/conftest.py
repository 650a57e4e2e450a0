"""Practice accounts for the console's tests: an owner, and a staff viewer."""

import pytest

from tests.conftest import _user


@pytest.fixture
def viewer(db):
    """Staff allowed to view practice accounts (an instructor looking at a lab)."""
    from django.contrib.auth.models import Permission

    user = _user("vera", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_practiceaccount"))
    return user


@pytest.fixture
def sandbox(alice):
    """alice's practice account, empty."""
    from labs.services import sandbox_for

    return sandbox_for(alice)


def change(practice, *calls):
    """Make engine calls on ``practice``'s account directly, for arranging a test:
    each call is (method name, *args)."""
    from labs.services import account_change

    with account_change(practice, "test setup") as account:
        for name, *args in calls:
            getattr(account, name)(*args)

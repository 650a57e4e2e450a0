"""Shared fixtures: the standard cast of users and the shipped curriculum."""

import pytest
from django.contrib.auth.models import Group, User

from accounts.groups import INSTRUCTORS, TRAINEES

PASSWORD = "correct horse battery staple"


def _user(username: str, group: str | None = None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def alice(db) -> User:
    """A trainee."""
    return _user("alice", TRAINEES)


@pytest.fixture
def bob(db) -> User:
    """A second trainee."""
    return _user("bob", TRAINEES)


@pytest.fixture
def charlie(db) -> User:
    """An instructor."""
    return _user("charlie", INSTRUCTORS)


@pytest.fixture
def admin_user(db) -> User:
    """A staff administrator."""
    return _user("dana", is_staff=True, is_superuser=True)


@pytest.fixture
def content(db):
    """The curriculum shipped in the repository, loaded."""
    from responsibility.services import content_load

    content_load()

"""Shared fixtures: the standard cast of users and the shipped curriculum."""

import os

import pytest
from hypothesis import HealthCheck, settings

# Imports of Django models stay inside the fixtures, so that the engine's tests
# under tests/iam/ also run without Django (`-p no:django`).
from accounts.groups import INSTRUCTORS, TRAINEES
from tests.quizzes.bank import BANK

PASSWORD = "correct horse battery staple"

# Property tests never depend on how fast this machine is: no per-example
# deadline and no "too slow" health check. On CI (.ci/run sets CI) they draw
# the same examples every run, so a red run can be reproduced.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


def _user(username: str, group: str | None = None, **extra):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def alice(db):
    """A trainee."""
    return _user("alice", TRAINEES)


@pytest.fixture
def bob(db):
    """A second trainee."""
    return _user("bob", TRAINEES)


@pytest.fixture
def charlie(db):
    """An instructor."""
    return _user("charlie", INSTRUCTORS)


@pytest.fixture
def admin_user(db):
    """A staff administrator."""
    return _user("dana", is_staff=True, is_superuser=True)


@pytest.fixture
def content(db):
    """The curriculum shipped in the repository, loaded."""
    from responsibility.services import content_load

    content_load()


@pytest.fixture
def bank(db):
    """The responsibility content and the small bank of tests/quizzes/bank.py."""
    from quizzes.interchange import check_document
    from quizzes.services import questions_import
    from responsibility.services import content_load

    content_load()
    questions_import(document=check_document(BANK))


@pytest.fixture
def questions(bank):
    from quizzes.models import Question

    return {q.slug: q for q in Question.objects.all()}

"""prune_guests removes old guests with nothing worth keeping, and says so."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from accounts.models import RateLimit
from exercises.services import prediction_submit
from quizzes.services import attempt_start, attempt_submit
from workshops.models import GuestProfile
from workshops.services import guest_create

pytestmark = pytest.mark.django_db


def _old_guest(name: str, days: int = 40) -> User:
    user = guest_create(display_name=name)
    GuestProfile.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return user


def _prune(*args) -> str:
    out = StringIO()
    call_command("prune_guests", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def guests(quiz, exercises):
    idle = _old_guest("Idle Ivan")
    _old_guest("Recent Rita", days=3)
    quizzer = _old_guest("Quiz Quinn")
    attempt_submit(attempt=attempt_start(quiz=quiz, user=quizzer))
    solver = _old_guest("Policy Pat")
    prediction_submit(
        exercise=exercises["predict-reports"], user=solver, allowed_ids=set()
    )
    keeper = _old_guest("Keeper Kim")
    keeper.set_password("a long enough passphrase")
    keeper.save()
    opener = _old_guest("Opener Olga")
    attempt_start(quiz=quiz, user=opener)  # started, never submitted
    return {"idle": idle, "opener": opener}


def test_old_guests_without_results_or_password_are_removed(guests, alice):
    output = _prune()
    assert f"Removed guest {guests['idle'].username}" in output
    assert "Opener Olga" in output
    assert "Removed 2 guest accounts older than 30 days." in output
    remaining = set(GuestProfile.objects.values_list("display_name", flat=True))
    assert remaining == {"Recent Rita", "Quiz Quinn", "Policy Pat", "Keeper Kim"}
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_dry_run_removes_nothing(guests):
    output = _prune("--dry-run")
    assert "Would remove 2 guest accounts" in output
    assert GuestProfile.objects.count() == 6


def test_the_age_is_chosen_on_the_command_line(guests):
    output = _prune("--older-than", "1")
    assert "Recent Rita" in output
    assert "Removed 3 guest accounts older than 1 days." in output


def test_expired_rate_limit_counters_are_cleared(db):
    RateLimit.objects.create(
        key="join-fail:net:10.0.0.1",
        hits=3,
        window_start=timezone.now() - timedelta(days=1, hours=1),
    )
    RateLimit.objects.create(
        key="join-fail:net:10.0.0.2",
        hits=3,
        window_start=timezone.now() - timedelta(hours=23),  # a day's window runs
    )
    assert "Cleared 1 expired rate-limit counters" in _prune()
    assert list(RateLimit.objects.values_list("key", flat=True)) == [
        "join-fail:net:10.0.0.2"
    ]

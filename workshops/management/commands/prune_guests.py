"""Remove old guest accounts that hold no results worth keeping."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.throttle import rate_limits_prune
from exercises.models import Submission
from labs.models import PracticeAccount
from quizzes.models import Attempt, AttemptStatus

from ...throttling import DAY


def _longest_window() -> timedelta:
    """No rate limit counts over a longer window (config/settings.py)."""
    return timedelta(
        seconds=max(
            DAY,
            settings.WORKSHOP_JOIN_WINDOW_SECONDS,
            settings.EXERCISE_CHECK_WINDOW_SECONDS,
        )
    )


def prunable_guests(*, older_than_days: int, now=None):
    """
    Guests who joined more than `older_than_days` ago, never set a password, and
    have no submitted quiz attempt, no exercise submission and no checked lab.
    """
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    submitted = Attempt.objects.filter(
        user=OuterRef("pk"), status=AttemptStatus.SUBMITTED
    )
    submissions = Submission.objects.filter(user=OuterRef("pk"))
    checked_labs = PracticeAccount.objects.filter(
        user=OuterRef("pk"), lab__isnull=False, checks__gt=0
    )
    return (
        User.objects.filter(
            guest_profile__isnull=False,
            guest_profile__created_at__lt=cutoff,
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
            is_staff=False,
            is_superuser=False,
        )
        .exclude(Exists(submitted))
        .exclude(Exists(submissions))
        .exclude(Exists(checked_labs))
        .select_related("guest_profile")
        .order_by("pk")
    )


class Command(BaseCommand):
    help = (
        "Remove guest accounts (joined a workshop with only a name) older than "
        "--older-than days that never set a password and have no submitted quiz, "
        "no exercise submission and no checked lab. Says what it removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=30,
            metavar="DAYS",
            help="Age in days a guest account must exceed (default 30).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be removed, remove nothing.",
        )

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        if older_than < 0:
            raise CommandError("--older-than must be zero or more days.")
        with transaction.atomic():
            guests = list(prunable_guests(older_than_days=older_than))
            verb = "Would remove" if dry_run else "Removed"
            for user in guests:
                self.stdout.write(
                    f"{verb} guest {user.username} "
                    f"(“{user.guest_profile.display_name}”, joined "
                    f"{user.guest_profile.created_at:%Y-%m-%d})"
                )
            if not dry_run and guests:
                User.objects.filter(pk__in=[u.pk for u in guests]).delete()
            counters = 0 if dry_run else rate_limits_prune(older_than=_longest_window())
        noun = "guest account" if len(guests) == 1 else "guest accounts"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(guests)} {noun} older than {older_than} days."
            )
        )
        if counters:
            self.stdout.write(f"Cleared {counters} expired rate-limit counters.")

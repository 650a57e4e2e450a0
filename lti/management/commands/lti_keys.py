"""Create the tool's signing key, or rotate it (django-lti's keys)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from lti_tool.models import Key


class Command(BaseCommand):
    help = (
        "Create the tool's RSA signing key when it has none (published at "
        "/lti/jwks.json). With --rotate, add a new key and retire keys older "
        "than --retire-after days; a retired key leaves the JWKS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true")
        parser.add_argument(
            "--retire-after",
            type=int,
            default=7,
            help="Days an older key stays published after a rotation (default 7), "
            "so platforms that cached the key set still verify.",
        )

    def handle(self, *args, rotate: bool, retire_after: int, **options):
        active = Key.objects.active()
        if active.exists() and not rotate:
            self.stdout.write(
                "The tool has a key; nothing to do (use --rotate for a new one). "
                f"Published: {', '.join(str(key) for key in active)}"
            )
            return
        cutoff = timezone.now() - timedelta(days=retire_after)
        with transaction.atomic():
            key = Key.objects.generate()
            retired = active.filter(datetime_created__lt=cutoff).exclude(pk=key.pk)
            retired_count = retired.update(is_active=False)
        self.stdout.write(self.style.SUCCESS(f"New signing key {key} published."))
        if retired_count:
            self.stdout.write(f"Retired {retired_count} older key(s).")

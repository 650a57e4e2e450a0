from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curriculum.cache import content_changed


class Command(BaseCommand):
    help = (
        "Restore a backup made with `manage.py backup` into a migrated database. "
        "Refuses a database that already has accounts unless --replace, which "
        "deletes everything first. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the current data first (it is not kept).",
        )

    def handle(self, *args, file: Path, replace: bool = False, **options):
        if not file.is_file():
            raise CommandError(f"No backup file at {file}.")
        if get_user_model().objects.exists() and not replace:
            raise CommandError(
                "This database already has accounts. Restore into a fresh database, "
                "or pass --replace to delete the current data first."
            )
        try:
            with transaction.atomic():
                if replace:
                    call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(file), verbosity=0)
                content_changed()
        except Exception as exc:  # loaddata wraps every cause in its own errors
            raise CommandError(f"Nothing restored: {exc}") from exc
        self.stdout.write(f"Restored {file}.")

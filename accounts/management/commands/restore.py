"""
Restore a backup written by `manage.py backup`, of this format or an older one: an
older file is brought up to today's meaning of its fields before it is loaded.
"""

import json
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from .backup import BACKUP_FORMAT


def backup_objects(text: str) -> list[dict]:
    """The rows of a backup file of any format, as this version of the code reads."""
    data = json.loads(text)
    if isinstance(data, list):  # format 1: the bare dumpdata list
        data = {"backup_format": 1, "objects": data}
    version = data.get("backup_format") if isinstance(data, dict) else None
    if not isinstance(version, int) or not 1 <= version <= BACKUP_FORMAT:
        raise ValueError(f"not a backup this version can read (format {version!r})")
    objects = data["objects"]
    if version < 2:
        # Format 1 held an attempt's score as a percentage; it is now a fraction.
        for row in objects:
            fields = row.get("fields", {})
            if (
                row.get("model") == "quizzes.attempt"
                and fields.get("score") is not None
            ):
                fields["score"] = fields["score"] / 100
    return objects


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
            objects = backup_objects(file.read_text(encoding="utf-8"))
            with tempfile.TemporaryDirectory() as folder:
                fixture = Path(folder) / "backup.json"
                fixture.write_text(json.dumps(objects), encoding="utf-8")
                with transaction.atomic():
                    if replace:
                        call_command("flush", interactive=False, verbosity=0)
                    # Each restored content row sends post_save, which gives the
                    # curriculum a new version token (curriculum/cache.py).
                    call_command("loaddata", str(fixture), verbosity=0)
        except Exception as exc:  # loaddata wraps every cause in its own errors
            raise CommandError(f"Nothing restored: {exc}") from exc
        self.stdout.write(f"Restored {file}.")

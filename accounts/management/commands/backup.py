"""
Back up everything worth keeping: accounts, trainees' results, workshops and the
curriculum as edited in the admin. The file is JSON, independent of the database
engine, so a SQLite backup restores into PostgreSQL and back.

The file is {"backup_format": BACKUP_FORMAT, "objects": [<dumpdata rows>]}, so
that `restore` can bring an older file up to today's meaning of its fields.
Format 1 was the bare list of rows, written while an attempt's score was a
percentage. Format 2 named users and content by natural key only, so a restore
gave them new ids (and guests' personal links, which name an id, stopped
working), and cut times to milliseconds. Format 3 keeps every row's id and every
microsecond; references to content types and permissions stay natural keys, as
those tables are rebuilt by migrations with ids of their own.

Deliberately not backed up: the admin's change history (admin.logentry), login
attempt logs and lockouts (axes), sessions, content types and permissions
(rebuilt by migrations) and the curriculum cache's version token.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Rebuilt by Django or worthless after a restore: content types and permissions
# come from migrations; sessions, login-failure counters and the curriculum's
# cache token are transient, and so are rate-limit counters and the (hashed)
# networks workshops were joined from.
EXCLUDED = [
    "contenttypes",
    "curriculum.curriculumversion",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "accounts.ratelimit",
    "workshops.workshopnetwork",
]
BACKUP_FORMAT = 3


class Command(BaseCommand):
    help = "Write a JSON backup of the database (restore it with `manage.py restore`)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if file.exists():
            raise CommandError(f"{file} exists already; choose a new file name.")
        try:
            with file.open("x", encoding="utf-8") as out:
                out.write(f'{{"backup_format": {BACKUP_FORMAT}, "objects": ')
                call_command(
                    "dumpdata",
                    format="exactjson",
                    natural_foreign=True,
                    exclude=EXCLUDED,
                    indent=1,
                    stdout=out,
                    verbosity=0,
                )
                out.write("}\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}") from exc
        self.stdout.write(f"Backup written to {file} ({file.stat().st_size:,} bytes).")

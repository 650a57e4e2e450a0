from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum.files import ImportFileError, guess_format
from exercises.interchange import check_exercises, exercises_import, read_exercises


class Command(BaseCommand):
    help = (
        "Import policy exercises from a YAML or JSON file (docs/exercise-format.md). "
        "Existing exercises with the same slug are updated. A file with any error "
        "imports nothing; every error names its line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=("yaml", "json"))

    def handle(self, *args, file: Path, format: str | None = None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            document = check_exercises(
                read_exercises(data, format=format or guess_format(file.name))
            )
        except ImportFileError as exc:
            raise CommandError(f"{file}: nothing imported.\n{exc}") from exc
        for label, count in sorted(exercises_import(document=document).items()):
            self.stdout.write(f"{count} {label}")

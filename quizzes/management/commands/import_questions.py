from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange import (
    FORMATS,
    ImportFileError,
    check_document,
    guess_format,
    questions_import,
    read_document,
)


class Command(BaseCommand):
    help = (
        "Import questions (and topics and quizzes) from a YAML, JSON or Moodle GIFT "
        "file. Existing questions with the same slug are updated. A file with any "
        "error imports nothing; every error names its line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=FORMATS, help="Default: from the file's extension."
        )

    def handle(self, *args, file: Path, format: str | None = None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            document = check_document(
                read_document(data, format=format or guess_format(file.name))
            )
        except ImportFileError as exc:
            raise CommandError(f"{file}: nothing imported.\n{exc}") from exc
        counts = questions_import(document=document)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{count} {label}")

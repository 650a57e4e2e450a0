"""The shape every content import command shares (import_questions,
import_exercises, import_labs): read a file, check it whole, write it, and
report the counts. A file with any error imports nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum.files import ImportFileError, guess_format


class ImportCommand(BaseCommand):
    """Subclasses set ``formats`` and define ``read(data, format)`` (decode and
    check, raising ImportFileError) and ``write(document)`` (returning counts)."""

    formats: tuple[str, ...] = ("yaml", "json")

    def read(self, data: bytes, format: str) -> dict:
        raise NotImplementedError  # each command's own file format

    def write(self, document: dict):
        raise NotImplementedError  # each command's own rows

    def guess_format(self, name: str, data: bytes) -> str:
        """The format of a file given without --format."""
        return guess_format(name)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=self.formats, help="Default: from the file's extension."
        )

    def handle(self, *args, file: Path, format: str | None = None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            document = self.read(data, format or self.guess_format(file.name, data))
        except ImportFileError as exc:
            raise CommandError(f"{file}: nothing imported.\n{exc}") from exc
        counts = self.write(document)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{count} {label}")
        if not counts:
            self.stdout.write("Nothing changed.")

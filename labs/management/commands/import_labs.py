from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum.files import ImportFileError, guess_format
from labs.interchange import check_labs, labs_import, read_labs


class Command(BaseCommand):
    help = (
        "Import labs from a YAML or JSON file: one lab, or a 'labs' list as "
        "export_labs writes. Existing labs with the same slug are updated. A file "
        "with any error imports nothing; every error names the lab and the place."
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
            document = check_labs(
                read_labs(data, format=format or guess_format(file.name))
            )
        except ImportFileError as exc:
            raise CommandError(f"{file}: nothing imported.\n{exc}") from exc
        counts = labs_import(document=document)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{count} {label}")
        if not counts:
            self.stdout.write("Nothing changed.")

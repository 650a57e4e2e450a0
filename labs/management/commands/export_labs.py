from pathlib import Path

from django.core.management.base import BaseCommand

from curriculum.files import dump_document
from labs.interchange import labs_export


class Command(BaseCommand):
    help = (
        "Write every lab, solution included, to standard output or to --output, "
        "in the format import_labs reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
        parser.add_argument("--output", type=Path)

    def handle(self, *args, format: str = "yaml", output: Path | None = None, **o):
        text = dump_document(labs_export(), format=format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output}.")

from curriculum.management.importing import ImportCommand
from quizzes.interchange import (
    FORMATS,
    check_document,
    guess_format,
    questions_import,
    read_questions,
)


class Command(ImportCommand):
    help = (
        "Import questions (and topics and quizzes) from a YAML, JSON, Moodle GIFT "
        "or Moodle XML file. Existing questions with the same slug are updated. A "
        "file with any error imports nothing; every error names its line."
    )
    formats = FORMATS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="GIFT and Moodle XML: leave out (and list) the questions of types "
            "this trainer cannot represent, and import the rest.",
        )

    def handle(self, *args, skip_unsupported: bool = False, **options):
        self.skip_unsupported = skip_unsupported
        self.skipped = []
        super().handle(*args, **options)
        for problem in self.skipped:
            self.stdout.write(f"Skipped: {problem}")

    def guess_format(self, name: str, data: bytes) -> str:
        return guess_format(name, data)

    def read(self, data: bytes, format: str) -> dict:
        file = read_questions(
            data, format=format, skip_unsupported=self.skip_unsupported
        )
        self.skipped = file.skipped
        self.images = file.images
        return check_document(file.document)

    def write(self, document: dict):
        return questions_import(document=document, images=self.images)

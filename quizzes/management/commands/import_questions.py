from curriculum.management.importing import ImportCommand
from quizzes.interchange import (
    FORMATS,
    check_document,
    questions_import,
    read_document,
)


class Command(ImportCommand):
    help = (
        "Import questions (and topics and quizzes) from a YAML, JSON or Moodle GIFT "
        "file. Existing questions with the same slug are updated. A file with any "
        "error imports nothing; every error names its line."
    )
    formats = FORMATS

    def read(self, data: bytes, format: str) -> dict:
        return check_document(read_document(data, format=format))

    def write(self, document: dict):
        return questions_import(document=document)

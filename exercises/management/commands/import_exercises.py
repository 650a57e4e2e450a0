from curriculum.management.importing import ImportCommand
from exercises.interchange import check_exercises, exercises_import, read_exercises


class Command(ImportCommand):
    help = (
        "Import policy exercises from a YAML or JSON file (docs/exercise-format.md). "
        "Existing exercises with the same slug are updated. A file with any error "
        "imports nothing; every error names its line."
    )

    def read(self, data: bytes, format: str) -> dict:
        return check_exercises(read_exercises(data, format=format))

    def write(self, document: dict):
        return exercises_import(document=document)

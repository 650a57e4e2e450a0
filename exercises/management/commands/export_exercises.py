from django.core.management.base import BaseCommand

from curriculum.files import dump_document
from exercises.interchange import exercises_export


class Command(BaseCommand):
    help = "Write every policy exercise, reference included, to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("yaml", "json"), default="yaml")

    def handle(self, *args, format: str = "yaml", **options):
        self.stdout.write(dump_document(exercises_export(), format=format), ending="")

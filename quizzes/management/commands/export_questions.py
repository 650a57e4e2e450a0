from django.core.management.base import BaseCommand

from quizzes.interchange import dump_document, questions_export


class Command(BaseCommand):
    help = "Write every question, with its topics and quizzes, to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("yaml", "json"), default="yaml")

    def handle(self, *args, format: str = "yaml", **options):
        self.stdout.write(dump_document(questions_export(), format=format), ending="")

from django.core.management.base import BaseCommand

from quizzes.interchange import dump_document, questions_export, questions_moodle_xml


class Command(BaseCommand):
    help = (
        "Write every question, with its topics and quizzes, to standard output: "
        "YAML, JSON, or Moodle XML (questions and their topics as categories)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=("yaml", "json", "moodle-xml"), default="yaml"
        )

    def handle(self, *args, format: str = "yaml", **options):
        if format == "moodle-xml":
            text = questions_moodle_xml()
        else:
            text = dump_document(questions_export(), format=format)
        self.stdout.write(text, ending="")

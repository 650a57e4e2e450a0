from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes.interchange import ImportFileError, check_document, read_document
from quizzes.services import QUESTIONS_FILE, questions_import
from responsibility.content import ContentError
from responsibility.services import content_load


class Command(BaseCommand):
    help = (
        "Load the curriculum shipped in the repository: the responsibility model "
        "(responsibility/content/) and the question bank (quizzes/content/). Adds "
        "what is missing and leaves rows an administrator edited alone, unless "
        "--update."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite existing rows with the shipped content.",
        )

    def handle(self, *args, update: bool = False, **options):
        try:
            with transaction.atomic():
                counts = content_load(update=update)
                document = check_document(
                    read_document(QUESTIONS_FILE.read_bytes(), format="yaml")
                )
                counts.update(questions_import(document=document, update=update))
        except ContentError as exc:
            raise CommandError(f"Content not loaded: {exc}") from exc
        except ImportFileError as exc:
            raise CommandError(
                f"Content not loaded: {QUESTIONS_FILE.name}:\n{exc}"
            ) from exc
        if not counts:
            self.stdout.write("Content is up to date; nothing to add.")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{count} {label}")

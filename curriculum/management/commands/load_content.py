"""
load_content lives in the exercises app because exercises are the last layer of
the curriculum: responsibility content, then topics and questions, then exercises
that refer to topics.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from exercises.interchange import check_exercises, read_exercises
from exercises.services import EXERCISES_FILE, exercises_import
from quizzes.interchange import ImportFileError, check_document, read_document
from quizzes.services import QUESTIONS_FILE, questions_import
from responsibility.content import ContentError
from responsibility.services import content_load


class Command(BaseCommand):
    help = (
        "Load the curriculum shipped in the repository: the responsibility model "
        "(responsibility/content/), the question bank (quizzes/content/) and the "
        "policy exercises (exercises/content/). Adds "
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
        current = None
        try:
            with transaction.atomic():
                counts = content_load(update=update)
                current = QUESTIONS_FILE
                document = check_document(
                    read_document(QUESTIONS_FILE.read_bytes(), format="yaml")
                )
                counts.update(questions_import(document=document, update=update))
                current = EXERCISES_FILE
                document = check_exercises(
                    read_exercises(EXERCISES_FILE.read_bytes(), format="yaml")
                )
                counts.update(exercises_import(document=document, update=update))
        except ContentError as exc:
            raise CommandError(f"Content not loaded: {exc}") from exc
        except ImportFileError as exc:
            raise CommandError(f"Content not loaded: {current.name}:\n{exc}") from exc
        if options["verbosity"] < 1:
            return
        if not counts:
            self.stdout.write("Content is up to date; nothing to add.")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{count} {label}")

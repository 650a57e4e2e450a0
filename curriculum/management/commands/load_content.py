"""
load_content runs the loaders the content apps register (curriculum.loading):
the responsibility model, then topics and questions, then exercises that refer
to topics.
"""

from django.core.management.base import BaseCommand, CommandError

from curriculum.loading import ContentLoadError, content_load_all


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
        try:
            counts = content_load_all(update=update)
        except ContentLoadError as exc:
            raise CommandError(f"Content not loaded: {exc}") from exc
        if options["verbosity"] < 1:
            return
        if not counts:
            self.stdout.write("Content is up to date; nothing to add.")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{count} {label}")

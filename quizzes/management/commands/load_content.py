from django.core.management.base import BaseCommand, CommandError

from responsibility.content import ContentError
from responsibility.services import content_load


class Command(BaseCommand):
    help = (
        "Load the curriculum shipped in responsibility/content/. Adds what is "
        "missing and leaves rows an administrator edited alone, unless --update."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite existing rows with the shipped content.",
        )

    def handle(self, *args, update: bool = False, **options):
        try:
            counts = content_load(update=update)
        except ContentError as exc:
            raise CommandError(f"Content not loaded: {exc}") from exc
        if not counts:
            self.stdout.write("Content is up to date; nothing to add.")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{count} {label}")

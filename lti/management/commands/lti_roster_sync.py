"""Fetch the rosters of the courses that launched the tool (NRPS)."""

from django.core.management.base import BaseCommand, CommandError

from lti.launch import LaunchRefused
from lti.services import contexts_with_roster, roster_sync


class Command(BaseCommand):
    help = "Sync course rosters from the platforms (all courses, or --context ID)."

    def add_arguments(self, parser):
        parser.add_argument("--context", type=int, help="One LTI context's id.")

    def handle(self, *args, context: int | None, **options):
        contexts = contexts_with_roster()
        if context is not None:
            contexts = contexts.filter(pk=context)
            if not contexts.exists():
                raise CommandError(f"No LTI context {context} with a roster URL.")
        failures = 0
        for item in contexts:
            try:
                result = roster_sync(context=item)
            except LaunchRefused as error:
                failures += 1
                self.stderr.write(f"{item}: {error.what}")
            else:
                self.stdout.write(
                    f"{item}: {result.members} members, "
                    f"{result.accounts_created} new accounts."
                )
        if failures:
            raise CommandError(f"{failures} roster(s) could not be synced.")

"""Send the scores waiting in the outbox (run from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from lti.services import scores_send
from lti.storage import launch_values_prune


class Command(BaseCommand):
    help = (
        "Send the gradebook scores that are due (new ones, and failed ones whose "
        "back-off has passed). Safe to run often, and from several machines."
    )

    def handle(self, *args, **options):
        result = scores_send()
        pruned = launch_values_prune()
        self.stdout.write(
            f"{result.sent} sent, {result.failed} failed (tried again later); "
            f"{pruned} expired launch values removed."
        )

"""Enqueue scheduled syncs for due connections; safe to run from cron every minute."""

from django.core.management.base import BaseCommand

from sync.services import enqueue_due_syncs


class Command(BaseCommand):
    help = (
        "Enqueue a scheduled sync for each active connection not synced within "
        "SYNC_INTERVAL, re-enqueue overdue pending runs and due webhook retries, and "
        "fail runs whose worker was lost."
    )

    def handle(self, *args, **options):
        counts = enqueue_due_syncs()
        self.stdout.write(
            "scheduled {scheduled}, re-enqueued {requeued}, "
            "failed as worker lost {reaped}; webhook events re-enqueued "
            "{webhooks_requeued}, lost {webhooks_reaped}".format(**counts)
        )
        for line in counts["others"]:
            self.stdout.write(line)

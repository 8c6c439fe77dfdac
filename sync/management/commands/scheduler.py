"""Run sync_due's work every minute in the foreground: the scheduler process of
compose.yaml, in place of cron inside the image.

One process per deployment is enough (a second one is harmless: sync_due is safe to run
twice at once). SIGTERM or SIGINT ends it between passes, never in the middle of one.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from sync.services import enqueue_due_syncs

logger = logging.getLogger("sync.scheduler")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Longest nap between looks at the stop flag: `docker stop` waits 10 s before SIGKILL.
NAP = 1.0


def seconds_to_boundary(interval, now):
    """Seconds from `now` (epoch seconds) to the next multiple of `interval`, so
    passes land on the minute however long each one took."""
    return interval - now % interval


class Command(BaseCommand):
    help = (
        "Run what `sync_due` does every --interval seconds (default 60), on the "
        "boundary, until SIGTERM or SIGINT; --once runs a single pass."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=int,
            default=60,
            help="Seconds between passes (default 60).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run one pass and exit (a failing pass exits non-zero).",
        )

    def handle(self, *args, interval, once, **options):
        if interval < 1:
            raise CommandError("--interval must be at least 1 second.")
        if once:
            run_pass()
            return
        self.stopping = False
        previous = {sig: signal.signal(sig, self.stop) for sig in STOP_SIGNALS}
        logger.info("scheduler started: a pass every %d s", interval)
        try:
            while not self.stopping:
                self.run_pass_logging_failures()
                self.sleep(seconds_to_boundary(interval, time.time()))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("scheduler stopped")

    def stop(self, signum, frame):
        # Only a flag: a pass under way finishes its transactions first.
        logger.info("scheduler received %s; stopping", signal.strsignal(signum))
        self.stopping = True

    def sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, NAP))

    def run_pass_logging_failures(self):
        # The loop outlives a failed pass (database restarting, say): the next pass
        # does the same work again. Like a request or a db_worker task, each pass
        # starts and ends by dropping a connection that is broken or past CONN_MAX_AGE.
        close_old_connections()
        try:
            run_pass()
        except Exception:
            logger.exception("scheduler pass failed; trying again at the next one")
        finally:
            close_old_connections()


def run_pass():
    """One sync_due pass, logged with its counts and duration."""
    started = time.monotonic()
    counts = enqueue_due_syncs()
    logger.info(
        "scheduler pass done in %.2f s: scheduled=%d requeued=%d reaped=%d "
        "webhooks_requeued=%d webhooks_reaped=%d",
        time.monotonic() - started,
        counts["scheduled"],
        counts["requeued"],
        counts["reaped"],
        counts["webhooks_requeued"],
        counts["webhooks_reaped"],
    )
    for line in counts["others"]:
        logger.info("scheduler pass: %s", line)

"""Rebuild training loads: every athlete's, or one athlete's with --user EMAIL."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from analytics.services import recompute_user
from sync.models import Activity

BAR_WIDTH = 30


def progress_bar(done, total, width=BAR_WIDTH):
    """`[#######-----------]  7/20` as text (no dependency for a bar)."""
    filled = width * done // total if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done:>{len(str(total))}}/{total}"


class Command(BaseCommand):
    help = "Recompute the training load of every session (or one athlete's)."

    def add_arguments(self, parser):
        parser.add_argument("--user", metavar="EMAIL", help="Only this athlete")

    def handle(self, *args, user=None, **options):
        users = get_user_model().objects.order_by("pk")
        if user:
            users = users.filter(email__iexact=user)
            if not users.exists():
                raise CommandError(f"No athlete with the email {user}.")
        else:
            with_activities = Activity.objects.values("user_id").distinct()
            users = users.filter(pk__in=with_activities)
        ids = list(users.values_list("pk", flat=True))
        loads = 0
        for done, user_id in enumerate(ids, start=1):
            loads += recompute_user(user_id)
            end = "\n" if done == len(ids) else ""
            self.stdout.write(f"\r{progress_bar(done, len(ids))} athletes", ending=end)
            self.stdout.flush()
        self.stdout.write(
            self.style.SUCCESS(f"{loads} training loads for {len(ids)} athletes.")
        )

"""Rebuild the grouping of cross-provider copies from scratch (issue 10)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sync.grouping import regroup_user
from sync.models import Activity


class Command(BaseCommand):
    help = (
        "Regroup every athlete's activities (or one athlete's), honouring the "
        "athletes' split and merge decisions. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="only this athlete (email)")

    def handle(self, *args, user, **options):
        if user:
            found = get_user_model().objects.filter(email__iexact=user).first()
            if found is None:
                raise CommandError(f"No user with email {user}.")
            user_ids = [found.pk]
        else:
            user_ids = (
                Activity.objects.order_by("user_id")
                .values_list("user_id", flat=True)
                .distinct()
            )
        athletes = sessions = grouped = 0
        for user_id in user_ids:
            result = regroup_user(user_id)
            athletes += 1
            sessions += len(result)
            grouped += sum(1 for session in result if len(session) > 1)
        self.stdout.write(
            f"{athletes} athletes: {sessions} sessions, {grouped} with several copies"
        )

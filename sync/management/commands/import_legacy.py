"""manage.py import_legacy --source postgres://… [--dry-run] [--batch-size N]
[--only users,connections,activities,sync_logs]

Moves the legacy Strava-only database into this one (issue 9). Safe to run any number
of times; it never writes to the legacy database.
"""

from django.core.management.base import BaseCommand, CommandError

from providers.legacy.source import SourceError
from sync.legacy.importer import (
    BATCH_SIZE,
    STEPS,
    NotMigratedError,
    check_migrated,
    run,
)


def steps(value):
    chosen = [s.strip() for s in value.split(",") if s.strip()]
    unknown = set(chosen) - set(STEPS)
    if unknown or not chosen:
        raise CommandError(f"--only takes a comma-separated list of {', '.join(STEPS)}")
    return chosen


class Command(BaseCommand):
    help = (
        "Import users, connections, activities and sync logs from the legacy database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, help="postgres:// URL")
        parser.add_argument("--dry-run", action="store_true", help="write nothing")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--only", default=",".join(STEPS))

    def handle(self, *args, source, dry_run, batch_size, only, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        only = steps(only)
        try:
            check_migrated()
            report = run(source, only, batch_size, dry_run, out=self.stdout.write)
        except (SourceError, NotMigratedError) as exc:
            raise CommandError(str(exc)) from None
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        for line in report.summary():
            self.stdout.write(line)

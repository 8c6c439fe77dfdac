"""Run one connection's sync in the foreground, with a line per page."""

from django.core.management.base import BaseCommand, CommandError

from providers.models import Provider, ProviderConnection
from sync.services import SyncInProgressError, sync_in_foreground


class Command(BaseCommand):
    help = "Sync one connection now, in this process: by id, or --user and --provider."

    def add_arguments(self, parser):
        parser.add_argument("connection_id", nargs="?", type=int)
        parser.add_argument("--user", help="the athlete's email")
        parser.add_argument("--provider", choices=Provider.values)
        parser.add_argument(
            "--full",
            action="store_true",
            help="fetch as far back as the provider allows, not from the last sync",
        )

    def handle(self, *args, connection_id, user, provider, full, **options):
        connection = self._connection(connection_id, user, provider)
        try:
            sync = sync_in_foreground(connection, full=full, progress=self._progress)
        except SyncInProgressError as exc:
            raise CommandError(str(exc)) from None
        if sync is None:
            raise CommandError("The pending run is waiting; nothing was run.")
        if sync.status == "pending":
            when = f"{sync.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
            self.stdout.write(f"sync #{sync.pk} retries {when}: {sync.error_message}")
            return
        self.stdout.write(
            f"sync #{sync.pk} {sync.status}: {sync.activities_created} created, "
            f"{sync.activities_updated} updated, {sync.activities_skipped} skipped, "
            f"{sync.api_calls} API calls"
            + (f" — {sync.error_message}" if sync.error_message else "")
        )

    def _connection(self, connection_id, user, provider):
        if connection_id is not None:
            found = ProviderConnection.objects.filter(pk=connection_id)
        elif user and provider:
            found = ProviderConnection.objects.filter(
                user__email__iexact=user, provider=provider
            )
        else:
            raise CommandError("Give a connection id, or --user and --provider.")
        connection = found.first()
        if connection is None:
            raise CommandError("No such connection.")
        return connection

    def _progress(self, number, stats):
        self.stdout.write(
            f"page {number}: {stats['activities_fetched']} fetched, "
            f"{stats['activities_created']} created, "
            f"{stats['activities_updated']} updated, "
            f"{stats['activities_skipped']} skipped"
        )

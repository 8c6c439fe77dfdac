"""What sync does when providers announces a connection change.

providers sends the signals and never imports sync; SyncConfig.ready() imports this.
"""

from django.dispatch import receiver

from providers.signals import connection_established, connection_removed

from . import services
from .models import SyncType


@receiver(connection_established, dispatch_uid="sync.initial_sync")
def sync_new_connection(sender, connection, **kwargs):
    """A new or reconnected connection gets its initial sync (after commit)."""
    services.request_sync(connection, SyncType.INITIAL)


@receiver(connection_removed, dispatch_uid="sync.forget_activities")
def forget_activities(sender, connection, keep_activities, **kwargs):
    """Kept activities outlive the connection (the FK is SET_NULL); others go."""
    if not keep_activities:
        services.delete_connection_activities(connection)

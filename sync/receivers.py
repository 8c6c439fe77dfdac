"""What sync does when providers announces a connection change, or copies are deleted.

providers sends the signals and never imports sync; SyncConfig.ready() imports this.
"""

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from providers.signals import connection_established, connection_removed

from . import services
from .grouping import deletes
from .models import Activity, SyncType


@receiver(connection_established, dispatch_uid="sync.initial_sync")
def sync_new_connection(sender, connection, **kwargs):
    """A new or reconnected connection gets its initial sync (after commit)."""
    services.request_sync(connection, SyncType.INITIAL)


@receiver(connection_removed, dispatch_uid="sync.forget_activities")
def forget_activities(sender, connection, keep_activities, **kwargs):
    """Kept activities outlive the connection (the FK is SET_NULL); others go."""
    if not keep_activities:
        services.delete_connection_activities(connection)


@receiver(pre_delete, sender=Activity, dispatch_uid="sync.note_grouped_copy")
def note_grouped_copy(sender, instance, origin=None, **kwargs):
    if instance.group_id is not None:
        deletes.note(instance.group_id, origin)


@receiver(post_delete, sender=Activity, dispatch_uid="sync.settle_groups")
def settle_groups(sender, instance, origin=None, **kwargs):
    """Groups that lost copies re-elect or dissolve (sync.grouping.deletes)."""
    deletes.settle(origin)

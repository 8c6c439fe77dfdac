"""Files follow their rows; originals are kept as streams arrive; expired exports
go at each scheduled pass (sync_due)."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from analytics.streams.signals import original_file_received
from sync.signals import scheduled_pass

from . import originals, services
from .models import AccountExport, OriginalActivityFile
from .storage import exports_storage


@receiver(post_delete, sender=AccountExport, dispatch_uid="exports.delete_export_file")
@receiver(
    post_delete, sender=OriginalActivityFile, dispatch_uid="exports.delete_original"
)
def delete_file(sender, instance, **kwargs):
    # After the commit: a deletion rolled back must not have lost the file.
    if instance.file.name:
        transaction.on_commit(partial(exports_storage.delete, instance.file.name))


@receiver(original_file_received, dispatch_uid="exports.keep_original")
def keep_original(sender, activity, content, file_format, **kwargs):
    originals.keep_original(activity, content, file_format)


@receiver(scheduled_pass, dispatch_uid="exports.expire")
def expire(sender, now, **kwargs):
    expired, lost = services.expire_exports(now), services.fail_stale(now)
    return f"account exports expired {expired}, failed as lost {lost}"

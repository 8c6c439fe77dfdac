"""Keeping the file a provider sent for an activity, as it was sent."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from .models import OriginalActivityFile
from .storage import exports_storage

logger = logging.getLogger(__name__)


def keep_original(activity, content, file_format="fit"):
    """Store `content` as `activity`'s original file, replacing an earlier one.

    Best effort: the streams are already stored, and a storage failure must not
    undo them, so it is logged and the activity simply has no original.
    """
    saved = None
    try:
        with transaction.atomic():
            row, _ = OriginalActivityFile.objects.select_for_update().get_or_create(
                activity=activity,
                defaults={"file_format": file_format, "size_bytes": len(content)},
            )
            old_name = row.file.name
            row.file_format = file_format
            row.size_bytes = len(content)
            row.file.save("original", ContentFile(content), save=False)
            saved = row.file.name
            row.save()
    except Exception:
        logger.exception(
            "could not keep the original file of activity #%s", activity.pk
        )
        if saved:
            exports_storage.delete(saved)
        return None
    if old_name and old_name != saved:
        exports_storage.delete(old_name)
    return row

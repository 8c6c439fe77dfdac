"""Account exports: start one, build it, let it expire.

start_export queues a build unless one is already waiting or running for the
athlete (a conditional unique constraint makes that hold under races too).
run_export claims the row, writes the zip to a temporary file (exports/archive.py),
stores it in the private exports storage and marks the export ready for
LINK_LIFETIME. Any failure marks it failed with a plain message and leaves no file.
The scheduled pass (sync_due, exports/receivers.py) deletes expired files and fails
builds whose worker was lost.
"""

import logging
import tempfile
from datetime import timedelta
from functools import partial

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import archive
from .models import ACTIVE_EXPORT_STATUSES, AccountExport, ExportStatus, export_path
from .storage import exports_storage

logger = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(hours=24)
# A running build writes its progress at least every few seconds; one silent for
# this long lost its worker.
STALE_AFTER = timedelta(minutes=30)
# A build nobody picked up in a day will not be: the athlete may start another.
UNCLAIMED_AFTER = timedelta(days=1)
FAILED_MESSAGE = "The export stopped because of an internal error (logged)."
LOST_MESSAGE = "The worker building the export stopped before it finished."


class ExportCancelledError(Exception):
    """The export row is gone or no longer running: stop building it."""


class Progress:
    """Writes how far a running build is, only when the whole percent changes."""

    def __init__(self, export):
        self.export_id = export.pk
        self.percent = export.progress
        self.step = export.step

    def _write(self, **fields):
        written = AccountExport.objects.filter(
            pk=self.export_id, status=ExportStatus.RUNNING
        ).update(updated_at=timezone.now(), **fields)
        if not written:
            raise ExportCancelledError(self.export_id)

    def begin(self, step, percent):
        self.step, self.percent = step, percent
        self._write(step=step, progress=percent)

    def span(self, start, end):
        """tick(done, total): `done` of `total` items between start and end %."""

        def tick(done, total):
            percent = start + (end - start) * done // total if total else end
            if percent > self.percent:
                self.percent = percent
                self._write(progress=percent)

        return tick


def active_export(user):
    return AccountExport.objects.filter(
        user=user, status__in=ACTIVE_EXPORT_STATUSES
    ).first()


def start_export(user):
    """(export, created): the athlete's export in progress, or a new one queued."""
    from .tasks import build_export  # tasks imports services

    existing = active_export(user)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            export = AccountExport.objects.create(user=user)
            transaction.on_commit(partial(build_export.enqueue, str(export.pk)))
    except IntegrityError:  # a concurrent request queued one first
        return active_export(user), False
    return export, True


def run_export(export_id):
    """Build export `export_id` if it is waiting; safe to call twice."""
    export = _claim(export_id)
    if export is None:
        return None
    stored = None
    try:
        progress = Progress(export)
        with tempfile.TemporaryFile() as tmp:
            archive.write_archive(export.user, tmp, progress)
            progress.begin("saving", archive.FILES_DONE)
            size = tmp.tell()
            tmp.seek(0)
            stored = exports_storage.save(
                export_path(export, None), File(tmp, name="export.zip")
            )
        _finish(export, stored, size)
    except ExportCancelledError:
        logger.info("export %s was cancelled while it was built", export_id)
        _discard(stored)
    except Exception:
        logger.exception("export %s failed", export_id)
        _discard(stored)
        _mark_failed(export_id, FAILED_MESSAGE)
    return AccountExport.objects.filter(pk=export_id).first()


def _claim(export_id):
    now = timezone.now()
    claimed = AccountExport.objects.filter(
        pk=export_id, status=ExportStatus.PENDING
    ).update(status=ExportStatus.RUNNING, started_at=now, updated_at=now, progress=0)
    if not claimed:
        return None
    return AccountExport.objects.select_related("user").get(pk=export_id)


def _finish(export, name, size):
    now = timezone.now()
    done = AccountExport.objects.filter(
        pk=export.pk, status=ExportStatus.RUNNING
    ).update(
        status=ExportStatus.READY,
        file=name,
        size_bytes=size,
        progress=100,
        step="",
        finished_at=now,
        updated_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    if not done:
        raise ExportCancelledError(export.pk)


def _discard(name):
    if not name:
        return
    try:
        exports_storage.delete(name)
    except Exception:
        logger.exception("could not delete the unfinished export file %s", name)


def _mark_failed(export_id, message, statuses=ACTIVE_EXPORT_STATUSES):
    now = timezone.now()
    return AccountExport.objects.filter(pk=export_id, status__in=statuses).update(
        status=ExportStatus.FAILED,
        error=message,
        step="",
        finished_at=now,
        updated_at=now,
    )


def expire_exports(now=None):
    """Delete the files of exports past their 24 hours; returns how many."""
    now = now or timezone.now()
    due = AccountExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    count = 0
    for export in due.only("pk", "file"):
        name = export.file.name
        if AccountExport.objects.filter(pk=export.pk, status=ExportStatus.READY).update(
            status=ExportStatus.EXPIRED, file="", updated_at=now
        ):
            _discard(name)
            count += 1
    return count


def fail_stale(now=None):
    """Fail builds whose worker was lost; returns how many."""
    now = now or timezone.now()
    lost = AccountExport.objects.filter(
        status=ExportStatus.RUNNING, updated_at__lt=now - STALE_AFTER
    ) | AccountExport.objects.filter(
        status=ExportStatus.PENDING, created_at__lt=now - UNCLAIMED_AFTER
    )
    return sum(
        _mark_failed(pk, LOST_MESSAGE) for pk in lost.values_list("pk", flat=True)
    )

"""Building an export: progress, one at a time, clean failure, expiry, lost workers."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from exports import archive, services
from exports.models import AccountExport, ExportStatus
from exports.services import Progress
from sync.signals import scheduled_pass

from .helpers import build
from .seed import seed_athlete

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress_writes(monkeypatch):
    """Every progress percentage a build writes, in order."""
    seen = []
    write = Progress._write

    def spy(self, **fields):
        if "progress" in fields:
            seen.append(fields["progress"])
        return write(self, **fields)

    monkeypatch.setattr(Progress, "_write", spy)
    return seen


def test_progress_rises_step_by_step_and_the_export_ends_at_100(
    user, progress_writes, django_capture_on_commit_callbacks, stored_files
):
    seed_athlete(user)

    export = build(user, django_capture_on_commit_callbacks)

    assert progress_writes == sorted(progress_writes)
    assert progress_writes[0] == 0
    assert archive.STEP_STARTS["streams"] in progress_writes
    assert progress_writes[-1] == archive.FILES_DONE
    assert export.status == ExportStatus.READY
    assert export.progress == 100
    assert export.step == ""
    assert export.size_bytes == export.file.size > 0
    assert export.expires_at == export.finished_at + timedelta(hours=24)
    assert f"exports/{export.pk}.zip" in stored_files()


def test_an_athlete_with_nothing_yet_gets_a_valid_export(
    user, django_capture_on_commit_callbacks
):
    export = build(user, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.READY
    assert export.progress == 100


def test_starting_again_while_one_is_prepared_returns_that_one(user):
    first, created = services.start_export(user)
    again, created_again = services.start_export(user)

    assert created and not created_again
    assert again.pk == first.pk
    assert AccountExport.objects.filter(user=user).count() == 1


def test_a_new_export_can_start_once_the_last_one_is_done(
    user, django_capture_on_commit_callbacks
):
    done = build(user, django_capture_on_commit_callbacks)

    export, created = services.start_export(user)

    assert created and export.pk != done.pk


def test_the_database_refuses_a_second_active_export(user, other_user):
    AccountExport.objects.create(user=user, status=ExportStatus.RUNNING)
    AccountExport.objects.create(user=other_user)

    with pytest.raises(IntegrityError), transaction.atomic():
        AccountExport.objects.create(user=user)


def test_a_failing_build_leaves_no_file_and_says_it_failed(
    user, monkeypatch, django_capture_on_commit_callbacks, stored_files, caplog
):
    seed_athlete(user)
    files_before = stored_files()

    def broken(zf, user, tick):
        zf.writestr("originals/half.fit", b"\x0e\x10")
        raise OSError("disk full")

    monkeypatch.setattr(archive, "_originals", broken)
    export = build(user, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.FAILED
    assert export.error == services.FAILED_MESSAGE
    assert not export.file
    assert export.finished_at is not None
    assert stored_files() == files_before  # the seeded original only
    assert f"export {export.pk} failed" in caplog.text


def test_a_failure_after_the_file_was_stored_deletes_it(
    user, monkeypatch, django_capture_on_commit_callbacks, stored_files
):
    def lost_row(export, name, size):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_finish", lost_row)
    export = build(user, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.FAILED
    assert stored_files() == []


def test_an_export_deleted_while_it_is_built_stops_and_leaves_nothing(
    user, monkeypatch, django_capture_on_commit_callbacks, stored_files
):
    seed_athlete(user)
    real_streams = archive._streams

    def delete_then_go_on(zf, user, tick):
        AccountExport.objects.filter(user=user).delete()
        real_streams(zf, user, tick)

    monkeypatch.setattr(archive, "_streams", delete_then_go_on)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_export(user)

    assert not AccountExport.objects.exists()
    assert [f for f in stored_files() if f.startswith("exports/")] == []


def test_a_build_runs_once_even_if_its_task_runs_twice(
    user, django_capture_on_commit_callbacks
):
    export = build(user, django_capture_on_commit_callbacks)

    assert services.run_export(export.pk) is None
    export.refresh_from_db()
    assert export.status == ExportStatus.READY


def test_the_scheduled_pass_deletes_expired_files(
    user, django_capture_on_commit_callbacks, stored_files
):
    export = build(user, django_capture_on_commit_callbacks)
    name = export.file.name
    now = timezone.now()

    scheduled_pass.send(None, now=now + timedelta(hours=23, minutes=59))
    assert name in stored_files()

    answers = scheduled_pass.send(None, now=now + timedelta(hours=24, seconds=1))

    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not export.file
    assert name not in stored_files()
    assert "account exports expired 1, failed as lost 0" in [str(a) for _, a in answers]


def test_the_scheduled_pass_fails_builds_whose_worker_was_lost(user, other_user):
    now = timezone.now()
    lost = AccountExport.objects.create(
        user=user, status=ExportStatus.RUNNING, updated_at=now - timedelta(hours=1)
    )
    alive = AccountExport.objects.create(
        user=other_user, status=ExportStatus.RUNNING, updated_at=now
    )

    scheduled_pass.send(None, now=now)

    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == ExportStatus.FAILED
    assert lost.error == services.LOST_MESSAGE
    assert alive.status == ExportStatus.RUNNING
    assert services.start_export(user)[1]  # the athlete may start again


def test_deleting_an_export_deletes_its_file(
    user, django_capture_on_commit_callbacks, stored_files
):
    export = build(user, django_capture_on_commit_callbacks)
    assert stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        export.delete()

    assert stored_files() == []


def test_deleting_the_athlete_deletes_exports_and_originals_with_their_files(
    user, django_capture_on_commit_callbacks, stored_files
):
    seed_athlete(user)
    build(user, django_capture_on_commit_callbacks)
    assert len(stored_files()) == 2  # the export and the FIT original

    with django_capture_on_commit_callbacks(execute=True):
        user.delete()

    assert stored_files() == []

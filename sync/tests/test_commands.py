import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from providers.errors import TransientProviderError
from providers.tests.factories import make_connection
from sync.models import (
    Activity,
    SyncHistory,
    SyncStatus,
    SyncType,
    WebhookEvent,
    WebhookStatus,
)
from sync.services import due_connections, start_sync

from .fakes import raw_activity, raw_page

HOUR = timedelta(hours=1)


def sync_due(capture):
    with capture(execute=True):
        call_command("sync_due", stdout=(out := io.StringIO()))
    return out.getvalue()


@pytest.fixture
def no_jitter(settings):
    settings.SYNC_JITTER = 0
    settings.SYNC_INTERVAL = HOUR


def synced(connection, ago):
    connection.last_sync_at = timezone.now() - ago
    connection.save()
    SyncHistory.objects.filter(connection=connection).update(
        created_at=timezone.now() - ago
    )
    return connection


def test_sync_due_schedules_connections_not_synced_within_the_interval(
    user, fake_backend, no_jitter, django_capture_on_commit_callbacks
):
    due = synced(make_connection(user, "strava"), 2 * HOUR)
    synced(make_connection(user, "garmin"), HOUR / 2)
    never = make_connection(user, "polar")
    output = sync_due(django_capture_on_commit_callbacks)
    scheduled = SyncHistory.objects.filter(sync_type=SyncType.SCHEDULED)
    assert {run.connection_id for run in scheduled} == {due.pk, never.pk}
    assert "scheduled 2" in output


@pytest.mark.parametrize(
    "change", [{"is_active": False}, {"status": "reauth_required"}]
)
def test_sync_due_leaves_switched_off_connections_alone(
    connection, fake_backend, no_jitter, change, django_capture_on_commit_callbacks
):
    for name, value in change.items():
        setattr(connection, name, value)
    connection.save()
    sync_due(django_capture_on_commit_callbacks)
    assert not SyncHistory.objects.exists()


def test_running_sync_due_every_minute_never_duplicates(
    connection, fake_backend, no_jitter, django_capture_on_commit_callbacks
):
    fake_backend.pages = [RuntimeError("provider keeps failing")]
    for _ in range(3):
        sync_due(django_capture_on_commit_callbacks)
    assert SyncHistory.objects.count() == 1


def test_a_connection_with_an_active_run_is_not_scheduled_again(
    connection, fake_backend, no_jitter, django_capture_on_commit_callbacks
):
    start_sync(connection, SyncType.MANUAL)
    synced(connection, 2 * HOUR)
    sync_due(django_capture_on_commit_callbacks)
    assert SyncHistory.objects.count() == 1


def test_jitter_delays_some_connections_past_the_interval(user, settings):
    settings.SYNC_INTERVAL = HOUR
    settings.SYNC_JITTER = timedelta(minutes=30)
    ago = HOUR + timedelta(minutes=15)
    connections = [synced(make_connection(), ago) for _ in range(20)]
    # Offsets spread evenly over 30 minutes: about half are due 15 minutes late.
    due_now = set(due_connections())
    assert 0 < len(due_now) < len(connections)
    later = timezone.now() + timedelta(minutes=31)
    assert set(due_connections(later)) == set(connections)


def test_sync_due_fails_runs_whose_worker_was_lost(
    connection, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_RUN_TIMEOUT = timedelta(minutes=30)
    stuck = start_sync(connection, SyncType.MANUAL)
    SyncHistory.objects.filter(pk=stuck.pk).update(
        status=SyncStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=31)
    )
    fresh = start_sync(make_connection(connection.user, "garmin"), SyncType.MANUAL)
    SyncHistory.objects.filter(pk=fresh.pk).update(status=SyncStatus.RUNNING)
    output = sync_due(django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == SyncStatus.FAILED
    assert stuck.error_message.startswith("Worker lost")
    assert stuck.error_details["kind"] == "worker_lost"
    assert fresh.status == SyncStatus.RUNNING
    assert "worker lost 1" in output


def test_sync_due_enqueues_overdue_pending_runs_again(
    connection, fake_backend, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_PENDING_GRACE = timedelta(minutes=5)
    overdue = start_sync(connection, SyncType.MANUAL)
    SyncHistory.objects.filter(pk=overdue.pk).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    waiting = start_sync(make_connection(connection.user, "garmin"), SyncType.MANUAL)
    sync_due(django_capture_on_commit_callbacks)
    overdue.refresh_from_db()
    waiting.refresh_from_db()
    assert overdue.status == SyncStatus.SUCCESS
    assert waiting.status == SyncStatus.PENDING


def sync_connection(*args):
    out = io.StringIO()
    call_command("sync_connection", *args, stdout=out)
    return out.getvalue()


def test_sync_connection_runs_in_the_foreground_with_a_line_per_page(
    connection, fake_backend
):
    fake_backend.pages = [raw_page(1, 2), [raw_activity(3, broken=True)]]
    output = sync_connection(str(connection.pk))
    assert "page 1: 2 fetched, 2 created, 0 updated, 0 skipped" in output
    assert "page 2: 3 fetched, 2 created, 0 updated, 1 skipped" in output
    assert "partial: 2 created, 0 updated, 1 skipped, 2 API calls" in output
    assert Activity.objects.count() == 2


def test_sync_connection_finds_the_connection_by_email_and_provider(
    connection, fake_backend
):
    connection.last_sync_at = timezone.now()
    connection.save()
    sync_connection("--user", connection.user.email.upper(), "--provider", "strava")
    sync_connection("--user", connection.user.email, "--provider", "strava", "--full")
    since = fake_backend.since_seen
    assert since[0] is not None and since[1] is None


def test_sync_connection_reports_a_pending_retry(connection, fake_backend):
    fake_backend.pages = [TransientProviderError("strava: timeout")]
    assert "retries" in sync_connection(str(connection.pk))


@pytest.mark.parametrize(
    "args",
    [[], ["999999"], ["--user", "nobody@example.com", "--provider", "strava"]],
)
def test_sync_connection_refuses_what_it_cannot_find(connection, args):
    with pytest.raises(CommandError):
        sync_connection(*args)


def test_sync_connection_refuses_while_a_run_is_running(connection):
    sync = start_sync(connection, SyncType.MANUAL)
    SyncHistory.objects.filter(pk=sync.pk).update(status=SyncStatus.RUNNING)
    with pytest.raises(CommandError, match="already running"):
        sync_connection(str(connection.pk))


def webhook_event(connection, key, **fields):
    return WebhookEvent.objects.create(
        provider="strava",
        dedupe_key=key,
        connection=connection,
        payload={"object_type": "activity", "aspect_type": "delete", "object_id": 7},
        **fields,
    )


def test_sync_due_enqueues_due_webhook_retries_and_reaps_lost_ones(
    connection, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_PENDING_GRACE = timedelta(minutes=5)
    settings.SYNC_RUN_TIMEOUT = timedelta(minutes=30)
    connection.last_sync_at = timezone.now()
    connection.save()
    now = timezone.now()
    due = webhook_event(
        connection,
        "due",
        status=WebhookStatus.RETRY,
        attempts=1,
        next_attempt_at=now - timedelta(minutes=6),
    )
    later = webhook_event(
        connection,
        "later",
        status=WebhookStatus.RETRY,
        attempts=1,
        next_attempt_at=now + timedelta(minutes=1),
    )
    lost = webhook_event(
        connection,
        "lost",
        status=WebhookStatus.PROCESSING,
        attempts=1,
        claimed_at=now - timedelta(minutes=31),
    )
    output = sync_due(django_capture_on_commit_callbacks)
    statuses = {e.dedupe_key: e.status for e in WebhookEvent.objects.all()}
    # The immediate backend processed what was enqueued again inline.
    assert statuses == {
        due.dedupe_key: WebhookStatus.PROCESSED,
        later.dedupe_key: WebhookStatus.RETRY,
        lost.dedupe_key: WebhookStatus.PROCESSED,
    }
    assert "webhook events re-enqueued 1, lost 1" in output

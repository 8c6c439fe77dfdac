import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from providers.errors import (
    ProviderError,
    RateLimitedError,
    ReauthRequiredError,
    TransientProviderError,
)
from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.services import enqueue_due_syncs, run_sync, start_sync

from .fakes import raw_page

RETRY_AT = datetime(2030, 1, 1, 12, 15, tzinfo=UTC)


def run(connection):
    sync = start_sync(connection, SyncType.MANUAL)
    run_sync(sync.pk)
    sync.refresh_from_db()
    return sync


def timeout():
    return TransientProviderError("strava: ReadTimeout talking to the provider")


def test_a_401_while_listing_fails_the_run_and_flags_the_connection(
    connection, fake_backend
):
    fake_backend.pages = [
        raw_page(1, 2),
        ReauthRequiredError("strava: authorisation rejected (HTTP 401)", status=401),
    ]
    sync = run(connection)
    connection.refresh_from_db()
    assert sync.status == SyncStatus.FAILED
    assert sync.error_details["kind"] == "reauth_required"
    assert sync.error_details["http_status"] == 401
    assert connection.status == "reauth_required"
    assert connection.last_sync_at is None
    assert SyncHistory.objects.count() == 1  # no retry
    assert Activity.objects.count() == 2  # the first page stays


def test_a_refused_refresh_fails_the_run_without_listing(connection, fake_backend):
    connection.token_expires_at = timezone.now()
    connection.save()
    fake_backend.refresh_result = ReauthRequiredError(
        "strava: invalid_grant", status=400
    )
    sync = run(connection)
    connection.refresh_from_db()
    assert sync.status == SyncStatus.FAILED
    assert connection.status == "reauth_required"
    assert fake_backend.since_seen == []


def test_rate_limited_run_is_rescheduled_for_the_providers_window(
    connection, fake_backend
):
    fake_backend.pages = [
        raw_page(1, 2),
        RateLimitedError("strava: rate limited", retry_at=RETRY_AT, status=429),
    ]
    sync = run(connection)
    assert sync.status == SyncStatus.RATE_LIMITED
    assert sync.error_details["retry_at"] == RETRY_AT.isoformat()
    follow_up = SyncHistory.objects.get(status=SyncStatus.PENDING)
    assert follow_up.next_attempt_at == RETRY_AT
    assert follow_up.sync_type == SyncType.MANUAL
    connection.refresh_from_db()
    assert connection.last_sync_at is None
    assert Activity.objects.count() == 2


def test_a_timeout_sends_the_run_back_to_pending_with_backoff(
    connection, fake_backend, settings
):
    settings.SYNC_RETRY_DELAY = timedelta(seconds=30)
    fake_backend.pages = [raw_page(1, 2), timeout()]
    before = timezone.now()
    sync = run(connection)
    assert sync.status == SyncStatus.PENDING
    assert sync.attempts == 1
    assert before + timedelta(seconds=30) <= sync.next_attempt_at
    assert sync.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert sync.error_details["retry"]["kind"] == "transient"
    assert sync.activities_created == 2


def test_backoff_doubles_with_each_attempt(connection, fake_backend, settings):
    settings.SYNC_RETRY_DELAY = timedelta(seconds=30)
    fake_backend.pages = [timeout()]
    sync = run(connection)
    SyncHistory.objects.filter(pk=sync.pk).update(next_attempt_at=timezone.now())
    before = timezone.now()
    run_sync(sync.pk)
    sync.refresh_from_db()
    assert sync.attempts == 2
    assert sync.next_attempt_at >= before + timedelta(seconds=60)


def test_a_retried_run_completes_without_duplicating_earlier_pages(
    connection, fake_backend, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_RETRY_DELAY = 0
    settings.SYNC_PENDING_GRACE = 0
    fake_backend.pages = [raw_page(1, 2), timeout()]
    sync = run(connection)
    fake_backend.pages = [raw_page(1, 2), raw_page(3, 2)]
    # sync_due picks up the due retry (ImmediateBackend cannot defer tasks).
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due_syncs()
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCESS
    assert sync.attempts == 2
    assert sync.activities_created == 4
    assert sync.error_message == ""
    assert Activity.objects.count() == 4


def test_transient_failures_give_up_after_the_attempt_limit(
    connection, fake_backend, settings
):
    settings.SYNC_MAX_ATTEMPTS = 3
    settings.SYNC_RETRY_DELAY = 0
    fake_backend.pages = [timeout()]
    sync = start_sync(connection, SyncType.MANUAL)
    for _ in range(5):
        run_sync(sync.pk)
    sync.refresh_from_db()
    assert sync.status == SyncStatus.FAILED
    assert sync.attempts == 3
    assert sync.error_details["kind"] == "transient"
    assert len(fake_backend.since_seen) == 3


def test_a_provider_refusal_fails_the_run_without_retry(connection, fake_backend):
    fake_backend.pages = [ProviderError("strava: HTTP 403: forbidden", status=403)]
    sync = run(connection)
    assert sync.status == SyncStatus.FAILED
    assert sync.error_details["kind"] == "provider"
    assert SyncHistory.objects.count() == 1


def test_an_unexpected_error_is_logged_but_never_shown(
    connection, fake_backend, caplog
):
    fake_backend.pages = [raw_page(1, 1), RuntimeError("boom at line 3")]
    with caplog.at_level(logging.ERROR, logger="sync"):
        sync = run(connection)
    assert sync.status == SyncStatus.FAILED
    assert sync.error_details["kind"] == "internal"
    assert sync.error_details["exception"] == "RuntimeError"
    assert "boom" not in sync.error_message
    assert "Traceback" not in sync.error_message
    assert "boom at line 3" in caplog.text
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    "error",
    [
        RateLimitedError("strava: rate limited", retry_at=RETRY_AT),
        ReauthRequiredError("strava: authorisation rejected"),
        RuntimeError("boom"),
    ],
)
def test_no_failure_moves_last_sync(connection, fake_backend, error):
    fake_backend.pages = [raw_page(1, 1), error]
    run(connection)
    connection.refresh_from_db()
    assert connection.last_sync_at is None


def test_failure_records_never_hold_the_token(connection, fake_backend, caplog):
    token = connection.access_token
    fake_backend.pages = [RuntimeError("boom"), timeout()]
    with caplog.at_level(logging.DEBUG):
        sync = run(connection)
    assert token not in sync.error_message
    assert token not in str(sync.error_details)
    assert token not in caplog.text

"""Processing stored events: once only, runs recorded finished, failures recorded
(retries and claims: test_webhook_retries.py)."""

from datetime import timedelta

import pytest
import responses
from django.test import TestCase
from django.utils import timezone

from providers.models import ConnectionStatus
from providers.tests.factories import make_connection
from sync.models import SyncHistory, SyncStatus, SyncType, WebhookEvent, WebhookStatus
from sync.webhooks import processing
from sync.webhooks.store import Item, record_events

from .webhook_helpers import activity_ids, webhook_runs

DETAIL_URL = "https://www.strava.com/api/v3/activities/15000000007"
DETAIL = {
    "id": 15000000007,
    "name": "Lunch run",
    "sport_type": "Run",
    "start_date": "2026-10-26T11:00:00Z",
    "start_date_local": "2026-10-26T12:00:00Z",
    "elapsed_time": 1800,
    "distance": 5000.0,
}


@pytest.fixture
def athlete(user):
    return make_connection(user, "strava", provider_user_id="48213377")


def strava_event(athlete, aspect="create"):
    """Store a Strava activity event without running it; return the event."""
    body = {
        "aspect_type": aspect,
        "event_time": 1761480000,
        "object_id": DETAIL["id"],
        "object_type": "activity",
        "owner_id": int(athlete.provider_user_id),
        "subscription_id": 1,
        "updates": {},
    }
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        record_events("strava", [Item(f"activity.{aspect}", "48213377", body)])
    assert len(queued) == 1
    return WebhookEvent.objects.get(dedupe_key=Item("", "", body).dedupe_key())


def test_events_are_enqueued_only_when_the_transaction_commits(athlete):
    event = strava_event(athlete)  # asserts one callback was queued, not run

    assert event.status == WebhookStatus.RECEIVED
    assert webhook_runs(athlete) == []


def test_an_event_is_processed_once_however_often_its_task_runs(athlete):
    event = strava_event(athlete)
    with responses.RequestsMock() as rsps:
        rsps.get(DETAIL_URL, json=DETAIL)
        processing.process_event(event.pk)
        assert processing.process_event(event.pk) is None
        assert len(rsps.calls) == 1

    assert len(webhook_runs(athlete)) == 1


def test_a_webhook_run_is_recorded_finished_beside_a_running_sync(athlete):
    scheduled = SyncHistory.objects.create(
        connection=athlete, sync_type=SyncType.SCHEDULED, status=SyncStatus.RUNNING
    )
    event = strava_event(athlete)
    with responses.RequestsMock() as rsps:
        rsps.get(DETAIL_URL, json=DETAIL)
        processing.process_event(event.pk)

    [run] = webhook_runs(athlete)
    assert (run.status, run.activities_created) == (SyncStatus.SUCCESS, 1)
    assert run.completed_at is not None
    assert run.error_details["webhook_event"] == event.pk
    scheduled.refresh_from_db()
    assert scheduled.status == SyncStatus.RUNNING


def test_a_webhook_run_does_not_move_last_sync_at(athlete):
    last = timezone.now() - timedelta(days=2)
    athlete.last_sync_at = last
    athlete.save()
    event = strava_event(athlete)
    with responses.RequestsMock() as rsps:
        rsps.get(DETAIL_URL, json=DETAIL)
        processing.process_event(event.pk)

    athlete.refresh_from_db()
    assert athlete.last_sync_at == last


def test_a_failure_with_no_attempt_left_marks_the_event_and_run_failed(
    athlete, settings
):
    settings.SYNC_MAX_ATTEMPTS = 1  # test_webhook_retries.py covers the retries
    event = strava_event(athlete)
    with responses.RequestsMock() as rsps:
        rsps.get(DETAIL_URL, status=503, json={"message": "busy"})
        processing.process_event(event.pk)

    event.refresh_from_db()
    assert event.status == WebhookStatus.FAILED
    assert "HTTP 503" in event.error
    assert athlete.access_token not in event.error
    [run] = webhook_runs(athlete)
    assert run.status == SyncStatus.FAILED
    assert run.error_details["kind"] == "transient"
    assert activity_ids("strava") == []


def test_a_refused_token_flags_the_connection_for_reconnect(athlete):
    event = strava_event(athlete)
    with responses.RequestsMock() as rsps:
        rsps.get(DETAIL_URL, status=401, json={"message": "Authorization Error"})
        processing.process_event(event.pk)

    athlete.refresh_from_db()
    assert athlete.status == ConnectionStatus.REAUTH_REQUIRED
    assert WebhookEvent.objects.get().status == WebhookStatus.FAILED


def test_an_unexpected_error_is_logged_and_recorded_without_internals(
    athlete, monkeypatch, caplog, settings
):
    settings.SYNC_MAX_ATTEMPTS = 1
    event = strava_event(athlete)

    def explode(context):
        raise RuntimeError("secret internals")

    monkeypatch.setitem(processing.HANDLERS, "strava", explode)
    processing.process_event(event.pk)

    event.refresh_from_db()
    assert event.status == WebhookStatus.FAILED
    assert "secret internals" not in event.error
    assert webhook_runs(athlete)[0].error_message == event.error
    assert "webhook event" in caplog.text


def test_events_of_a_connection_switched_off_are_ignored(athlete):
    athlete.is_active = False
    athlete.save()
    event = strava_event(athlete)
    with responses.RequestsMock():
        processing.process_event(event.pk)

    event.refresh_from_db()
    assert event.status == WebhookStatus.IGNORED
    assert "off" in event.error


def test_a_delete_removes_the_stored_activity_and_counts_it(athlete):
    with responses.RequestsMock() as rsps:
        rsps.get(DETAIL_URL, json=DETAIL)
        processing.process_event(strava_event(athlete).pk)
    processing.process_event(strava_event(athlete, "delete").pk)

    assert activity_ids("strava") == []
    [_, deleting] = webhook_runs(athlete)
    assert deleting.error_details["deleted"] == 1

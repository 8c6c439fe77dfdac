"""Failed webhook events: retried with backoff up to SYNC_MAX_ATTEMPTS, claimed by
one worker at a time, never processed twice."""

import threading
from datetime import timedelta

import pytest
import responses
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone

from providers.tests.factories import make_connection
from sync.models import Activity, SyncStatus, WebhookEvent, WebhookStatus
from sync.webhooks import handlers, processing, retries

from .test_webhook_processing import DETAIL, DETAIL_URL, strava_event
from .webhook_helpers import activity_ids, webhook_runs

RACE_URL = DETAIL_URL.replace(str(DETAIL["id"]), "7")
BUSY = {"status": 503, "json": {"message": "busy"}}


@pytest.fixture
def athlete(user):
    return make_connection(user, "strava", provider_user_id="48213377")


@pytest.fixture(autouse=True)
def retry_settings(settings):
    settings.SYNC_RETRY_DELAY = timedelta(seconds=30)
    settings.SYNC_MAX_ATTEMPTS = 3


def process(event, *answers):
    """Process `event` with the detail request answered by `answers` in turn."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        for answer in answers:
            rsps.get(DETAIL_URL, **answer)
        processing.process_event(event.pk)
    event.refresh_from_db()
    return event


def make_due(event):
    WebhookEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())


def test_a_transient_failure_schedules_a_retry_after_the_retry_delay(athlete):
    before = timezone.now()
    event = process(strava_event(athlete), BUSY)
    assert (event.status, event.attempts) == (WebhookStatus.RETRY, 1)
    assert before + timedelta(seconds=30) <= event.next_attempt_at
    assert event.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert "HTTP 503" in event.error
    assert athlete.access_token not in event.error
    # Not a failure yet: the health page and the history see only final outcomes.
    assert webhook_runs(athlete) == []


def test_a_retried_event_succeeds_later_and_is_recorded_once(athlete):
    event = process(strava_event(athlete), BUSY)
    make_due(event)
    event = process(event, {"json": DETAIL})
    assert (event.status, event.attempts, event.error) == (
        WebhookStatus.PROCESSED,
        2,
        "",
    )
    assert event.next_attempt_at is None
    assert activity_ids("strava") == [str(DETAIL["id"])]
    [run] = webhook_runs(athlete)
    assert (run.status, run.activities_created) == (SyncStatus.SUCCESS, 1)


def test_the_delay_doubles_with_each_attempt(athlete):
    event = process(strava_event(athlete), BUSY)
    make_due(event)
    before = timezone.now()
    event = process(event, BUSY)
    assert event.attempts == 2
    assert event.next_attempt_at >= before + timedelta(seconds=60)


def test_an_event_gives_up_after_the_attempt_limit_and_stays_failed(athlete):
    event = strava_event(athlete)
    for _ in range(3):
        event = process(event, BUSY)
        make_due(event)
    assert (event.status, event.attempts) == (WebhookStatus.FAILED, 3)
    assert event.next_attempt_at is None and "HTTP 503" in event.error
    [run] = webhook_runs(athlete)
    assert (run.status, run.error_details["kind"]) == (SyncStatus.FAILED, "transient")
    # A late task (or sync_due) finds nothing to do: no request is made.
    assert process(event).status == WebhookStatus.FAILED


def test_a_rate_limited_event_waits_for_the_providers_window(athlete):
    limited = {"status": 429, "json": {}, "headers": {"Retry-After": "900"}}
    before = timezone.now()
    event = process(strava_event(athlete), limited)
    assert event.status == WebhookStatus.RETRY
    assert event.next_attempt_at >= before + timedelta(seconds=900)


def test_an_unexpected_error_is_retried_without_its_internals(athlete, monkeypatch):
    def explode(context):
        raise RuntimeError("secret internals")

    monkeypatch.setitem(processing.HANDLERS, "strava", explode)
    event = process(strava_event(athlete))
    assert event.status == WebhookStatus.RETRY
    assert event.error == "Internal error (RuntimeError), logged."


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (
            {"status": 401, "json": {"message": "Authorization Error"}},
            "reauth_required",
        ),
        ({"status": 404, "json": {"message": "Record Not Found"}}, "provider"),
    ],
)
def test_refusals_fail_at_once_without_retry(athlete, answer, kind):
    event = process(strava_event(athlete), answer)
    assert (event.status, event.attempts) == (WebhookStatus.FAILED, 1)
    assert event.next_attempt_at is None
    [run] = webhook_runs(athlete)
    assert run.error_details["kind"] == kind


def test_a_malformed_payload_fails_at_once(athlete):
    event = process(strava_event(athlete), {"json": ["not", "an", "activity"]})
    assert (event.status, event.attempts) == (WebhookStatus.FAILED, 1)


def test_an_event_whose_connection_is_gone_is_ignored(athlete):
    event = strava_event(athlete)
    athlete.delete()
    event = process(event)
    assert event.status == WebhookStatus.IGNORED


def test_a_retry_that_is_not_due_yet_is_left_alone(athlete):
    event = process(strava_event(athlete), BUSY)
    assert process(event).attempts == 1  # no request: the mock would refuse it


def test_a_duplicate_task_while_another_worker_processes_does_nothing(athlete):
    event = strava_event(athlete)
    WebhookEvent.objects.filter(pk=event.pk).update(
        status=WebhookStatus.PROCESSING, attempts=1, claimed_at=timezone.now()
    )
    event = process(event)
    assert (event.status, event.attempts) == (WebhookStatus.PROCESSING, 1)
    assert webhook_runs(athlete) == []


def test_a_worker_that_lost_its_claim_writes_nothing(athlete, monkeypatch):
    event = strava_event(athlete)

    def claimed_meanwhile(context):
        # Another worker took the event over (after a claim timeout) mid-processing.
        WebhookEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
        handlers.strava(context)

    monkeypatch.setitem(processing.HANDLERS, "strava", claimed_meanwhile)
    event = process(event, {"json": DETAIL})
    assert event.status == WebhookStatus.PROCESSING
    assert not Activity.objects.exists()
    assert webhook_runs(athlete) == []


def test_retry_now_makes_failed_events_due_and_skips_the_others(
    athlete, django_capture_on_commit_callbacks
):
    failed = process(strava_event(athlete), {"status": 404, "json": {}})
    done = strava_event(athlete, "delete")
    processing.process_event(done.pk)
    with django_capture_on_commit_callbacks() as queued:
        outcome = retries.retry_now(WebhookEvent.objects.all())
    assert (outcome.retried, outcome.skipped) == ([failed], [done])
    assert len(queued) == 1
    failed.refresh_from_db()
    assert failed.status == WebhookStatus.RETRY
    assert failed.next_attempt_at <= timezone.now()
    event = process(failed, {"json": DETAIL})
    assert (event.status, event.attempts) == (WebhookStatus.PROCESSED, 2)


def test_requeue_enqueues_due_retries_and_lost_events_only(
    athlete, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_PENDING_GRACE = timedelta(minutes=5)
    past = timezone.now() - timedelta(minutes=6)
    due = process(strava_event(athlete), BUSY)
    WebhookEvent.objects.filter(pk=due.pk).update(next_attempt_at=past)
    waiting = process(strava_event(athlete, "update"), BUSY)
    lost = strava_event(athlete, "delete")
    WebhookEvent.objects.filter(pk=lost.pk).update(received_at=past)
    with django_capture_on_commit_callbacks() as queued:
        assert retries.requeue_due_events() == {"requeued": 2, "reaped": 0}
    assert len(queued) == 2
    waiting.refresh_from_db()
    assert waiting.status == WebhookStatus.RETRY


def test_an_event_whose_worker_died_is_retried_or_failed(athlete, settings):
    settings.SYNC_RUN_TIMEOUT = timedelta(minutes=30)
    stuck_at = timezone.now() - timedelta(minutes=31)
    second = strava_event(athlete)
    last = strava_event(athlete, "update")
    fresh = strava_event(athlete, "delete")
    for event, attempts, claimed in [(second, 1, stuck_at), (last, 3, stuck_at)]:
        WebhookEvent.objects.filter(pk=event.pk).update(
            status=WebhookStatus.PROCESSING, attempts=attempts, claimed_at=claimed
        )
    WebhookEvent.objects.filter(pk=fresh.pk).update(
        status=WebhookStatus.PROCESSING, attempts=1, claimed_at=timezone.now()
    )
    assert retries.requeue_due_events()["reaped"] == 2
    statuses = {e.pk: e.status for e in WebhookEvent.objects.all()}
    assert statuses == {
        second.pk: WebhookStatus.RETRY,
        last.pk: WebhookStatus.FAILED,
        fresh.pk: WebhookStatus.PROCESSING,
    }
    assert WebhookEvent.objects.get(pk=last.pk).error.startswith("Worker lost")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_workers_racing_for_one_event_process_it_once(user):
    connection = make_connection(user, "strava", provider_user_id="48213377")
    # Stored directly: outside a transaction, record_events would process it at once.
    event = WebhookEvent.objects.create(
        provider="strava",
        dedupe_key="race",
        connection=connection,
        payload={"object_type": "activity", "aspect_type": "create", "object_id": 7},
    )
    barrier = threading.Barrier(10)
    returned = []

    def worker():
        try:
            barrier.wait()
            returned.append(processing.process_event(event.pk))
        finally:
            db_connection.close()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(RACE_URL, json={**DETAIL, "id": 7})
        threads = [threading.Thread(target=worker) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(rsps.calls) == 1
    assert sum(result is not None for result in returned) == 1
    event.refresh_from_db()
    assert (event.status, event.attempts) == (WebhookStatus.PROCESSED, 1)
    assert len(webhook_runs(connection)) == 1


def test_requeue_enqueues_a_waiting_event_once_per_grace_period(
    athlete, settings, django_capture_on_commit_callbacks
):
    # A backlogged worker has not reached the event yet: sync_due, every minute,
    # must not pile up copies of its task.
    settings.SYNC_PENDING_GRACE = timedelta(minutes=5)
    lost = strava_event(athlete)
    past = timezone.now() - timedelta(minutes=6)
    WebhookEvent.objects.filter(pk=lost.pk).update(received_at=past)
    with django_capture_on_commit_callbacks() as queued:
        retries.requeue_due_events()
        retries.requeue_due_events()
    assert len(queued) == 1
    later = timezone.now() + timedelta(minutes=6)
    with django_capture_on_commit_callbacks() as queued:
        retries.requeue_due_events(later)
    assert len(queued) == 1

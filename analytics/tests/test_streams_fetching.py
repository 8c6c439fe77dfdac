"""Fetching streams lazily and within budget (analytics/streams/queue.py,
fetching.py, sources.py, receivers.py), with a fake backend instead of HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import ActivityStreams, StreamStatus
from analytics.streams import conf, queue
from analytics.streams.fetching import run_fetch
from providers.errors import (
    MalformedPayloadError,
    RateLimitedError,
    ReauthRequiredError,
    TransientProviderError,
)
from providers.models import ConnectionStatus, ProviderConnection
from providers.tests.factories import make_connection
from sync.models import Activity, ProviderBudget
from sync.services import upsert_activities
from sync.signals import batched, scheduled_pass

from .streams_helpers import StreamsBackend, hours_ago, session

pytestmark = pytest.mark.django_db

HIGH_TASK, LOW_TASK = conf.TASK_PRIORITY[conf.HIGH], conf.TASK_PRIORITY[conf.LOW]


def backfill(connection, count, newest):
    """`count` activities a day apart up to `newest`, written as a sync's backfill
    writes them: pages through the upsert path inside one batch."""
    rows = [
        Activity(
            user_id=connection.user_id,
            connection=connection,
            provider=connection.provider,
            provider_activity_id=f"old-{n}",
            start_time=newest - timedelta(days=n, hours=n % 5),
            elapsed_time_s=3600,
        )
        for n in range(count)
    ]
    with batched():
        for first in range(0, count, 200):
            upsert_activities(connection.provider, rows[first : first + 200])


def test_a_backfill_of_2000_old_activities_queues_no_fetch(user, queued):
    backfill(
        make_connection(user, "strava"), 2000, newest=timezone.now() - timedelta(days=4)
    )

    assert Activity.objects.filter(user=user).count() == 2000
    assert queued == []
    assert not ActivityStreams.objects.exists()


def test_activities_dated_in_the_future_are_not_new(user, queued):
    # A backfill of a device whose clock is years ahead, as the ingest bench's is.
    backfill(
        make_connection(user, "strava"),
        500,
        newest=timezone.now() + timedelta(days=600),
    )

    assert queued == []
    assert not ActivityStreams.objects.exists()


def test_no_activity_is_new_when_the_setting_is_zero(user, queued, settings):
    settings.STREAMS_RECENT_DAYS = 0
    backfill(make_connection(user, "strava"), 3, newest=hours_ago(1))

    assert queued == []


def test_new_activities_get_a_low_priority_fetch_below_syncs(user, queued):
    # Started 5 h, 1 d, 2 d, 3 d 3 h and 4 d 4 h ago: the last two are not new.
    backfill(make_connection(user, "strava"), 5, newest=hours_ago(5))

    rows = ActivityStreams.objects.order_by("pk")
    assert [row.priority for row in rows] == [conf.LOW] * 3
    assert all(row.activity.start_time > hours_ago(3 * 24) for row in rows)
    assert queued == [(row.pk, LOW_TASK, None) for row in rows]
    assert LOW_TASK < 0  # sync's tasks run at the default priority 0


def test_a_session_with_no_provider_that_has_streams_is_unavailable(
    user, backends, queued
):
    backends["polar"] = StreamsBackend("polar", has_streams=False)
    row = queue.request_now(session(user, "polar")["polar"])

    row = run_fetch(row.pk)

    assert row.status == StreamStatus.UNAVAILABLE
    assert (
        row.error_message
        == "No connected provider offers detailed data for this activity."
    )
    assert backends["polar"].calls == []


def test_opening_an_activity_queues_one_high_priority_fetch(user, queued):
    activity = session(user, "strava")["strava"]

    row = queue.request_now(activity)
    queue.request_now(activity)

    assert row.priority == conf.HIGH
    assert queued == [(row.pk, HIGH_TASK, None)]
    assert HIGH_TASK > 0


def test_grouped_copies_fetch_once_from_the_best_provider(user, backends, queued):
    copies = session(user, "strava", "garmin")  # garmin ranks first by default

    row = queue.request_now(copies["strava"])
    queue.request_now(copies["garmin"])
    run_fetch(row.pk)
    run_fetch(row.pk)

    row.refresh_from_db()
    assert row.status == StreamStatus.READY
    assert row.source == "garmin"
    assert ActivityStreams.objects.count() == 1
    assert [call[1] for call in backends["garmin"].calls] == [
        copies["garmin"].provider_activity_id
    ]
    assert backends.get("strava") is None or backends["strava"].calls == []


def test_a_provider_without_the_data_hands_on_to_the_next(user, backends, queued):
    copies = session(user, "strava", "garmin")
    backends["garmin"] = StreamsBackend("garmin", results=[None])
    row = queue.request_now(copies["garmin"])

    row = run_fetch(row.pk)

    assert row.status == StreamStatus.READY
    assert row.source == "strava"
    assert len(backends["garmin"].calls) == 1


def test_no_provider_with_the_data_makes_it_unavailable(user, backends, queued):
    backends["strava"] = StreamsBackend("strava", results=[None])
    row = queue.request_now(session(user, "strava")["strava"])

    row = run_fetch(row.pk)

    assert row.status == StreamStatus.UNAVAILABLE
    assert row.error_message == "No detailed data from Strava."


def test_a_fetch_uses_a_freshly_refreshed_token(user, backends, queued):
    activity = session(user, "strava")["strava"]
    ProviderConnection.objects.filter(pk=activity.connection_id).update(
        token_expires_at=timezone.now() - timedelta(minutes=1)
    )

    run_fetch(queue.request_now(activity).pk)

    assert backends["strava"].calls[0][0] == "fresh-access"


def test_a_transient_failure_is_retried_with_backoff_then_fails(
    user, backends, queued, settings
):
    settings.SYNC_MAX_ATTEMPTS = 3
    backends["strava"] = StreamsBackend(
        "strava", results=[TransientProviderError("strava: 503")] * 3
    )
    row = queue.request_now(session(user, "strava")["strava"])
    waits = []
    for _ in range(3):
        before = timezone.now()
        row = run_fetch(row.pk)
        if row.status == StreamStatus.PENDING:
            waits.append(round((row.next_attempt_at - before).total_seconds()))
            ActivityStreams.objects.filter(pk=row.pk).update(next_attempt_at=before)

    assert waits == [30, 60]
    assert row.status == StreamStatus.FAILED
    assert "after 3 attempts" in row.error_message
    assert [q[2] is not None for q in queued] == [False, True, True]


def test_a_refused_grant_flags_the_connection_and_fails(user, backends, queued):
    refused = ReauthRequiredError("strava: 401")
    backends["strava"] = StreamsBackend("strava", results=[refused, refused])
    activity = session(user, "strava")["strava"]

    row = run_fetch(queue.request_now(activity).pk)

    connection = ProviderConnection.objects.get(pk=activity.connection_id)
    assert connection.status == ConnectionStatus.REAUTH_REQUIRED
    assert row.status == StreamStatus.FAILED
    assert "Reconnect Strava" in row.error_message
    assert len(backends["strava"].calls) == 2  # once more after a forced refresh
    assert "access-" not in row.error_message


def test_unreadable_data_fails_with_a_message(user, backends, queued):
    backends["strava"] = StreamsBackend(
        "strava", results=[MalformedPayloadError("strava streams: bad latlng")]
    )
    row = run_fetch(queue.request_now(session(user, "strava")["strava"]).pk)

    assert row.status == StreamStatus.FAILED
    assert row.error_message == "Strava sent detailed data we could not read."


def test_a_429_waits_for_the_window_without_spending_an_attempt(user, backends, queued):
    reset = timezone.now() + timedelta(minutes=9)
    backends["strava"] = StreamsBackend(
        "strava", results=[RateLimitedError("strava: 429", retry_at=reset)]
    )
    row = run_fetch(queue.request_now(session(user, "strava")["strava"]).pk)

    assert row.status == StreamStatus.PENDING
    assert row.next_attempt_at == reset
    assert row.attempts == 0
    assert queued[-1] == (row.pk, HIGH_TASK, reset)


def spend(provider, used, limit=100):
    reset = timezone.now() + timedelta(minutes=10)
    ProviderBudget.objects.create(
        provider=provider, used=used, limit=limit, reset_at=reset
    )
    return reset


def test_a_spent_budget_defers_the_fetch_without_a_request(user, backends, queued):
    reset = spend("strava", 95)
    row = queue.request_now(session(user, "strava")["strava"])

    row = run_fetch(row.pk)

    assert row.status == StreamStatus.PENDING
    assert row.next_attempt_at == reset
    assert row.attempts == 0
    assert backends["strava"].calls == []


def test_low_priority_fetches_leave_the_reserve_to_syncs(user, backends, queued):
    reset = spend("strava", 60)
    backfill(make_connection(user, "strava"), 1, newest=hours_ago(2))
    low = ActivityStreams.objects.get()

    low = run_fetch(low.pk)

    assert low.status == StreamStatus.PENDING
    assert low.next_attempt_at == reset
    assert low.error_message == queue.RESERVE_WAIT
    assert backends["strava"].calls == []


def test_opening_an_activity_lifts_the_reserve_wait(user, backends, queued):
    spend("strava", 60)
    backfill(make_connection(user, "strava"), 1, newest=hours_ago(2))
    low = run_fetch(ActivityStreams.objects.get().pk)

    queue.request_now(low.activity)
    row = run_fetch(low.pk)

    assert row.status == StreamStatus.READY
    assert queued[-1] == (row.pk, HIGH_TASK, None)


def test_a_second_worker_cannot_claim_a_fetch_in_progress(user, backends, queued):
    row = queue.request_now(session(user, "strava")["strava"])
    second = []

    class Meanwhile(StreamsBackend):
        def fetch_streams(self, http, credentials, request):
            second.append(run_fetch(row.pk))
            return super().fetch_streams(http, credentials, request)

    backends["strava"] = Meanwhile("strava")

    assert run_fetch(row.pk).status == StreamStatus.READY
    assert second == [None]


def test_the_scheduled_pass_requeues_lost_fetches(user, queued):
    row = queue.request_now(session(user, "strava")["strava"])
    ActivityStreams.objects.filter(pk=row.pk).update(
        requested_at=timezone.now() - timedelta(minutes=10)
    )
    queued.clear()

    scheduled_pass.send(None, now=timezone.now())

    assert queued == [(row.pk, HIGH_TASK, None)]

"""sync.health: the error normaliser and the health page's numbers."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from providers.tests.factories import make_connection
from sync import health
from sync.models import SyncHistory, SyncStatus, SyncType

STRAVA_500 = "Strava 500 for activity {} at {}"


def test_normaliser_groups_messages_that_differ_in_ids_and_timestamps():
    first = health.normalise_error(STRAVA_500.format(123, "2026-01-01T10:00:00Z"))
    second = health.normalise_error(STRAVA_500.format(456, "2026-02-02T11:00:00Z"))
    assert first == second == "Strava <n> for activity <n> at <time>"


def test_normaliser_keeps_messages_with_different_words_apart():
    assert health.normalise_error("Polar timeout") != health.normalise_error(
        "Polar refused"
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("request 6f1c2d3e-aaaa-4bbb-8ccc-0123456789ab failed", "request <id> failed"),
        ("trace 5f3a9b0c1d2e lost", "trace <id> lost"),
        ("took 12.5 s", "took <n> s"),
        ("on 2026-03-04 at 2026-03-04 10:11:12+02:00", "on <time> at <time>"),
        ("  many\n  spaces\t", "many spaces"),
        ("oauth2 endpoint v3", "oauth2 endpoint v3"),
        ("a defaced facade", "a defaced facade"),
        ("", ""),
    ],
)
def test_normaliser_strips_variable_parts(message, expected):
    assert health.normalise_error(message) == expected


def test_normaliser_caps_the_key_length():
    assert len(health.normalise_error("word " * 100)) == health.MAX_ERROR_LENGTH


def run(connection, status, minutes_ago=5, message="", **fields):
    started = timezone.now() - timedelta(minutes=minutes_ago)
    return SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.SCHEDULED,
        status=status,
        started_at=started,
        error_message=message,
        **fields,
    )


@pytest.mark.django_db
def test_error_pattern_finds_every_message_of_a_group_and_nothing_else():
    connection = make_connection()
    one = run(connection, "failed", message=STRAVA_500.format(1, "2026-01-01"))
    two = run(connection, "failed", message=STRAVA_500.format(22, "2026-01-02T01:02Z"))
    run(connection, "failed", message="Strava 500 for athlete 1 at 2026-01-01")
    run(connection, "failed", message="Polar (read) timed out after 30 s [x]")
    pattern = health.error_pattern(health.normalise_error(one.error_message))
    found = SyncHistory.objects.filter(error_message__regex=pattern)
    assert set(found) == {one, two}


@pytest.mark.django_db
def test_error_pattern_escapes_punctuation():
    connection = make_connection()
    odd = run(connection, "failed", message="Polar (read) timed out after 30 s [x.y]")
    run(connection, "failed", message="Polar read timed out after 30 s xxy")
    pattern = health.error_pattern(health.normalise_error(odd.error_message))
    assert list(SyncHistory.objects.filter(error_message__regex=pattern)) == [odd]


@pytest.mark.django_db
def test_top_errors_count_runs_connections_and_last_seen():
    strava, other = make_connection(), make_connection()
    run(strava, "failed", 60, STRAVA_500.format(1, "2026-01-01T10:00:00Z"))
    latest = run(strava, "failed", 10, STRAVA_500.format(2, "2026-01-02T10:00:00Z"))
    run(other, "failed", 30, STRAVA_500.format(3, "2026-01-03T10:00:00Z"))
    run(other, "failed", 20, "Polar refused")
    run(other, "failed", 60 * 24 * 8, "Polar refused")  # outside the window
    run(other, "success", 5)
    groups = health.top_errors()
    assert [(g.message, g.count, g.connections) for g in groups] == [
        ("Strava <n> for activity <n> at <time>", 3, 2),
        ("Polar refused", 1, 1),
    ]
    assert groups[0].last_seen == latest.started_at


@pytest.mark.django_db
def test_provider_stats_count_failures_per_window():
    strava, polar = (
        make_connection(provider="strava"),
        make_connection(provider="polar"),
    )
    run(strava, "failed", 10, "x")
    run(strava, "success", 20)
    run(strava, "failed", 60 * 48, "x")
    run(strava, "success", 60 * 24 * 8)  # older than a week
    run(polar, "rate_limited", 30)
    stats = {row["provider"]: row for row in health.provider_stats()}
    assert stats["Strava"]["day"] == {"runs": 2, "failed": 1, "rate": 50.0}
    assert stats["Strava"]["week"] == {"runs": 3, "failed": 2, "rate": 66.7}
    assert stats["Polar"]["day"] == {"runs": 1, "failed": 0, "rate": 0.0}
    assert stats["Garmin"]["week"] == {"runs": 0, "failed": 0, "rate": None}


@pytest.mark.django_db
def test_stuck_runs_are_running_runs_older_than_the_timeout(settings):
    settings.SYNC_RUN_TIMEOUT = 1800
    stuck = run(make_connection(), SyncStatus.RUNNING, minutes_ago=31)
    run(make_connection(), SyncStatus.RUNNING, minutes_ago=29)
    run(make_connection(), SyncStatus.FAILED, minutes_ago=90)
    assert health.stuck_runs() == [stuck]


@pytest.mark.django_db
def test_reauth_connections_lists_only_flagged_ones():
    flagged = make_connection(status="reauth_required")
    make_connection()
    assert health.reauth_connections() == [flagged]


def task(status="READY", run_after=None, enqueued_minutes_ago=0):
    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="sync.tasks.sync_connection",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    enqueued = timezone.now() - timedelta(minutes=enqueued_minutes_ago)
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=enqueued)
    return enqueued


@pytest.mark.django_db
def test_task_queue_counts_waiting_tasks_and_the_oldest_runnable_one():
    oldest = task(enqueued_minutes_ago=30)
    task(enqueued_minutes_ago=5)
    # Deferred: waiting, but not runnable, so not the oldest runnable task.
    task(run_after=timezone.now() + timedelta(hours=1), enqueued_minutes_ago=90)
    task(status="SUCCESSFUL", enqueued_minutes_ago=120)
    assert health.task_queue() == {"waiting": 3, "due": 2, "oldest": oldest}

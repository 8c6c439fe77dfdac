"""sync.health: the error normaliser and the health page's numbers."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from providers.tests.factories import make_connection
from sync import health
from sync.models import SyncHistory, SyncStatus, SyncType
from sync.tests import failing_runs

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


def matching_qs(key):
    return SyncHistory.objects.filter(error_message__regex=health.error_pattern(key))


def matching(key):
    return set(matching_qs(key))


@pytest.mark.django_db
def test_error_pattern_reads_line_breaks_past_the_key_alike_on_both_databases():
    # A provider's HTML error page: longer than the key, with line breaks after it.
    page = "strava: HTTP 403: <html>" + "x" * 200 + "\r\n<body>403 Forbidden</body>\n"
    long = run(make_connection(), "failed", message=page)
    assert matching(health.normalise_error(page)) == {long}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "message",
    [
        "polar:\u00a0HTTP 400: no\u00a0such user",  # no-break spaces
        "garmin: HTTP 400:\tbad\n\n window 2026-01-01\t10:00:00Z",
        'strava: HTTP 400: {"errors": [{"field": "after_5", "code": "a|b^c$"}]}',
        "wahoo: HTTP 422: \\d+ (?:not) a regex {2,}",
        "coros: HTTP 404: <p>page <n> of <time>, id <id></p>",  # placeholders' look
    ],
)
def test_error_pattern_finds_each_message_of_its_own_group(message):
    found = run(make_connection(), "failed", message=message)
    assert matching(health.normalise_error(message)) == {found}


@pytest.mark.django_db
def test_error_pattern_placeholders_match_only_what_they_replaced():
    connection = make_connection()
    numbered = run(connection, "failed", message="activity 123 failed at 2026-01-01")
    run(connection, "failed", message="activity abc failed at 2026-01-01")
    run(connection, "failed", message="activity 123 failed at noon")
    assert matching(health.normalise_error(numbered.error_message)) == {numbered}


@pytest.mark.django_db
def test_failed_runs_without_a_message_form_a_group_of_their_own():
    connection = make_connection()
    silent = {run(connection, "failed"), run(connection, "failed", message=" \n ")}
    run(connection, "failed", message="Polar refused")
    groups = {g.message: g.count for g in health.error_groups()}
    assert groups == {health.NO_MESSAGE: 2, "Polar refused": 1}
    assert matching(health.NO_MESSAGE) == silent


@pytest.mark.django_db
def test_groups_with_equal_counts_rank_the_latest_first():
    connection = make_connection()
    run(connection, "failed", 30, "A refused")
    run(connection, "failed", 1, "z: HTTP 400: just now")
    run(connection, "failed", 20, "B refused")
    assert [g.message for g in health.error_groups()] == [
        "z: HTTP <n>: just now",
        "B refused",
        "A refused",
    ]


@pytest.mark.django_db
def test_the_report_counts_the_failed_runs_beyond_the_shown_groups():
    connection = make_connection()
    for number in range(health.TOP_ERRORS + 2):
        run(connection, "failed", 10 + number, f"error kind {'ab'[number % 2]}{number}")
    report = health.health_report()
    shown = sum(group.count for group in report["errors"])
    assert len(report["errors"]) == health.TOP_ERRORS
    assert report["errors_other"] == {"runs": 2, "groups": 2}
    assert shown + report["errors_other"]["runs"] == health.TOP_ERRORS + 2


@pytest.mark.django_db
def test_every_failed_run_the_runner_writes_lands_in_a_group(settings):
    failed_runs = failing_runs.produce_failures(settings)
    groups = health.error_groups()
    assert sum(group.count for group in groups) == failed_runs == 6
    counts = {g.message: (g.count, g.connections) for g in groups}
    assert counts.items() >= failing_runs.EXPECTED.items()
    for group in groups:
        # The history link of each group lists exactly that group's failed runs.
        failed = SyncHistory.objects.filter(status=SyncStatus.FAILED)
        assert len(failed & matching_qs(group.message)) == group.count
    week = sum(row["week"]["failed"] for row in health.provider_stats())
    assert week == failed_runs

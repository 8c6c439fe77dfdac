from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from providers.tests.factories import make_connection
from sync.messages import failure_message
from sync.models import SyncHistory, SyncStatus, SyncType


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def make_run(connection, minutes_ago=0, status=SyncStatus.SUCCESS, **fields):
    return SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.SCHEDULED,
        status=status,
        started_at=datetime(2026, 5, 1, tzinfo=UTC) - timedelta(minutes=minutes_ago),
        **fields,
    )


def test_history_lists_runs_newest_first_in_pages(logged_in, user):
    connection = make_connection(user, "wahoo")
    runs = [make_run(connection, minutes_ago=i) for i in range(25)]
    url = reverse("sync:history", args=[connection.pk])
    first = logged_in.get(url)
    assert [run.pk for run, _ in first.context["rows"]] == [r.pk for r in runs[:20]]
    second = logged_in.get(url, {"page": 2})
    assert [run.pk for run, _ in second.context["rows"]] == [r.pk for r in runs[20:]]
    assert "Page 2 of 2" in second.content.decode()


def test_history_explains_each_failure_kind(logged_in, user):
    connection = make_connection(user, "wahoo")
    make_run(
        connection, 1, SyncStatus.FAILED, error_details={"kind": "reauth_required"}
    )
    make_run(connection, 2, SyncStatus.FAILED, error_details={"kind": "transient"})
    make_run(
        connection,
        3,
        SyncStatus.FAILED,
        error_details={"kind": "provider", "provider_message": "Quota exceeded"},
    )
    make_run(connection, 4, SyncStatus.FAILED, error_details={"kind": "internal"})
    html = logged_in.get(reverse("sync:history", args=[connection.pk])).content.decode()
    assert "Reconnect Wahoo" in html
    assert "Temporary provider problem; retrying." in html
    assert "Wahoo said: Quota exceeded" in html
    assert "Something went wrong on our side; we&#x27;ve been notified." in html


def test_rate_limited_message_names_the_retry_time(user):
    connection = make_connection(user, "strava")
    run = make_run(
        connection,
        status=SyncStatus.RATE_LIMITED,
        next_attempt_at=datetime(2026, 5, 1, 12, 15, tzinfo=UTC),
        error_details={"kind": "rate_limited"},
    )
    message = failure_message(run, "Strava")
    assert message.startswith("Waiting for the provider's rate limit; retries")
    assert message.endswith("retries automatically at 1 May 2026, 12:15.")


def test_successful_run_needs_no_message(user):
    run = make_run(make_connection(user, "strava"))
    assert failure_message(run, "Strava") == ""


def test_history_of_someone_elses_connection_is_not_found(logged_in, other_user):
    connection = make_connection(other_user, "wahoo")
    response = logged_in.get(reverse("sync:history", args=[connection.pk]))
    assert response.status_code == 404

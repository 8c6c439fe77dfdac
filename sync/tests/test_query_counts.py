"""The dashboard, the feed and the summary cost a fixed number of queries.

Run on PostgreSQL (DATABASE_URL=postgres://...): 6 connections, 20,000 activities and
2,000 sync runs, then again with a tenth of that, and the counts must match.
"""

from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from providers.models import Provider
from providers.sports import SportType
from providers.tests.factories import make_connection, make_user
from sync.models import Activity, SyncHistory, SyncStatus, SyncType

pytestmark = pytest.mark.postgres

SPORTS = [SportType.RUN, SportType.RIDE, SportType.SWIM, SportType.WALK]
STATUSES = [SyncStatus.SUCCESS, SyncStatus.FAILED, SyncStatus.RATE_LIMITED]
# Session and user, then: dashboard = connections with counts, latest runs, totals,
# weekly volume, this week's planned workouts; feed = one keyset page; summary =
# connections, runs, overall, totals.
# Uncached: session, user, connections with their latest runs, counts, totals,
# weekly volume, planned workouts.
MAX_QUERIES = {"dashboard": 7, "feed": 3, "summary": 6, "api feed": 3}


def build_dataset(user, activities=20_000, runs=2_000):
    """Six connections, activities and a sync history.

    Activities are 3.5 hours apart, newest now: 20,000 of them reach back 8 years,
    a heavy but real athlete's history (several providers record the same session).
    """
    now = timezone.now()
    connections = [make_connection(user, provider) for provider in Provider.values]
    Activity.objects.bulk_create(
        Activity(
            user=user,
            connection=connections[i % 6],
            provider=connections[i % 6].provider,
            provider_activity_id=f"{user.pk}-{i}",
            sport_type=SPORTS[i % len(SPORTS)],
            name=f"Activity {i}",
            start_time=now - timedelta(minutes=210 * i),
            moving_time_s=1800 + i % 600,
            distance_m=5000.0 + i % 1000,
            activity_data={"id": i},
        )
        for i in range(activities)
    )
    SyncHistory.objects.bulk_create(
        SyncHistory(
            connection=connections[i % 6],
            sync_type=SyncType.SCHEDULED,
            status=STATUSES[i % len(STATUSES)],
            started_at=now - timedelta(hours=i),
            completed_at=now - timedelta(hours=i) + timedelta(seconds=30),
            error_details={"kind": "transient"} if i % 3 == 1 else {},
        )
        for i in range(runs)
    )
    return connections


def count_queries(client, url):
    with CaptureQueriesContext(db_connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["dashboard", "feed", "summary", "api feed"])
def test_page_query_count_does_not_grow_with_data(
    client, db, page, django_assert_max_num_queries
):
    urls = {
        "dashboard": reverse("sync:dashboard"),
        "feed": reverse("sync:activities"),
        "summary": "/api/providers/summary",
        "api feed": "/api/activities",
    }
    small, big = make_user(), make_user()
    build_dataset(small, activities=2_000, runs=200)
    build_dataset(big)
    client.force_login(small)
    small_count = count_queries(client, urls[page])
    client.force_login(big)
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        big_count = count_queries(client, urls[page])
    assert big_count == small_count


def test_dashboard_with_cached_totals_reads_only_connections_and_runs(client, db):
    user = make_user()
    build_dataset(user)
    client.force_login(user)
    count_queries(client, reverse("sync:dashboard"))
    # Session, user, connections with their latest runs (the rest, this week's
    # planned workouts too, is cached).
    assert count_queries(client, reverse("sync:dashboard")) == 3

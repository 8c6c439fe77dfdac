from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.tests.factories import make_connection
from sync.models import Activity, SyncHistory, SyncStatus, SyncType


def make_activity(user, connection, days_ago=0, **fields):
    values = {
        "provider": connection.provider,
        "provider_activity_id": f"{connection.pk}-{Activity.objects.count() + 1}",
        "sport_type": "run",
        "start_time": timezone.now() - timedelta(days=days_ago),
        "moving_time_s": 3600,
        "distance_m": 10000.0,
    }
    values.update(fields)
    return Activity.objects.create(user=user, connection=connection, **values)


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_dashboard_requires_login(client, db):
    response = client.get(reverse("sync:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_shows_a_card_for_every_provider(logged_in, settings):
    settings.PROVIDERS["polar"]["CLIENT_ID"] = ""
    response = logged_in.get(reverse("sync:dashboard"))
    html = response.content.decode()
    for name in ("Strava", "Garmin", "Polar", "COROS", "Wahoo", "Fitbit"):
        assert f"<h3>{name}</h3>" in html
    assert 'aria-describedby="not-configured-polar"' in html


def test_dashboard_shows_status_counts_and_latest_failure(logged_in, user):
    connection = make_connection(user, "garmin", status="reauth_required")
    make_activity(user, connection)
    make_activity(user, connection, days_ago=1)
    SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.SCHEDULED,
        status=SyncStatus.FAILED,
        completed_at=timezone.now(),
        error_details={"kind": "reauth_required"},
    )
    html = logged_in.get(reverse("sync:dashboard")).content.decode()
    assert "Needs reconnect" in html
    assert "2 activities" in html
    assert "Reconnect Garmin" in html
    assert reverse("sync:history", args=[connection.pk]) in html


def test_dashboard_polls_only_while_a_sync_is_active(logged_in, user):
    connection = make_connection(user, "strava")
    run = SyncHistory.objects.create(
        connection=connection, sync_type=SyncType.MANUAL, status=SyncStatus.RUNNING
    )
    html = logged_in.get(reverse("sync:dashboard")).content.decode()
    status_url = reverse("sync:card-status", args=[connection.pk])
    assert f'hx-get="{status_url}"' in html
    assert 'hx-trigger="every 2s"' in html

    run.status = SyncStatus.SUCCESS
    run.save()
    partial = logged_in.get(status_url).content.decode()
    assert "hx-trigger" not in partial
    assert 'data-sync-state="success"' in partial


def test_card_status_of_someone_elses_connection_is_not_found(logged_in, other_user):
    connection = make_connection(other_user, "strava")
    response = logged_in.get(reverse("sync:card-status", args=[connection.pk]))
    assert response.status_code == 404


def test_dashboard_totals_count_this_weeks_activities(logged_in, user):
    connection = make_connection(user, "strava")
    make_activity(user, connection, distance_m=5000.0, moving_time_s=1800)
    make_activity(user, connection, days_ago=60)
    html = logged_in.get(reverse("sync:dashboard")).content.decode()
    assert "1 activity · 5.00 km · 30:00" in html


def test_dashboard_chart_has_svg_and_table_alternative(logged_in, user):
    connection = make_connection(user, "strava")
    make_activity(user, connection, sport_type="ride", moving_time_s=7200)
    html = logged_in.get(reverse("sync:dashboard")).content.decode()
    assert 'role="img"' in html
    assert '<title id="chart-title">' in html
    assert '<th scope="col">Ride</th>' in html
    assert "<td>2.0</td>" in html

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from providers.tests.factories import make_connection
from sync.cache import bump_data_version, data_version
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


def test_dashboard_links_every_card_action(logged_in, user):
    connection = make_connection(user, "polar", status="reauth_required")
    html = logged_in.get(reverse("sync:dashboard")).content.decode()
    for url in (
        reverse("sync:toggle", args=[connection.pk]),
        reverse("sync:sync-now", args=[connection.pk]),
        reverse("sync:history", args=[connection.pk]),
        reverse("providers:connect", args=["polar"]),
        reverse("providers:disconnect", args=["polar"]),
        reverse("providers:connect", args=["strava"]),
    ):
        assert f'"{url}"' in html


def test_card_links_follow_the_script_prefix(logged_in, user):
    connection = make_connection(user, "strava")
    logged_in.get(reverse("sync:dashboard"))  # caches the links without a prefix
    set_script_prefix("/trainlytics/")  # as the WSGI handler does for SCRIPT_NAME
    try:
        html = logged_in.get("/").content.decode()
    finally:
        set_script_prefix("/")
    assert f'action="/trainlytics/connections/{connection.pk}/toggle/"' in html
    assert 'href="/trainlytics/providers/strava/disconnect/"' in html


def dashboard_queries(client):
    with CaptureQueriesContext(db_connection) as captured:
        html = client.get(reverse("sync:dashboard")).content.decode()
    return html, len(captured.captured_queries)


def chart_section(html, start):
    return html.split(start)[1].split("</section>")[0]


def test_dashboard_reuses_cached_totals_and_chart(logged_in, user):
    connection = make_connection(user, "strava")
    make_activity(user, connection, sport_type="ride", moving_time_s=7200)
    first_html, first_count = dashboard_queries(logged_in)
    second_html, second_count = dashboard_queries(logged_in)
    # No totals, weekly volume, counts or planned week (planning's cached line).
    assert second_count == first_count - 4
    chart = '<section aria-labelledby="volume-heading">'
    # Only the chart's section: the footer after it has a fresh CSRF token each time.
    assert chart_section(second_html, chart) == chart_section(first_html, chart)
    assert "<td>2.0</td>" in second_html


def test_a_new_sync_run_refreshes_the_cached_totals(logged_in, user):
    connection = make_connection(user, "strava")
    activity = make_activity(user, connection, distance_m=5000.0, moving_time_s=1800)
    assert "1 activity · 5.00 km" in dashboard_queries(logged_in)[0]
    # A sync that updated the activity in place: the count stays, the run is new.
    Activity.objects.filter(pk=activity.pk).update(distance_m=8000.0)
    SyncHistory.objects.create(
        connection=connection, sync_type=SyncType.WEBHOOK, status=SyncStatus.SUCCESS
    )
    assert "1 activity · 8.00 km" in dashboard_queries(logged_in)[0]


def test_the_end_of_a_running_sync_refreshes_the_cached_totals(logged_in, user):
    connection = make_connection(user, "strava")
    activity = make_activity(user, connection, distance_m=5000.0)
    run = SyncHistory.objects.create(
        connection=connection, sync_type=SyncType.MANUAL, status=SyncStatus.RUNNING
    )
    assert "5.00 km" in dashboard_queries(logged_in)[0]
    Activity.objects.filter(pk=activity.pk).update(distance_m=8000.0)
    run.status = SyncStatus.SUCCESS
    run.save()
    assert "8.00 km" in dashboard_queries(logged_in)[0]


def test_bumping_the_data_version_refreshes_the_cached_totals(logged_in, user):
    connection = make_connection(user, "strava")
    activity = make_activity(user, connection, distance_m=5000.0)
    assert "5.00 km" in dashboard_queries(logged_in)[0]
    # A write no sync run records (a merge of duplicates, say): cached until bumped.
    Activity.objects.filter(pk=activity.pk).update(distance_m=8000.0)
    assert "5.00 km" in dashboard_queries(logged_in)[0]
    bump_data_version(user.pk)
    assert "8.00 km" in dashboard_queries(logged_in)[0]


def test_cached_totals_are_per_user(logged_in, user, other_user, client):
    make_activity(user, make_connection(user, "strava"), distance_m=5000.0)
    make_activity(other_user, make_connection(other_user, "strava"), distance_m=7000.0)
    assert "5.00 km" in dashboard_queries(logged_in)[0]
    client.force_login(other_user)
    assert "7.00 km" in dashboard_queries(client)[0]


def test_data_version_changes_only_when_bumped_or_lost():
    first = data_version(1)
    assert data_version(1) == first
    assert data_version(2) != first
    bump_data_version(1)
    bumped = data_version(1)
    assert bumped != first
    cache.clear()  # an eviction must not bring back an older version
    assert data_version(1) not in (first, bumped)


def test_card_status_escapes_what_providers_send(logged_in, user):
    connection = make_connection(user, "strava")
    SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.SCHEDULED,
        status=SyncStatus.FAILED,
        completed_at=timezone.now(),
        error_details={"kind": "provider", "provider_message": "<b>quota</b>"},
    )
    status_url = reverse("sync:card-status", args=[connection.pk])
    for url in (reverse("sync:dashboard"), status_url):
        html = logged_in.get(url).content.decode()
        assert '<p class="failure">Strava said: &lt;b&gt;quota&lt;/b&gt;</p>' in html


def test_card_status_partial_matches_the_dashboard_card(logged_in, user):
    connection = make_connection(user, "strava", last_sync_at=timezone.now())
    make_activity(user, connection)
    SyncHistory.objects.create(
        connection=connection,
        sync_type=SyncType.MANUAL,
        status=SyncStatus.RUNNING,
        activities_fetched=3,
    )
    partial = logged_in.get(
        reverse("sync:card-status", args=[connection.pk])
    ).content.decode()
    assert partial.startswith('<div class="card-status" id="status-strava"')
    assert "Sync running… 3 activities so far." in partial
    assert "1 activity; last synced" in partial
    assert partial in logged_in.get(reverse("sync:dashboard")).content.decode()


def test_a_sync_that_just_finished_reads_just_now_and_older_ones_read_ago():
    from sync.cards import _ago

    now = timezone.now()
    assert _ago(now - timedelta(seconds=20)) == "just now"
    assert _ago(now - timedelta(minutes=5)) == "5\xa0minutes ago"

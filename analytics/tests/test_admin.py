"""Staff admin of analytics: streams rows (list, filters, search, "fetch again"),
settings and loads read-only; the streams' bytes never reach a page."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import ActivityStreams, AthleteSettings, StreamStatus
from analytics.streams import conf, store
from providers.tests.factories import make_user

from .load_helpers import load_on, stored
from .streams_helpers import ride

STREAMS_URL = reverse("admin:analytics_activitystreams_changelist")
SETTINGS_URL = reverse("admin:analytics_athletesettings_changelist")
LOADS_URL = reverse("admin:analytics_trainingload_changelist")
START = datetime(2026, 4, 1, 7, tzinfo=UTC)


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


def ready_row(user, seconds=600, source="strava"):
    activity = stored(user, START, sport_type="ride")
    return store.save(ActivityStreams(activity=activity), ride(seconds), source)


def failed_row(user):
    return ActivityStreams.objects.create(
        activity=stored(user, START),
        status=StreamStatus.FAILED,
        source="garmin",
        attempts=3,
        error_message="Garmin could not send the detailed data.",
    )


def fetch_again(client, rows):
    data = {"action": "fetch_again", ACTION_CHECKBOX_NAME: [r.pk for r in rows]}
    return client.post(STREAMS_URL, data, follow=True)


def test_staff_see_each_rows_athlete_status_source_samples_and_size(staff, user):
    row = ready_row(user, seconds=3600)
    html = staff.get(STREAMS_URL).content.decode()
    size = len(bytes(row.data)) / 1000
    assert user.email in html
    assert "Ready" in html and "Strava" in html
    assert "3,601" in html or "3601" in html
    assert f"{size:.1f}" in html


def test_the_list_filters_by_status_and_source_and_searches_by_email(
    staff, user, other_user
):
    ready_row(user)
    failed_row(other_user)
    by_status = staff.get(STREAMS_URL, {"status__exact": "failed"})
    by_source = staff.get(STREAMS_URL, {"source__exact": "strava"})
    by_email = staff.get(STREAMS_URL, {"q": other_user.email})
    assert [r.status for r in by_status.context["cl"].result_list] == ["failed"]
    assert [r.source for r in by_source.context["cl"].result_list] == ["strava"]
    assert [r.activity.user_id for r in by_email.context["cl"].result_list] == [
        other_user.pk
    ]


def test_no_stream_data_is_read_or_shown_on_the_list_or_change_page(staff, user):
    row = ready_row(user)
    change = reverse("admin:analytics_activitystreams_change", args=[row.pk])
    for url in (STREAMS_URL, change):
        with CaptureQueriesContext(connection) as captured:
            html = staff.get(url).content.decode()
        assert "52.00" not in html  # a latitude of the ride
        assert "120, 121" not in html and "120,121" not in html  # heart rates
        for query in captured.captured_queries:
            sql = query["sql"].replace('LENGTH("activity_streams"."data")', "")
            assert '"activity_streams"."data"' not in sql
            assert '"activity_streams"."low"' not in sql
            assert '"activities"."activity_data"' not in sql
    assert "247.0" in html  # the efforts, as stored (best 5 s power)


def test_the_change_page_is_read_only(staff, user):
    row = ready_row(user)
    change = reverse("admin:analytics_activitystreams_change", args=[row.pk])
    response = staff.post(change, {"status": "failed"})
    assert response.status_code == 403
    assert ActivityStreams.objects.get(pk=row.pk).status == StreamStatus.READY


def test_fetch_again_requeues_at_high_priority_and_is_logged(staff, user, queued):
    ready, failed = ready_row(user), failed_row(user)

    response = fetch_again(staff, [ready, failed])

    for row in (ready, failed):
        row.refresh_from_db()
        assert (row.status, row.priority, row.attempts) == ("pending", conf.HIGH, 0)
        assert row.error_message == ""
    assert sorted(q[0] for q in queued) == sorted([ready.pk, failed.pk])
    assert {q[1] for q in queued} == {conf.TASK_PRIORITY[conf.HIGH]}
    entries = LogEntry.objects.filter(action_flag=CHANGE)
    assert sorted(int(e.object_id) for e in entries) == sorted([ready.pk, failed.pk])
    assert {e.change_message for e in entries} == {"Queued to be fetched again."}
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["2 rows queued to be fetched again."]


def test_fetch_again_raises_a_waiting_low_row_and_skips_a_high_one(staff, user, queued):
    low = ActivityStreams.objects.create(
        activity=stored(user, START), priority=conf.LOW
    )
    high = ActivityStreams.objects.create(
        activity=stored(user, START), priority=conf.HIGH
    )

    response = fetch_again(staff, [low, high])

    low.refresh_from_db()
    assert low.priority == conf.HIGH
    assert [q[0] for q in queued] == [low.pk]
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "1 row queued to be fetched again; 1 skipped: already queued at high priority."
    ]


def test_settings_and_loads_are_listed_read_only(staff, user):
    AthleteSettings.objects.create(user=user, ftp_w=250)
    load_on(user, date(2026, 4, 1), 87.0)
    settings_page, loads_page = staff.get(SETTINGS_URL), staff.get(LOADS_URL)
    assert "250" in settings_page.content.decode()
    assert user.email in settings_page.content.decode()
    assert "87.0" in loads_page.content.decode()
    for page in (settings_page, loads_page):
        assert not page.context["has_add_permission"]
        assert 'name="action"' not in page.content.decode()


@pytest.mark.parametrize("url", [STREAMS_URL, SETTINGS_URL, LOADS_URL])
def test_athletes_are_sent_to_the_admin_login(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_an_athlete_cannot_fetch_again(client, user, queued):
    row = failed_row(user)
    client.force_login(user)
    data = {"action": "fetch_again", ACTION_CHECKBOX_NAME: [row.pk]}
    assert client.post(STREAMS_URL, data).status_code == 302
    row.refresh_from_db()
    assert row.status == StreamStatus.FAILED
    assert queued == []

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from providers.tests.factories import make_connection
from sync.queries import decode_cursor
from sync.tests.test_dashboard import make_activity

OFFSET = re.compile(r"\bOFFSET\s+\d", re.IGNORECASE)


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def feed_names(response):
    return [a.name for a, _ in response.context["rows"]]


def test_feed_lists_every_providers_activities_newest_first(logged_in, user):
    strava = make_connection(user, "strava")
    garmin = make_connection(user, "garmin")
    make_activity(user, strava, days_ago=2, name="older")
    newer = make_activity(user, garmin, days_ago=1, name="newer")
    response = logged_in.get(reverse("sync:activities"))
    assert feed_names(response) == ["newer", "older"]
    html = response.content.decode()
    assert f'href="{reverse("sync:activity", args=[newer.pk])}"' in html
    assert 'class="badge badge-garmin"' in html
    assert "10.00 km" in html


def test_feed_filters_by_provider_sport_and_dates(logged_in, user):
    strava = make_connection(user, "strava")
    garmin = make_connection(user, "garmin")
    make_activity(user, strava, name="strava run")
    make_activity(user, garmin, name="garmin run")
    make_activity(user, garmin, sport_type="ride", name="garmin ride")
    make_activity(user, garmin, days_ago=30, name="old garmin run")
    url = reverse("sync:activities")
    today = datetime.now(UTC).date()
    response = logged_in.get(
        url,
        {
            "provider": "garmin",
            "sport": "run",
            "date_from": (today - timedelta(days=1)).isoformat(),
            "date_to": (today + timedelta(days=1)).isoformat(),
        },
    )
    assert feed_names(response) == ["garmin run"]


def test_feed_shows_start_in_the_activitys_local_time(logged_in, user):
    connection = make_connection(user, "strava")
    make_activity(
        user,
        connection,
        start_time=datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
        utc_offset_s=2 * 3600,
    )
    html = logged_in.get(reverse("sync:activities")).content.decode()
    assert "Sun 1 Mar 2026, 08:00" in html


def test_feed_pages_with_an_opaque_cursor_without_repeats(logged_in, user, settings):
    connection = make_connection(user, "strava")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(30):
        # Pairs share a start time, so the id breaks ties.
        make_activity(user, connection, start_time=start + timedelta(hours=i // 2))
    first = logged_in.get(reverse("sync:activities"))
    rows = [a for a, _ in first.context["rows"]]
    assert len(rows) == 25
    next_query = first.context["next_query"]
    cursor = next_query.split("cursor=")[1]
    assert decode_cursor(cursor) == (rows[-1].start_time, rows[-1].pk)
    second = logged_in.get(reverse("sync:activities") + "?" + next_query)
    more = [a for a, _ in second.context["rows"]]
    assert len(more) == 5
    assert not {a.pk for a in rows} & {a.pk for a in more}
    assert second.context["next_query"] == ""


def test_feed_rejects_a_forged_cursor_with_a_message(logged_in, user):
    response = logged_in.get(reverse("sync:activities"), {"cursor": "not-a-cursor"})
    assert response.status_code == 200
    assert "That page link is not valid." in response.content.decode()
    assert response.context["rows"] == []


def test_feed_hides_other_users_activities(logged_in, user, other_user):
    theirs = make_connection(other_user, "strava")
    make_activity(other_user, theirs, name="not mine")
    response = logged_in.get(reverse("sync:activities"))
    assert feed_names(response) == []
    assert "No activities match." in response.content.decode()


def test_feed_pages_without_offset_scans(logged_in, user):
    connection = make_connection(user, "strava")
    for _ in range(30):
        make_activity(user, connection)
    first = logged_in.get(reverse("sync:activities"))
    with CaptureQueriesContext(db_connection) as captured:
        logged_in.get(reverse("sync:activities") + "?" + first.context["next_query"])
    # \b: the utc_offset_s column must not count as an OFFSET clause.
    offsets = [q for q in captured.captured_queries if OFFSET.search(q["sql"])]
    assert offsets == []


def test_feed_escapes_what_providers_send(logged_in, user):
    connection = make_connection(user, "strava")
    make_activity(user, connection, name="<script>alert(1)</script>")
    html = logged_in.get(reverse("sync:activities")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_feed_keeps_the_chosen_filters_selected(logged_in, user):
    html = logged_in.get(
        reverse("sync:activities"), {"provider": "garmin"}
    ).content.decode()
    assert '<option value="garmin" selected>Garmin</option>' in html
    filters = re.search(r'<form method="get" class="filters".*?</form>', html, re.S)
    assert filters.group(0).count(" selected>") == 1

"""The streams block on the activity page ({% activity_streams %}) and its poll
view (analytics/views_streams.py)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import athlete
from analytics.models import ActivityStreams, AthleteSettings, StreamStatus
from analytics.streams import conf, store

from .streams_helpers import ride, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(user):
    return session(user, "strava")["strava"]


@pytest.fixture
def ready(activity):
    return store.save(ActivityStreams(activity=activity), ride(3600), "strava")


def page(client, user, activity):
    client.force_login(user)
    response = client.get(reverse("sync:activity", args=[activity.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_opening_an_activity_without_streams_shows_loading_and_queues_a_fetch(
    client, user, activity, queued
):
    html = page(client, user, activity)

    row = ActivityStreams.objects.get()
    assert "Loading…" in html
    poll = reverse("analytics:streams-block", args=[activity.pk])
    assert f'hx-get="{poll}"' in html
    assert 'hx-trigger="every 3s"' in html
    assert f'href="{reverse("sync:activity", args=[activity.pk])}">Refresh' in html
    assert row.priority == conf.HIGH
    assert queued == [(row.pk, conf.TASK_PRIORITY[conf.HIGH], None)]


def test_ready_streams_show_map_outline_charts_splits_zones_and_best_efforts(
    client, user, activity, ready
):
    AthleteSettings.objects.update_or_create(
        user=user, defaults={"max_hr_bpm": 190, "ftp_w": 250}
    )

    html = page(client, user, activity)

    assert "Loading…" not in html
    assert 'data-route-map data-route-source="route-data"' in html
    assert 'id="route-data" type="application/json"' in html
    assert re.search(r'<path d="M[\d.]+,[\d.]+ L', html)  # the SVG outline
    for chart in ("elevation", "heartrate", "pace", "power"):
        assert f'data-chart="{chart}"' in html
    assert "Splits per km" in html
    assert html.count("<tr><td>") >= 28  # 28.8 km of splits
    assert "Time in heart-rate zones" in html
    assert "Time in power zones" in html
    assert "Fastest 10 km" in html
    assert "Best 20 min power" in html
    assert "openstreetmap.org/copyright" in html


def test_the_page_has_no_inline_javascript(client, user, activity, ready):
    html = page(client, user, activity)

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes
    assert "onclick" not in html and "onload" not in html


def test_a_ride_shows_speed_instead_of_pace(client, user, ready):
    activity = ready.activity
    activity.sport_type = "ride"
    activity.save()

    html = page(client, user, activity)

    assert 'data-chart="speed"' in html
    assert 'data-chart="pace"' not in html


def test_imperial_units_split_per_mile(client, user, activity, ready):
    AthleteSettings.objects.update_or_create(user=user, defaults={"units": "imperial"})

    html = page(client, user, activity)

    assert "Splits per mile" in html
    assert "1.00 mi" in html


def test_without_max_hr_or_ftp_the_page_says_what_to_set(client, user, ready):
    html = page(client, user, ready.activity)

    assert "Set your maximum heart rate" in html
    assert "Set your FTP" in html


def test_unavailable_streams_name_the_provider(client, user, activity):
    ActivityStreams.objects.create(
        activity=activity,
        status=StreamStatus.UNAVAILABLE,
        source="strava",
        error_message="No detailed data from Strava.",
        fetched_at=timezone.now(),
    )

    assert "No detailed data from Strava." in page(client, user, activity)
    assert ActivityStreams.objects.get().status == StreamStatus.UNAVAILABLE


def test_an_old_unavailable_answer_is_asked_again_on_opening(
    client, user, activity, queued
):
    row = ActivityStreams.objects.create(
        activity=activity,
        status=StreamStatus.UNAVAILABLE,
        fetched_at=timezone.now() - conf.recheck_after() - timedelta(minutes=1),
    )

    assert "Loading…" in page(client, user, activity)
    assert queued == [(row.pk, conf.TASK_PRIORITY[conf.HIGH], None)]


def test_a_cached_ready_block_costs_no_query(activity, ready, user):
    template = Template("{% load analytics_tags %}{% activity_streams activity %}")
    first = template.render(Context({"activity": activity}))

    with CaptureQueriesContext(connection) as queries:
        again = template.render(Context({"activity": activity}))

    assert len(queries) == 0
    assert again == first
    assert 'data-chart="heartrate"' in again


def test_the_poll_returns_the_block_once_ready(client, user, activity, ready):
    client.force_login(user)

    response = client.get(reverse("analytics:streams-block", args=[activity.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="streams-body"' in body
    assert "hx-get" not in body
    assert 'data-chart="heartrate"' in body


def test_the_poll_keeps_polling_while_pending(client, user, activity, queued):
    client.force_login(user)
    url = reverse("analytics:streams-block", args=[activity.pk])

    client.get(url)
    body = client.get(url).content.decode()

    assert "hx-get" in body
    assert len(queued) == 1  # the second poll queues nothing more


def test_another_athletes_activity_is_not_found(client, other_user, activity):
    client.force_login(other_user)

    response = client.get(reverse("analytics:streams-block", args=[activity.pk]))

    assert response.status_code == 404
    assert not ActivityStreams.objects.exists()


def test_the_poll_needs_a_login(client, activity):
    response = client.get(reverse("analytics:streams-block", args=[activity.pk]))

    assert response.status_code == 302


def test_the_route_outline_has_north_up_and_east_right():
    from analytics.streams.display import outline

    path = outline([[52.0, 4.0], [52.01, 4.0], [52.01, 4.01]])

    (_, y0), (x1, y1), (x2, _) = (
        map(float, step[1:].split(",")) for step in path.split()
    )
    assert y1 < y0  # going north goes up the picture
    assert x2 > x1  # going east goes right


def test_a_ready_block_is_rendered_once_then_served_from_the_cache(
    client, user, activity, ready, monkeypatch
):
    from analytics.streams import display

    drawn = []
    charts = display.charts
    monkeypatch.setattr(
        display, "charts", lambda *args: drawn.append(1) or charts(*args)
    )
    first = page(client, user, activity)
    second = page(client, user, activity)
    assert drawn == [1]
    block = re.compile(r'<section class="streams".*?</section>', re.S)
    assert block.search(first).group() == block.search(second).group()


def test_new_settings_render_the_ready_block_again(
    client, user, activity, ready, django_capture_on_commit_callbacks
):
    assert "Splits per km" in page(client, user, activity)
    with django_capture_on_commit_callbacks(execute=True):
        athlete.update_settings(user.pk, units="imperial")
    assert "Splits per mile" in page(client, user, activity)

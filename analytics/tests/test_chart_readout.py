"""The data the activity page's shared chart cursor reads (static/js/chart-cursor.js):
a json_script the server renders beside the charts, one entry per chart point,
formatted in the athlete's units. The script itself is looked at in a browser."""

import html as html_lib
import json
import re

import pytest
from django.urls import reverse

from analytics.models import ActivityStreams, AthleteSettings
from analytics.streams import display, store
from providers.sports import SportType

from .streams_helpers import ride, session

pytestmark = pytest.mark.django_db

CHART = re.compile(r'<svg data-chart="(\w+)".*?<path d="([^"]*)"', re.S)


def rendered(client, user, sport=SportType.RIDE, data=None, units="metric"):
    AthleteSettings.objects.update_or_create(user=user, defaults={"units": units})
    activity = session(user, "strava")["strava"]
    activity.sport_type = sport
    activity.save()
    store.save(ActivityStreams(activity=activity), data or ride(3600), "strava")
    client.force_login(user)
    page = client.get(reverse("sync:activity", args=[activity.pk])).content.decode()
    found = re.search(
        r'<script id="chart-readout" type="application/json">(.*?)</script>', page
    )
    assert found, "no readout data on the page"
    return page, json.loads(found.group(1))


def path_points(path):
    return [tuple(map(float, step[1:].split(","))) for step in path.split()]


def test_each_chart_has_a_value_for_every_point_it_draws(client, user):
    page, readout = rendered(client, user)
    charts = dict(CHART.findall(page))

    assert set(charts) == {"elevation", "heartrate", "speed", "power"}
    assert set(readout["series"]) == set(charts)
    size = len(readout["x"])
    assert size == len(readout["at"]) > 500  # the low-resolution series
    for key, path in charts.items():
        values, points = readout["series"][key], path_points(path)
        assert len(values) == size
        drawn = [i for i, v in enumerate(values) if v is not None]
        assert len(drawn) == len(points)
        # The readout's x is where the chart drew the point: the cursor lands on it.
        assert [readout["x"][i] for i in drawn] == pytest.approx(
            [p[0] for p in points], abs=0.06
        )


def test_the_readout_speaks_the_athletes_units(client, user):
    _, metric = rendered(client, user)
    assert metric["at"][-1] == "28.80 km"  # an hour at 8 m/s
    assert metric["series"]["heartrate"][0] == "120 bpm"
    assert metric["series"]["speed"][-1] == "28.8 km/h"
    assert metric["series"]["power"][0] == "200 W"
    assert metric["series"]["elevation"][0] == "10 m"


def test_an_imperial_athlete_reads_miles_feet_and_pace_per_mile(client, user):
    _, readout = rendered(client, user, sport=SportType.RUN, units="imperial")
    assert readout["at"][-1] == "17.90 mi"
    assert readout["series"]["elevation"][0] == "33 ft"
    # 8 m/s is 2:05 /km, 3:21 /mi.
    assert readout["series"]["pace"][-1] == "3:21 /mi"


def test_without_distance_the_cursor_reads_time(client, user):
    data = ride(1800)
    data.distance_m = None
    page, readout = rendered(client, user, data=data)
    assert readout["at"][0] == "0:00" and readout["at"][-1] == "30:00"
    assert "over 30 min" in page


def test_a_gap_reads_as_no_value_and_breaks_the_line(client, user):
    data = ride(600)
    data.heartrate_bpm[100:200] = [None] * 100
    page, readout = rendered(client, user, data=data)
    values = readout["series"]["heartrate"]
    assert None in values
    assert dict(CHART.findall(page))["heartrate"].count("M") == 2


def test_chart_context_gathers_every_charts_readout_in_one_place():
    context = display.chart_context(
        {"time_s": [0, 1, 2], "heartrate_bpm": [100, 110, None]}, "run", "metric"
    )
    assert context["readout"] == {
        "x": [4.0, 300.0, 596.0],
        "at": ["0:00", "0:01", "0:02"],
        "series": {"heartrate": ["100 bpm", "110 bpm", None]},
    }
    assert "readout" not in context["charts"][0]


def test_every_script_on_the_page_is_a_file_or_data(client, user):
    page, _ = rendered(client, user)
    for tag in re.findall(r"<script[^>]*>", html_lib.unescape(page)):
        assert "src=" in tag or 'type="application/json"' in tag

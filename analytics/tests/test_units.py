"""Distances, elevations, paces and speeds in metric or imperial units."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from analytics import athlete, units
from analytics.context_processors import units as units_context


@pytest.mark.parametrize(
    ("function", "value", "metric", "imperial"),
    [
        (units.format_distance, 16093.44, "16.09 km", "10.00 mi"),
        (units.format_distance, 0.0, "0.00 km", "0.00 mi"),
        (units.format_elevation, 100.0, "100 m", "328 ft"),
        (units.format_pace, 300, "5:00 /km", "8:03 /mi"),
        (units.format_speed, 10.0, "36.0 km/h", "22.4 mph"),
    ],
)
def test_each_value_in_both_systems(function, value, metric, imperial):
    assert function(value, "metric") == metric
    assert function(value, "imperial") == imperial


@pytest.mark.parametrize(
    "function",
    [
        units.format_distance,
        units.format_elevation,
        units.format_pace,
        units.format_speed,
    ],
)
def test_a_missing_value_is_blank(function):
    assert function(None, "imperial") == ""


def render(request):
    template = Template(
        "{% load units %}{{ d|distance:units }} {{ e|elevation:units }} "
        "{{ p|pace:units }} {{ s|speed:units }}"
    )
    context = Context({"d": 1609.344, "e": 10.0, "p": 240, "s": 5.0})
    context.update(units_context(request))
    return template.render(context)


def test_the_filters_follow_the_athletes_setting(user):
    request = RequestFactory().get("/")
    request.user = user
    assert render(request) == "1.61 km 10 m 4:00 /km 18.0 km/h"
    athlete.update_settings(user.pk, units="imperial")
    request.user = type(user).objects.get(pk=user.pk)  # a new request
    assert render(request) == "1.00 mi 33 ft 6:26 /mi 11.2 mph"


def test_anonymous_visitors_get_metric(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert render(request).startswith("1.61 km")


def test_a_page_that_prints_no_distance_reads_no_units(user, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(0):
        units_context(request)


def test_the_activity_page_shows_the_athletes_units(client, user):
    from datetime import UTC, datetime

    from .load_helpers import stored

    activity = stored(
        user,
        datetime(2026, 3, 1, tzinfo=UTC),
        distance_m=16093.44,
        elevation_gain_m=100.0,
    )
    athlete.update_settings(user.pk, units="imperial")
    client.force_login(user)
    html = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "10.00 mi" in html
    assert "328 ft" in html

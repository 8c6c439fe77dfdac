"""The workout form reads and shows the planned distance and the pace target in the
athlete's units (km or mi), and keeps them in metres and seconds per km."""

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from planning.forms import parse_pace
from sync import display
from sync.models import Workout

from .helpers import plan
from .page_helpers import flashed
from .test_workout_forms import NEW, VALID

PACE_RUN = {"target_type": "pace", "pace_from": "8:00", "pace_to": "8:30/mi"}


@pytest.fixture
def imperial(client, user, monkeypatch):
    # Planning knows units only through sync.display (analytics fills it in).
    monkeypatch.setitem(display._lookup, "units", lambda user_id: "imperial")
    client.force_login(user)
    return client


@pytest.fixture
def metric(client, user):
    client.force_login(user)
    return client


def test_an_imperial_athlete_plans_in_miles_and_minutes_per_mile(imperial, user):
    response = imperial.post(NEW, {**VALID, "planned_distance": "10", **PACE_RUN})
    assert response.status_code == 302
    workout = Workout.objects.get(user=user)
    assert workout.planned_distance_m == pytest.approx(16_093.44)
    # 8:00 and 8:30 per mile are 4:58 and 5:17 per km.
    assert workout.target == {"type": "pace", "min_s_per_km": 298, "max_s_per_km": 317}


def test_the_imperial_edit_form_shows_miles_and_paces_per_mile(imperial, user):
    workout = plan(
        user,
        planned_distance_m=16_093.44,
        target={"type": "pace", "min_s_per_km": 298, "max_s_per_km": 317},
    )
    html = imperial.get(reverse("planning:workout-edit", args=[workout.pk]))
    html = html.content.decode()
    assert "Planned distance (mi)" in html
    assert 'name="planned_distance" value="10"' in html
    assert "Pace from (min:s per mi)" in html
    assert 'name="pace_from" value="8:00"' in html
    assert 'name="pace_to" value="8:30"' in html


def test_saving_the_imperial_form_unchanged_changes_nothing(imperial, user):
    workout = plan(
        user,
        day=date(2026, 5, 5),
        title="Threshold",
        planned_distance_m=19_867.35168,  # 12.345 mi
        target={"type": "pace", "min_s_per_km": 298, "max_s_per_km": 317},
    )
    url = reverse("planning:workout-edit", args=[workout.pk])
    response = imperial.post(url, {**VALID, "planned_distance": "12.345", **PACE_RUN})
    assert flashed(response) == ["Nothing changed."]
    workout.refresh_from_db()
    assert workout.planned_distance_m == pytest.approx(19_867.35168)


def test_a_metric_athlete_still_plans_in_km(metric, user):
    html = metric.get(NEW).content.decode()
    assert "Planned distance (km)" in html
    assert "Pace from (min:s per km)" in html
    metric.post(NEW, {**VALID, "planned_distance": "10", "pace_from": "8:00"})
    assert Workout.objects.get(user=user).planned_distance_m == 10_000


def test_a_pace_that_cannot_be_read_says_per_mile_to_an_imperial_athlete():
    with pytest.raises(forms.ValidationError) as caught:
        parse_pace("fast", "imperial")
    assert caught.value.messages == ["“fast” is not a pace; write 4:30 (per mi)."]
    assert parse_pace("8:00/mi", "imperial") == 298
    assert parse_pace("4:30/km") == 270


def test_an_imperial_athletes_steps_read_in_miles_and_paces_per_mile(imperial, user):
    workout = plan(
        user,
        structure={
            "steps": [
                {
                    "kind": "interval",
                    "distance_m": 1609.344,
                    "target": {
                        "type": "pace",
                        "min_s_per_km": 300,
                        "max_s_per_km": 310,
                    },
                }
            ]
        },
    )
    page = imperial.get(reverse("planning:workout-edit", args=[workout.pk]))
    assert "1mi 8:03-8:19/mi" in page.content.decode()

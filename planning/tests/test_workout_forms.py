from datetime import date, time

import pytest
from django import forms
from django.urls import reverse

from planning.forms import parse_duration
from sync.models import Workout

from .helpers import plan
from .page_helpers import flashed, text

NEW = reverse("planning:workout-new")
VALID = {
    "title": "Threshold",
    "sport_type": "run",
    "scheduled_for": "2026-05-05",
    "scheduled_time": "",
    "planned_duration": "",
    "planned_distance": "",
    "target_type": "",
    "description": "",
    "structure": "",
}


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("1:30:00", 5400),
        ("45:00", 2700),
        ("90min", 5400),
        ("90 min", 5400),
        ("1h30", 5400),
        ("1h 30min", 5400),
        ("1.5h", 5400),
        ("2 hours", 7200),
        ("40s", 40),
        ("90", 5400),
        ("  ", None),
    ],
)
def test_durations_are_read_as_athletes_write_them(typed, seconds):
    assert parse_duration(typed) == seconds


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-10min", "A duration cannot be negative."),
        ("0:00", "A duration must be more than zero."),
        ("an hour", "“an hour” is not a duration; write 1:30:00, 45:00 or 90min."),
        ("1:75", "“1:75” is not a duration"),
        ("10km", "“10km” is not a duration"),
        ("nan", "“nan” is not a duration"),
        ("1e9", "“1e9” is not a duration"),
        ("9" * 400 + "h", "too long for one workout"),
    ],
)
def test_a_duration_that_cannot_be_read_says_how_to_write_it(typed, message):
    with pytest.raises(forms.ValidationError) as caught:
        parse_duration(typed)
    assert message in caught.value.messages[0]


def test_creating_saves_every_value_and_goes_to_its_week(logged_in, user):
    response = logged_in.post(
        NEW,
        {
            **VALID,
            "scheduled_time": "06:30",
            "planned_duration": "1:05:00",
            "planned_distance": "12.35",
            "target_type": "pace",
            "pace_from": "4:30",
            "pace_to": "4:45/km",
            "description": "Flat route",
            "structure": "warmup 15min Z1\n3x 10min Z4 + 2min recovery\ncooldown 2km",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/calendar/?week=2026-W19"
    assert flashed(response) == ["Planned “Threshold”."]
    workout = Workout.objects.get(user=user)
    assert workout.scheduled_for == date(2026, 5, 5)
    assert workout.scheduled_time == time(6, 30)
    assert workout.planned_duration_s == 3900
    assert workout.planned_distance_m == 12_350
    assert workout.target == {"type": "pace", "min_s_per_km": 270, "max_s_per_km": 285}
    assert workout.structure["steps"][1] == {
        "kind": "repeat",
        "count": 3,
        "steps": [
            {
                "kind": "interval",
                "duration_s": 600,
                "target": {"type": "hr_zone", "zone": 4},
            },
            {"kind": "recovery", "duration_s": 120},
        ],
    }


def test_the_plan_is_taken_from_the_steps_when_left_blank(logged_in, user):
    logged_in.post(NEW, {**VALID, "structure": "warmup 10min\n5x 3min Z4 + 2min Z1"})
    assert Workout.objects.get(user=user).planned_duration_s == 600 + 5 * 300


def test_the_new_form_takes_its_date_from_the_calendars_link(logged_in):
    html = logged_in.get(NEW, {"date": "2026-05-07"}).content.decode()
    assert 'name="scheduled_for" value="2026-05-07"' in html
    assert "warmup 10min Z1" in html  # the syntax help beside the steps
    html = logged_in.get(NEW, {"date": "someday"}).content.decode()
    # The footer's language switcher carries the page's address, query and all.
    form = html.split('class="workout-form"')[1].split("</form>")[0]
    assert 'name="scheduled_for" ' in form and "someday" not in form


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "This field is required."),
        ({"scheduled_for": "5 May"}, "scheduled_for", "Enter a valid date."),
        ({"planned_duration": "-20min"}, "planned_duration", "cannot be negative"),
        (
            {"planned_distance": "-5"},
            "planned_distance",
            "The planned distance must be more than zero.",
        ),
        (
            {"structure": "60x 1min Z5 + 1min Z1"},
            "structure",
            "Step 1: repeats must be between 1 and 50.",
        ),
        (
            {"structure": "warmup Z1"},
            "structure",
            "Line 1 (warmup Z1): say how long: a time (3min) or a distance (1km).",
        ),
        (
            {"target_type": "hr_zone"},
            "target_type",
            "Target: the heart-rate zone must be 1 to 5.",
        ),
        (
            {"target_type": "power", "power_from": "300", "power_to": "200"},
            "target_type",
            "Target: the power range runs from low to high.",
        ),
        (
            {"target_type": "pace", "pace_from": "fast"},
            "pace_from",
            "“fast” is not a pace; write 4:30 (per km).",
        ),
    ],
)
def test_a_bad_value_is_shown_on_its_field_and_nothing_is_saved(
    logged_in, user, changes, field, message
):
    response = logged_in.post(NEW, {**VALID, **changes})
    assert response.status_code == 200
    html = response.content.decode()
    errors = html.split(f'id="id_{field}-errors">')[1].split("</div>")[0]
    assert message in text(errors)
    assert "Please correct the fields marked below." in html
    assert not Workout.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_the_edit_form_shows_the_workout_as_it_was_typed(logged_in, user):
    workout = plan(
        user,
        title="Hills",
        planned_duration_s=4500,
        planned_distance_m=12_000,
        target={"type": "hr_zone", "zone": 3},
        structure={"steps": [{"kind": "warmup", "duration_s": 600}]},
    )
    html = logged_in.get(reverse("planning:workout-edit", args=[workout.pk])).content
    html = html.decode()
    assert 'name="planned_duration" value="1:15:00"' in html
    assert 'name="planned_distance" value="12"' in html
    assert '<option value="3" selected>Z3</option>' in html
    assert ">\nwarmup 10min</textarea>" in html


def test_editing_saves_the_change_and_goes_back_to_the_workout(logged_in, user):
    workout = plan(user, title="Old", planned_duration_s=3600)
    url = reverse("planning:workout-edit", args=[workout.pk])
    response = logged_in.post(
        url,
        {
            **VALID,
            "title": "New",
            "scheduled_for": "2026-05-03",
            "planned_duration": "1:00:00",
        },
    )
    assert response["Location"] == reverse("planning:workout", args=[workout.pk])
    assert flashed(response) == ["Saved."]
    workout.refresh_from_db()
    assert (workout.title, workout.planned_duration_s) == ("New", 3600)


def test_editing_without_a_change_changes_nothing(logged_in, user):
    workout = plan(user, title="Same", planned_duration_s=3600)
    before = Workout.objects.get(pk=workout.pk).updated_at
    response = logged_in.post(
        reverse("planning:workout-edit", args=[workout.pk]),
        {
            **VALID,
            "title": "Same",
            "scheduled_for": "2026-05-03",
            "planned_duration": "60:00",
        },
    )
    assert flashed(response) == ["Nothing changed."]
    assert Workout.objects.get(pk=workout.pk).updated_at == before


def test_new_steps_bring_their_own_sums_when_the_sums_were_the_old_steps(
    logged_in, user
):
    workout = plan(user, structure={"steps": [{"kind": "interval", "duration_s": 600}]})
    assert workout.planned_duration_s == 600
    logged_in.post(
        reverse("planning:workout-edit", args=[workout.pk]),
        {
            **VALID,
            "title": "Planned",
            "scheduled_for": "2026-05-03",
            "planned_duration": "10:00",
            "structure": "20min\n10min",
        },
    )
    workout.refresh_from_db()
    assert workout.planned_duration_s == 1800


def test_an_invalid_edit_keeps_the_workout_as_it_was(logged_in, user):
    workout = plan(user, title="Keep me")
    response = logged_in.post(
        reverse("planning:workout-edit", args=[workout.pk]),
        {**VALID, "title": "Changed", "scheduled_for": "2026-05-03", "structure": "5x"},
    )
    assert response.status_code == 200
    assert "a repeat needs at least one step" in response.content.decode()
    workout.refresh_from_db()
    assert workout.title == "Keep me"

"""Create, read, update and delete planned workouts through the JSON API."""

from datetime import date, time

import pytest

from planning import delivery, matching
from planning.models import DeliveryStatus, WorkoutDelivery
from providers.tests.factories import make_connection
from sync.models import Workout, WorkoutStatus

from .api_helpers import STRUCTURE, assert_error, call
from .helpers import DAY, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def before_the_day(monkeypatch):
    """The planned days are still to come, so nothing is skipped behind our back."""
    monkeypatch.setattr(matching, "today", lambda tz, now=None: date(2026, 5, 1))


@pytest.fixture
def sent(monkeypatch):
    """Deliveries sent again, recorded instead of enqueued."""
    calls = []
    monkeypatch.setattr(delivery, "enqueue", lambda d, run_after=None: calls.append(d))
    return calls


def a_delivery(workout, **fields):
    connection = make_connection(workout.user, "garmin")
    values = {"status": DeliveryStatus.SENT, **fields}
    return WorkoutDelivery.objects.create(
        workout=workout,
        user=workout.user,
        connection=connection,
        provider="garmin",
        **values,
    )


def test_create_answers_201_with_every_field(api, user):
    body = {
        "title": "Intervals",
        "sport_type": "ride",
        "scheduled_for": "2026-05-03",
        "scheduled_time": "07:30",
        "planned_distance_m": 30000,
        "description": "Keep the recoveries easy.",
        "target": {"type": "power", "min_w": 200, "max_w": 250},
        "structure": STRUCTURE,
    }
    response = call(api, "post", "/api/workouts", body)
    assert response.status_code == 201, response.content
    workout = Workout.objects.get(user=user)
    assert response.json() == {
        **body,
        "id": workout.pk,
        "planned_duration_s": 600 + 5 * 300 + 300,  # what the steps add up to
        "planned_distance_m": 30000.0,
        "status": "planned",
        "completed_activity_id": None,
        "match_manual": False,
        "deliveries": [],
    }
    assert workout.scheduled_time == time(7, 30)
    assert workout.structure == STRUCTURE


def test_create_needs_only_a_title_and_a_day(api):
    body = {"title": "Easy run", "scheduled_for": "2026-05-03"}
    response = call(api, "post", "/api/workouts", body)
    assert response.status_code == 201
    created = response.json()
    assert created["sport_type"] == "run"
    assert created["scheduled_time"] is None
    assert created["structure"] == created["target"] == {}


def test_create_refuses_broken_rules_naming_each_field_and_saves_nothing(api):
    body = {
        "title": "  ",
        "scheduled_for": "2026-05-03",
        "planned_duration_s": -60,
        "target": {"type": "hr_zone", "zone": 9},
    }
    message = assert_error(
        call(api, "post", "/api/workouts", body), 422, "invalid_workout"
    )
    assert "title: Give the workout a title." in message
    assert "planned_duration_s: The planned duration must be more than zero." in message
    assert "target: Target: the heart-rate zone must be 1 to 5." in message
    assert not Workout.objects.exists()


def test_create_refuses_a_bad_structure_naming_the_step(api):
    structure = {
        "steps": [{"kind": "repeat", "count": 51, "steps": STRUCTURE["steps"]}]
    }
    body = {"title": "Too much", "scheduled_for": "2026-05-03", "structure": structure}
    message = assert_error(
        call(api, "post", "/api/workouts", body), 422, "invalid_workout"
    )
    assert message == "structure: Step 1: repeats must be between 1 and 50."
    assert not Workout.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scheduled_for", "2026-13-01"),
        ("scheduled_time", "7:30"),
        ("scheduled_time", "24:00"),
        ("planned_duration_s", "an hour"),
        ("planned_duration_s", 90.5),
        ("sport_type", "curling"),
        ("structure", "warmup 10min"),
    ],
)
def test_wrong_types_are_validation_errors_naming_the_field(api, field, value):
    body = {"title": "Run", "scheduled_for": "2026-05-03", field: value}
    message = assert_error(
        call(api, "post", "/api/workouts", body), 400, "validation_error"
    )
    assert field in message
    assert not Workout.objects.exists()


def test_read_only_fields_in_the_body_are_ignored(api, user):
    body = {
        "title": "Run",
        "scheduled_for": "2026-05-03",
        "status": "completed",
        "match_manual": True,
    }
    created = call(api, "post", "/api/workouts", body).json()
    assert created["status"] == "planned"
    assert created["match_manual"] is False
    patched = call(api, "patch", f"/api/workouts/{created['id']}", body).json()
    assert patched["status"] == "planned"
    assert Workout.objects.get(user=user).status == WorkoutStatus.PLANNED


def test_get_shows_the_workout_with_its_deliveries(api, user):
    workout = plan(user, title="Long run", structure=STRUCTURE)
    failed = a_delivery(workout, status="failed", error_message="Garmin said no.")
    response = api.get(f"/api/workouts/{workout.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Long run"
    assert body["scheduled_for"] == DAY.isoformat()
    assert body["structure"] == STRUCTURE
    assert body["deliveries"] == [
        {
            "id": failed.pk,
            "provider": "garmin",
            "status": "failed",
            "error_message": "Garmin said no.",
            "sent_at": None,
        }
    ]


def test_patch_changes_only_the_fields_given(api, user):
    workout = plan(user, title="Run", planned_distance_m=10000, description="Flat")
    response = call(api, "patch", f"/api/workouts/{workout.pk}", {"title": "Tempo"})
    assert response.status_code == 200
    assert response.json()["title"] == "Tempo"
    workout.refresh_from_db()
    assert (workout.title, workout.planned_distance_m) == ("Tempo", 10000)
    assert workout.description == "Flat"


def test_patch_with_null_clears_an_optional_field(api, user):
    workout = plan(user, scheduled_time=time(7), planned_distance_m=10000)
    workout.structure = STRUCTURE
    workout.save()
    body = {"scheduled_time": None, "planned_distance_m": None, "structure": None}
    patched = call(api, "patch", f"/api/workouts/{workout.pk}", body).json()
    assert patched["scheduled_time"] is None
    assert patched["planned_distance_m"] is None
    assert patched["structure"] == {}


@pytest.mark.parametrize("field", ["title", "sport_type", "scheduled_for"])
def test_patch_cannot_null_a_required_field(api, user, field):
    workout = plan(user, title="Run")
    response = call(api, "patch", f"/api/workouts/{workout.pk}", {field: None})
    assert field in assert_error(response, 400, "validation_error")
    workout.refresh_from_db()
    assert workout.title == "Run"


def test_patch_refusing_a_value_changes_nothing(api, user):
    workout = plan(user, title="Run", planned_duration_s=3600)
    body = {"title": "Tempo", "planned_duration_s": 0}
    response = call(api, "patch", f"/api/workouts/{workout.pk}", body)
    assert "planned_duration_s" in assert_error(response, 422, "invalid_workout")
    workout.refresh_from_db()
    assert (workout.title, workout.planned_duration_s) == ("Run", 3600)


def test_patch_of_a_sent_workout_sends_it_again(api, user, sent):
    workout = plan(user, structure=STRUCTURE)
    sent_before = a_delivery(workout)
    call(api, "patch", f"/api/workouts/{workout.pk}", {"scheduled_time": "18:00"})
    assert [d.pk for d in sent] == [sent_before.pk]
    body = api.get(f"/api/workouts/{workout.pk}").json()
    assert body["deliveries"][0]["status"] == "pending"


def test_an_empty_patch_saves_nothing_and_sends_nothing_again(api, user, sent):
    workout = plan(user, structure=STRUCTURE)
    a_delivery(workout)
    response = call(api, "patch", f"/api/workouts/{workout.pk}", {})
    assert response.status_code == 200
    assert response.json()["deliveries"][0]["status"] == "sent"
    assert sent == []
    assert Workout.objects.get().updated_at == workout.updated_at


def test_delete_answers_204_and_removes_the_workout(api, user, sent):
    workout = plan(user, structure=STRUCTURE)
    was_sent = a_delivery(workout)
    response = api.delete(f"/api/workouts/{workout.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Workout.objects.exists()
    # The copy on the watch goes too.
    was_sent.refresh_from_db()
    assert was_sent.status == DeliveryStatus.DELETING
    assert [d.pk for d in sent] == [was_sent.pk]

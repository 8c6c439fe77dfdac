"""Who may use the workout routes: the athlete, logged in, on their own workouts."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from planning import matching
from planning.models import WorkoutDelivery
from providers.tests.factories import make_connection
from sync.models import Workout, WorkoutStatus

from .api_helpers import STRUCTURE, assert_error, call
from .helpers import done, plan

pytestmark = pytest.mark.django_db
MORNING = datetime(2026, 5, 3, 7, tzinfo=UTC)

# Every route that names a workout, with a body it would accept.
WORKOUT_ROUTES = [
    ("get", "/api/workouts/{id}", None),
    ("patch", "/api/workouts/{id}", {"title": "Mine now"}),
    ("delete", "/api/workouts/{id}", None),
    ("post", "/api/workouts/{id}/send", {"provider": "garmin"}),
    ("post", "/api/workouts/{id}/match", {"activity_id": None}),
    ("post", "/api/workouts/{id}/match", {"auto": True}),
]
ALL_ROUTES = [
    ("get", "/api/workouts", None),
    ("post", "/api/workouts", {"title": "Run", "scheduled_for": "2026-05-03"}),
    *WORKOUT_ROUTES,
]
WRITES = [route for route in ALL_ROUTES if route[0] != "get"]


@pytest.fixture(autouse=True)
def before_the_day(monkeypatch):
    monkeypatch.setattr(matching, "today", lambda tz, now=None: date(2026, 5, 1))


@pytest.fixture
def theirs(other_user):
    make_connection(other_user, "garmin")
    return plan(other_user, title="Theirs", structure=STRUCTURE)


def assert_untouched(workout):
    fresh = Workout.objects.get(pk=workout.pk)
    assert fresh.title == workout.title
    assert fresh.match_manual is False
    assert fresh.status == WorkoutStatus.PLANNED
    assert not WorkoutDelivery.objects.exists()


@pytest.mark.parametrize(("method", "path", "body"), WORKOUT_ROUTES)
def test_another_athletes_workout_is_not_found(
    client, user, theirs, method, path, body
):
    client.force_login(user)
    response = call(client, method, path.format(id=theirs.pk), body)
    assert assert_error(response, 404, "not_found") == "No such workout."
    assert_untouched(theirs)


@pytest.mark.parametrize(("method", "path", "body"), WORKOUT_ROUTES)
def test_a_workout_that_does_not_exist_is_not_found(client, user, method, path, body):
    client.force_login(user)
    for workout_id in (12345, 99999999999999999999999):
        response = call(client, method, path.format(id=workout_id), body)
        assert_error(response, 404, "not_found")


def test_linking_another_athletes_activity_is_not_found(client, user, other_user):
    client.force_login(user)
    workout = plan(user)
    activity = done(make_connection(other_user, "strava"), 1, MORNING, 3600)
    path = f"/api/workouts/{workout.pk}/match"
    response = call(client, "post", path, {"activity_id": activity.pk})
    assert assert_error(response, 404, "not_found") == "No such activity."
    assert_untouched(workout)


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES)
def test_anonymous_requests_get_401(client, theirs, method, path, body):
    response = call(client, method, path.format(id=theirs.pk), body)
    assert assert_error(response, 401, "not_authenticated")
    assert_untouched(theirs)
    assert Workout.objects.count() == 1


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_writes_need_the_csrf_token(client, user, method, path, body):
    mine = plan(user, title="Mine", structure=STRUCTURE)
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    response = call(client, method, path.format(id=mine.pk), body)
    assert_error(response, 403, "csrf_failed")
    assert_untouched(mine)
    assert Workout.objects.count() == 1


def test_writes_pass_with_the_csrf_token(client, user):
    mine = plan(user, title="Mine")
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    token = client.get(reverse("sync:dashboard")).cookies["csrftoken"].value
    response = call(
        client,
        "patch",
        f"/api/workouts/{mine.pk}",
        {"title": "Renamed"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert Workout.objects.get().title == "Renamed"


def test_the_openapi_schema_documents_the_routes_and_their_schemas(client, db):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/workouts"]) == {"get", "post"}
    assert set(paths["/api/workouts/{workout_id}"]) == {"get", "patch", "delete"}
    assert "post" in paths["/api/workouts/{workout_id}/send"]
    assert "post" in paths["/api/workouts/{workout_id}/match"]
    params = {p["name"] for p in paths["/api/workouts"]["get"]["parameters"]}
    assert params == {"from", "to"}
    send = paths["/api/workouts/{workout_id}/send"]["post"]
    assert set(send["responses"]) >= {"202", "409"}
    schemas = schema["components"]["schemas"]
    assert set(schemas["WorkoutOut"]["properties"]) == {
        "id",
        "title",
        "sport_type",
        "scheduled_for",
        "scheduled_time",
        "planned_duration_s",
        "planned_distance_m",
        "description",
        "target",
        "structure",
        "status",
        "completed_activity_id",
        "match_manual",
        "deliveries",
    }
    assert set(schemas["WorkoutIn"]["required"]) == {"title", "scheduled_for"}
    assert "status" not in schemas["WorkoutIn"]["properties"]
    assert "required" not in schemas["WorkoutPatch"]
    assert set(schemas["DeliveryOut"]["properties"]) == {
        "id",
        "provider",
        "status",
        "error_message",
        "sent_at",
    }
    assert "garmin" in schemas["Provider"]["enum"]

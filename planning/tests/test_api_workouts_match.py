"""POST /api/workouts/{id}/match and /send: deciding by hand, sending to devices."""

from datetime import UTC, date, datetime, timedelta

import pytest

from planning import delivery, matching, services
from planning.models import DeliveryStatus, WorkoutDelivery
from providers.backends.garmin import GarminBackend
from providers.sports import SportType
from providers.tests.factories import make_connection
from sync.models import Workout

from .api_helpers import STRUCTURE, assert_error, call
from .helpers import done, plan

pytestmark = pytest.mark.django_db
MORNING = datetime(2026, 5, 3, 7, tzinfo=UTC)


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def before_the_day(monkeypatch):
    monkeypatch.setattr(matching, "today", lambda tz, now=None: date(2026, 5, 1))


@pytest.fixture
def strava(user):
    return make_connection(user, "strava")


@pytest.fixture
def enqueued(monkeypatch):
    """Deliveries handed to the sender, recorded instead (sending.py is not run)."""
    calls = []
    monkeypatch.setattr(delivery, "enqueue", lambda d, run_after=None: calls.append(d))
    return calls


@pytest.fixture
def garmin_takes_workouts(monkeypatch):
    monkeypatch.setattr(GarminBackend, "accepts_workouts", True, raising=False)
    monkeypatch.setattr(
        GarminBackend, "workout_permission", lambda self, c: None, raising=False
    )


def match(api, workout, body):
    return call(api, "post", f"/api/workouts/{workout.pk}/match", body)


def send(api, workout, provider="garmin"):
    return call(api, "post", f"/api/workouts/{workout.pk}/send", {"provider": provider})


def test_linking_an_activity_completes_the_workout_for_good(api, user, strava):
    workout = plan(user, sport=SportType.RIDE)
    activity = done(strava, 1, MORNING, 3600, SportType.RUN)
    response = match(api, workout, {"activity_id": activity.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed"
    assert body["completed_activity_id"] == activity.pk
    assert body["match_manual"] is True
    # A re-match (a sync of that day) keeps the athlete's decision.
    matching.rematch_days(user.pk, {workout.scheduled_for}, UTC)
    assert Workout.objects.get().completed_activity_id == activity.pk


def test_linking_a_duplicate_copy_links_its_session(api, user, strava):
    workout = plan(user)
    done(strava, 1, MORNING, 3600)
    copy = done(make_connection(user, "garmin"), 2, MORNING, 3590)
    session = services.session_of(copy)
    assert copy.group_id and session.group_id == copy.group_id
    body = match(api, workout, {"activity_id": copy.pk}).json()
    assert body["completed_activity_id"] == session.pk


def test_linking_an_activity_that_does_not_exist_is_not_found(api, user):
    workout = plan(user)
    response = match(api, workout, {"activity_id": 987654})
    assert assert_error(response, 404, "not_found") == "No such activity."
    assert Workout.objects.get().match_manual is False


def test_unlinking_says_no_session_did_it_and_a_resync_keeps_that(api, user, strava):
    activity = done(strava, 1, MORNING, 3600)
    workout = plan(user, planned_duration_s=3600)
    assert workout.completed_activity_id == activity.pk
    body = match(api, workout, {"activity_id": None}).json()
    assert body["completed_activity_id"] is None
    assert body["status"] == "planned"  # its day is still to come
    assert body["match_manual"] is True
    done(strava, 2, MORNING + timedelta(hours=3), 3600)
    assert Workout.objects.get().completed_activity_id is None


def test_auto_gives_the_workout_back_to_matching(api, user, strava):
    activity = done(strava, 1, MORNING, 3600)
    workout = plan(user, planned_duration_s=3600)
    match(api, workout, {"activity_id": None})
    body = match(api, workout, {"auto": True}).json()
    assert body["match_manual"] is False
    assert body["completed_activity_id"] == activity.pk
    assert body["status"] == "completed"


@pytest.mark.parametrize(
    "body", [{}, {"auto": False}, {"auto": True, "activity_id": None}]
)
def test_match_needs_exactly_one_decision(api, user, body):
    workout = plan(user)
    assert_error(match(api, workout, body), 400, "validation_error")
    assert Workout.objects.get().match_manual is False


def test_sending_a_workout_without_steps_is_refused(api, user, enqueued):
    make_connection(user, "garmin")
    workout = plan(user)
    message = assert_error(send(api, workout), 409, "no_structure")
    assert "Add steps" in message
    assert not WorkoutDelivery.objects.exists()
    assert enqueued == []


@pytest.mark.parametrize("provider", ["strava", "wahoo"])
def test_sending_where_no_connection_takes_workouts_is_refused(
    api, user, strava, enqueued, provider
):
    workout = plan(user, structure=STRUCTURE)
    assert_error(send(api, workout, provider), 409, "provider_unavailable")
    assert not WorkoutDelivery.objects.exists()
    assert enqueued == []


def test_sending_to_a_connection_turned_off_is_refused_with_why(
    api, user, enqueued, garmin_takes_workouts
):
    make_connection(user, "garmin", is_active=False)
    workout = plan(user, structure=STRUCTURE)
    message = assert_error(send(api, workout), 409, "provider_not_ready")
    assert message == "Garmin is turned off; turn it on first."
    assert enqueued == []


def test_sending_answers_202_with_the_pending_delivery(
    api, user, enqueued, garmin_takes_workouts
):
    garmin = make_connection(user, "garmin")
    workout = plan(user, structure=STRUCTURE)
    response = send(api, workout)
    assert response.status_code == 202, response.content
    [sent] = WorkoutDelivery.objects.all()
    assert response.json() == {
        "id": sent.pk,
        "provider": "garmin",
        "status": "pending",
        "error_message": "",
        "sent_at": None,
    }
    assert (sent.workout_id, sent.connection_id) == (workout.pk, garmin.pk)
    assert enqueued == [sent]
    shown = call(api, "get", f"/api/workouts/{workout.pk}").json()
    assert [d["status"] for d in shown["deliveries"]] == [DeliveryStatus.PENDING]


def test_sending_again_reuses_the_delivery(api, user, enqueued, garmin_takes_workouts):
    make_connection(user, "garmin")
    workout = plan(user, structure=STRUCTURE)
    first = send(api, workout).json()
    WorkoutDelivery.objects.update(status="failed", error_message="Garmin was down.")
    again = send(api, workout).json()
    assert again["id"] == first["id"]
    assert (again["status"], again["error_message"]) == ("pending", "")
    assert len(enqueued) == 2


def test_an_unknown_provider_is_a_validation_error(api, user, enqueued):
    workout = plan(user, structure=STRUCTURE)
    message = assert_error(send(api, workout, "myspace"), 400, "validation_error")
    assert "provider" in message
    assert not WorkoutDelivery.objects.exists()

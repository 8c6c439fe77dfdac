"""Garmin Training API: planned workouts (providers/backends/garmin_workouts.py)."""

from dataclasses import replace
from datetime import date

import pytest
import responses
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.garmin import GarminBackend
from providers.backends.garmin_workouts import PERMISSION_MISSING
from providers.errors import ReauthRequiredError, TransientProviderError
from providers.sports import SportType
from providers.workouts import WorkoutRefused

from .planned import WORKOUT, Connection

API = "https://apis.garmin.com/training-api"
CREDENTIALS = Credentials(access_token="garmin-token", provider_user_id="g-1")
BEARER = matchers.header_matcher({"Authorization": "Bearer garmin-token"})
STEPS = [
    {
        "type": "WorkoutStep",
        "stepOrder": 1,
        "intensity": "WARMUP",
        "durationType": "TIME",
        "durationValue": 600,
        "targetType": "HEART_RATE",
        "targetValue": 1,
    },
    {
        "type": "WorkoutRepeatStep",
        "stepOrder": 2,
        "repeatType": "REPEAT_UNTIL_STEPS_CMPLT",
        "repeatValue": 5,
        "steps": [
            {
                "type": "WorkoutStep",
                "stepOrder": 3,
                "intensity": "INTERVAL",
                "durationType": "TIME",
                "durationValue": 180,
                "targetType": "POWER",
                "targetValueLow": 200,
                "targetValueHigh": 250,
            },
            {
                "type": "WorkoutStep",
                "stepOrder": 4,
                "intensity": "RECOVERY",
                "durationType": "TIME",
                "durationValue": 120,
                "targetType": "OPEN",
            },
        ],
    },
    {
        "type": "WorkoutStep",
        "stepOrder": 5,
        "intensity": "COOLDOWN",
        "durationType": "DISTANCE",
        "durationValue": 2000.0,
        # 6:00/km to 5:30/km as speed in m/s.
        "targetType": "PACE",
        "targetValueLow": 2.778,
        "targetValueHigh": 3.03,
    },
]
PAYLOAD = {
    "workoutName": "Threshold intervals",
    "sport": "RUNNING",
    "description": "Hills if dry",
    "workoutProvider": "Trainlytics",
    "workoutSourceId": "trainlytics-42",
    "steps": STEPS,
}
SCHEDULE = {"workoutId": 81, "date": "2026-05-03"}


@pytest.fixture
def backend():
    return GarminBackend()


@pytest.fixture
def http(backend):
    return backend.session()


def body(payload):
    return [BEARER, matchers.json_params_matcher(payload, strict_match=True)]


def test_send_posts_the_workout_then_schedules_it_on_its_day(backend, http, rsps):
    rsps.post(f"{API}/workout", json={**PAYLOAD, "workoutId": 81}, match=body(PAYLOAD))
    rsps.post(f"{API}/schedule", json=12, match=body(SCHEDULE))

    external = backend.send_workout(http, CREDENTIALS, WORKOUT)

    assert external == {"workout_id": 81, "schedule_id": 12}
    assert [call.request.method for call in rsps.calls] == ["POST", "POST"]


def test_send_reads_a_schedule_answered_as_an_object(backend, http, rsps):
    rsps.post(f"{API}/workout", json={"workoutId": 81}, match=body(PAYLOAD))
    rsps.post(f"{API}/schedule", json={"workoutScheduleId": 13, **SCHEDULE})

    assert backend.send_workout(http, CREDENTIALS, WORKOUT)["schedule_id"] == 13


def test_a_failed_schedule_removes_the_workout_it_would_orphan(backend, http, rsps):
    rsps.post(f"{API}/workout", json={"workoutId": 81})
    rsps.post(f"{API}/schedule", status=503)
    rsps.delete(f"{API}/workout/81", status=204, match=[BEARER])

    with pytest.raises(TransientProviderError):
        backend.send_workout(http, CREDENTIALS, WORKOUT)
    assert rsps.calls[-1].request.method == "DELETE"


def test_update_puts_the_workout_and_moves_its_schedule(backend, http, rsps):
    moved = replace(WORKOUT, title="Shorter", scheduled_for=date(2026, 5, 4))
    payload = {"workoutId": 81, **PAYLOAD, "workoutName": "Shorter"}
    rsps.put(f"{API}/workout/81", json=payload, match=body(payload))
    rsps.put(
        f"{API}/schedule/12", json={}, match=body({**SCHEDULE, "date": "2026-05-04"})
    )

    external = backend.update_workout(
        http, CREDENTIALS, moved, {"workout_id": 81, "schedule_id": 12}
    )

    assert external == {"workout_id": 81, "schedule_id": 12}


def test_update_of_a_workout_deleted_in_garmin_connect_sends_it_anew(
    backend, http, rsps
):
    rsps.put(f"{API}/workout/81", status=404)
    rsps.post(f"{API}/workout", json={"workoutId": 90}, match=body(PAYLOAD))
    rsps.post(f"{API}/schedule", json=20, match=body({**SCHEDULE, "workoutId": 90}))

    external = backend.update_workout(
        http, CREDENTIALS, WORKOUT, {"workout_id": 81, "schedule_id": 12}
    )

    assert external == {"workout_id": 90, "schedule_id": 20}


def test_delete_removes_the_schedule_before_the_workout(backend, http, rsps):
    rsps.delete(f"{API}/schedule/12", status=204, match=[BEARER])
    rsps.delete(f"{API}/workout/81", status=204, match=[BEARER])

    backend.delete_workout(http, CREDENTIALS, {"workout_id": 81, "schedule_id": 12})

    assert [call.request.url for call in rsps.calls] == [
        f"{API}/schedule/12",
        f"{API}/workout/81",
    ]


def test_delete_of_what_is_already_gone_is_not_an_error(backend, http, rsps):
    rsps.delete(f"{API}/schedule/12", status=404)
    rsps.delete(f"{API}/workout/81", status=404)

    backend.delete_workout(http, CREDENTIALS, {"workout_id": 81, "schedule_id": 12})


def test_a_missing_workout_import_permission_is_refused_in_plain_words(
    backend, http, rsps
):
    rsps.post(f"{API}/workout", status=412, json={"errorMessage": "Permission"})

    with pytest.raises(WorkoutRefused) as refused:
        backend.send_workout(http, CREDENTIALS, WORKOUT)
    assert refused.value.user_message == PERMISSION_MISSING


def test_a_rejected_payload_is_refused_with_garmins_words(backend, http, rsps):
    rsps.post(f"{API}/workout", status=400, json={"errorMessage": "Invalid sport"})

    with pytest.raises(WorkoutRefused) as refused:
        backend.send_workout(http, CREDENTIALS, WORKOUT)
    assert refused.value.user_message == "Garmin refused the workout: Invalid sport"
    assert refused.value.status == 400


def test_a_refused_token_is_reauth_not_a_refusal(backend, http, rsps):
    rsps.post(f"{API}/workout", status=401)

    with pytest.raises(ReauthRequiredError):
        backend.send_workout(http, CREDENTIALS, WORKOUT)


@pytest.mark.parametrize(
    ("sport", "garmin_sport"),
    [
        (SportType.TRAIL_RUN, "RUNNING"),
        (SportType.VIRTUAL_RIDE, "CYCLING"),
        (SportType.SWIM, "LAP_SWIMMING"),
        (SportType.STRENGTH, "STRENGTH_TRAINING"),
        (SportType.HIKE, "GENERIC"),
    ],
)
def test_sports_map_to_training_api_sports(backend, http, rsps, sport, garmin_sport):
    payload = {**PAYLOAD, "sport": garmin_sport}
    rsps.post(f"{API}/workout", json={"workoutId": 81}, match=body(payload))
    rsps.post(f"{API}/schedule", json=12)

    backend.send_workout(http, CREDENTIALS, replace(WORKOUT, sport_type=sport))


def test_the_workout_import_permission_is_what_makes_garmin_ready(backend):
    assert backend.accepts_workouts
    assert backend.workout_permission(Connection("ACTIVITY_EXPORT")) == (
        PERMISSION_MISSING
    )
    ready = Connection("ACTIVITY_EXPORT", "WORKOUT_IMPORT")
    assert backend.workout_permission(ready) is None


@responses.activate
def test_calls_go_to_the_configured_api_host(settings):
    conf = {**settings.PROVIDERS["garmin"], "API_URL": "https://garmin.test/api"}
    backend = GarminBackend(conf)
    responses.delete("https://garmin.test/api/training-api/workout/81", status=204)

    backend.delete_workout(backend.session(), CREDENTIALS, {"workout_id": 81})

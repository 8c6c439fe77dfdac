"""The sandbox's Garmin Training API and Wahoo plans: what they accept and refuse,
and what they keep and show (end to end: test_workouts_end_to_end.py)."""

import base64
import json
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import pytest

from providers.backends.garmin_workouts import workout_payload
from providers.backends.wahoo_workouts import plan_file, plan_form, workout_form
from providers.sandbox.models import ReceivedWorkout
from providers.sports import SportType
from providers.tests.planned import WORKOUT

from .helpers import bearer, issue

pytestmark = [pytest.mark.urls("providers.sandbox.tests.urls"), pytest.mark.django_db]
GARMIN = "/sandbox/garmin/training-api"
WAHOO = "/sandbox/wahoo/v1"
Kind = ReceivedWorkout.Kind
FORM = "application/x-www-form-urlencoded"


def garmin_call(client, method, path, body=None, scopes=("WORKOUT_IMPORT",), athlete=1):
    token = issue("garmin", scopes=scopes, athlete=athlete)
    data = json.dumps(body) if body is not None else ""
    call = getattr(client, method)
    return call(
        f"{GARMIN}/{path}", data, content_type="application/json", **bearer(token)
    )


def wahoo_call(client, method, path, form=None, scopes=None, athlete=1):
    scopes = scopes or ["workouts_read", "plans_write", "workouts_write"]
    token = issue("wahoo", scopes=scopes, athlete=athlete)
    call = getattr(client, method)
    return call(f"{WAHOO}/{path}", urlencode(form or {}), FORM, **bearer(token))


def test_garmin_keeps_a_workout_our_backend_builds_and_answers_its_id(client):
    answer = garmin_call(client, "post", "workout", workout_payload(WORKOUT))

    assert answer.status_code == 200
    row = ReceivedWorkout.objects.get(kind=Kind.GARMIN_WORKOUT)
    assert answer.json()["workoutId"] == row.pk
    assert row.name == "Threshold intervals"
    assert row.payload["steps"][1]["repeatValue"] == 5


def test_garmin_refuses_a_workout_without_the_workout_import_permission(client):
    answer = garmin_call(
        client, "post", "workout", workout_payload(WORKOUT), scopes=["ACTIVITY_EXPORT"]
    )

    assert answer.status_code == 412
    assert not ReceivedWorkout.objects.exists()


def broken(change):
    payload = workout_payload(WORKOUT)
    change(payload)
    return payload


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda p: p.pop("workoutName"), "workoutName is required"),
        (lambda p: p.update(sport="SURFING"), "sport must be one of"),
        (lambda p: p.update(steps=[]), "steps must list at least one step"),
        (lambda p: p["steps"][0].update(intensity="HARD"), "unknown intensity"),
        (lambda p: p["steps"][0].pop("durationValue"), "durationValue"),
        (lambda p: p["steps"][0].update(targetValue=7), "heart-rate zone is 1 to 5"),
        (lambda p: p["steps"][2].update(stepOrder=1), "stepOrder must rise"),
        (lambda p: p["steps"][1].update(repeatType="FOREVER"), "unknown repeatType"),
        (
            lambda p: p["steps"][1]["steps"][0].update(targetValueLow=300),
            "low to high",
        ),
        (lambda p: p.update(workoutSourceId="x" * 21), "at most 20 characters"),
    ],
)
def test_garmin_refuses_what_its_api_would(client, change, words):
    answer = garmin_call(client, "post", "workout", broken(change))

    assert answer.status_code == 400
    assert words in answer.json()["errorMessage"]


def test_garmin_schedules_answer_a_bare_id_and_hold_their_workout(client):
    workout_id = garmin_call(client, "post", "workout", workout_payload(WORKOUT))
    workout_id = workout_id.json()["workoutId"]
    body = {"workoutId": workout_id, "date": "2026-05-03"}

    schedule_id = garmin_call(client, "post", "schedule", body).json()

    assert ReceivedWorkout.objects.get(pk=schedule_id).day == date(2026, 5, 3)
    assert garmin_call(client, "delete", f"workout/{workout_id}").status_code == 424
    assert garmin_call(client, "delete", f"schedule/{schedule_id}").status_code == 204
    assert garmin_call(client, "delete", f"workout/{workout_id}").status_code == 204
    assert not ReceivedWorkout.objects.exists()


def test_garmin_schedules_only_the_athletes_own_workouts(client):
    workout_id = garmin_call(client, "post", "workout", workout_payload(WORKOUT))
    body = {"workoutId": workout_id.json()["workoutId"], "date": "2026-05-03"}

    answer = garmin_call(client, "post", "schedule", body, athlete=2)

    assert answer.status_code == 400
    assert garmin_call(client, "delete", "workout/1", athlete=2).status_code == 404


def test_wahoo_keeps_a_plan_and_the_workout_planned_with_it(client):
    plan = wahoo_call(client, "post", "plans", plan_form(WORKOUT))
    assert plan.status_code == 201
    plan_id = plan.json()["id"]

    answer = wahoo_call(client, "post", "workouts", workout_form(WORKOUT, plan_id))

    assert answer.status_code == 201
    assert answer.json()["plan_id"] == plan_id
    planned = ReceivedWorkout.objects.get(kind=Kind.WAHOO_WORKOUT)
    assert planned.day == date(2026, 5, 3)
    assert ReceivedWorkout.objects.get(pk=plan_id).payload["plan"] == plan_file(WORKOUT)


def test_wahoo_does_not_list_planned_workouts_as_done_ones(client):
    plan_id = wahoo_call(client, "post", "plans", plan_form(WORKOUT)).json()["id"]
    wahoo_call(client, "post", "workouts", workout_form(WORKOUT, plan_id))

    token = issue("wahoo", scopes=["workouts_read"])
    listing = client.get(f"{WAHOO}/workouts", {"per_page": 100}, **bearer(token))

    assert listing.status_code == 200
    listing = listing.json()

    assert all(w["workout_token"] != "trainlytics-42" for w in listing["workouts"])


def plan_with(change):
    form = plan_form(WORKOUT)
    change(form)
    return form


def header_change(**header):
    ride = replace(WORKOUT, sport_type=SportType.RIDE)
    file = plan_file(ride)
    file["header"].update(header)
    return file


def data_uri(file):
    encoded = base64.b64encode(json.dumps(file).encode()).decode()
    return f"data:application/json;base64,{encoded}"


FTP_TARGET = {
    "name": "Sweet spot",
    "exit_trigger_type": "time",
    "exit_trigger_value": 600,
    "targets": [{"type": "ftp", "low": 0.88, "high": 0.94}],
}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda f: f.update({"plan[file]": "plan.json"}), "data URI"),
        (lambda f: f.pop("plan[external_id]"), "plan[external_id] is required"),
        (lambda f: f.update({"plan[provider_updated_at]": "soon"}), "ISO 8601"),
        (
            lambda f: f.update({"plan[file]": data_uri(header_change(description=""))}),
            "header.description is required",
        ),
        (
            lambda f: f.update(
                {"plan[file]": data_uri(header_change(workout_type_family=2))}
            ),
            "workout_type_family",
        ),
        (
            lambda f: f.update(
                {
                    "plan[file]": data_uri(
                        {**plan_file(WORKOUT), "intervals": [FTP_TARGET]}
                    )
                }
            ),
            "needs header.ftp",
        ),
    ],
)
def test_wahoo_refuses_a_plan_its_api_would(client, change, words):
    answer = wahoo_call(client, "post", "plans", plan_with(change))

    assert answer.status_code == 400
    assert words in answer.json()["error"]


def test_wahoo_needs_the_write_scopes(client):
    plans = wahoo_call(
        client, "post", "plans", plan_form(WORKOUT), scopes=["workouts_read"]
    )
    workouts = wahoo_call(
        client, "post", "workouts", workout_form(WORKOUT, 1), scopes=["plans_write"]
    )

    assert (plans.status_code, workouts.status_code) == (403, 403)


def test_wahoo_refuses_a_workout_of_an_unknown_plan_or_missing_minutes(client):
    unknown = wahoo_call(client, "post", "workouts", workout_form(WORKOUT, 999))
    form = workout_form(WORKOUT, 999)
    del form["workout[minutes]"]
    missing = wahoo_call(client, "post", "workouts", form)

    assert unknown.status_code == missing.status_code == 400
    assert "plan_id" in unknown.json()["error"]
    assert "workout[minutes] is required" in missing.json()["error"]


def test_wahoo_updates_and_deletes_plans_and_workouts(client):
    plan_id = wahoo_call(client, "post", "plans", plan_form(WORKOUT)).json()["id"]
    form = workout_form(WORKOUT, plan_id)
    workout_id = wahoo_call(client, "post", "workouts", form).json()["id"]
    renamed = replace(WORKOUT, title="Renamed")

    plan = wahoo_call(client, "put", f"plans/{plan_id}", plan_form(renamed, False))
    moved = wahoo_call(
        client, "put", f"workouts/{workout_id}", {"workout[minutes]": "70"}
    )

    assert plan.json()["name"] == "Renamed"
    assert plan.json()["external_id"] == "trainlytics-42"
    assert moved.json()["minutes"] == 70
    assert wahoo_call(client, "delete", f"plans/{plan_id}").status_code == 204
    assert ReceivedWorkout.objects.get(pk=workout_id).parent is None
    assert wahoo_call(client, "delete", f"workouts/{workout_id}").status_code == 204
    assert wahoo_call(client, "delete", f"plans/{plan_id}").status_code == 404


def test_the_control_page_shows_what_arrived(client):
    garmin_call(client, "post", "workout", workout_payload(WORKOUT))
    wahoo_call(client, "post", "plans", plan_form(WORKOUT))

    page = client.get("/sandbox/").content.decode()

    assert "Planned workouts received" in page
    assert "Garmin workout" in page
    assert "RUNNING, 3 steps" in page
    assert "Wahoo plan" in page

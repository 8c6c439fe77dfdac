"""Wahoo plans and planned workouts (providers/backends/wahoo_workouts.py)."""

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.wahoo import WahooBackend
from providers.backends.wahoo_workouts import SCOPE_MISSING
from providers.errors import TransientProviderError
from providers.sports import SportType
from providers.workouts import WorkoutRefused

from .planned import WORKOUT, Connection

API = "https://api.wahooligan.com/v1"
CREDENTIALS = Credentials(access_token="wahoo-token", provider_user_id="60462")
BEARER = matchers.header_matcher({"Authorization": "Bearer wahoo-token"})
PLAN_FILE = {
    "header": {
        "name": "Threshold intervals",
        "version": "1.0.0",
        "description": "Hills if dry",
        "workout_type_family": 1,
        "workout_type_location": 1,
        "duration_s": 3000,
    },
    "intervals": [
        {
            "name": "Warm-up Z1",
            "exit_trigger_type": "time",
            "exit_trigger_value": 600,
            "intensity_type": "wu",
            "targets": [],
        },
        {
            "name": "5x",
            "exit_trigger_type": "repeat",
            # Wahoo counts the rounds after the first.
            "exit_trigger_value": 4,
            "intervals": [
                {
                    "name": "Interval",
                    "exit_trigger_type": "time",
                    "exit_trigger_value": 180,
                    "intensity_type": "active",
                    "targets": [{"type": "watts", "low": 200, "high": 250}],
                },
                {
                    "name": "Recovery",
                    "exit_trigger_type": "time",
                    "exit_trigger_value": 120,
                    "intensity_type": "recover",
                    "targets": [],
                },
            ],
        },
        {
            "name": "Cool-down",
            "exit_trigger_type": "distance",
            "exit_trigger_value": 2000.0,
            "intensity_type": "cd",
            "targets": [{"type": "speed", "low": 2.778, "high": 3.03}],
        },
    ],
}
UPDATED_AT = "2026-05-01T09:00:00.000Z"
WORKOUT_FORM = {
    "workout[name]": "Threshold intervals",
    "workout[workout_type_id]": "1",
    # 07:30 in Paris (summer time) on 3 May 2026.
    "workout[starts]": "2026-05-03T05:30:00.000Z",
    "workout[minutes]": "50",
    "workout[plan_id]": "5",
    "workout[workout_token]": "trainlytics-42",
}


def plan_form(plan_file=PLAN_FILE, **fields):
    """Matcher on a plan form: plan[file] decoded and compared as JSON, every other
    field exactly."""

    def match(request):
        form = dict(parse_qsl(request.body))
        data_uri = form.pop("plan[file]", "")
        prefix = "data:application/json;base64,"
        if not data_uri.startswith(prefix):
            return False, f"plan[file] is not a JSON data URI: {data_uri[:40]}"
        sent = json.loads(base64.b64decode(data_uri[len(prefix) :]))
        if sent != plan_file:
            return False, f"plan file differs: {sent}"
        if form != fields:
            return False, f"form fields differ: {form}"
        return True, ""

    return [BEARER, match]


def workout_form(**changes):
    return [BEARER, matchers.urlencoded_params_matcher({**WORKOUT_FORM, **changes})]


NEW_PLAN = {
    "plan[filename]": "plan.json",
    "plan[external_id]": "trainlytics-42",
    "plan[provider_updated_at]": UPDATED_AT,
}
PLAN_UPDATE = {"plan[filename]": "plan.json", "plan[provider_updated_at]": UPDATED_AT}


@pytest.fixture
def backend():
    return WahooBackend()


@pytest.fixture
def http(backend):
    return backend.session()


def test_send_uploads_the_plan_then_plans_the_workout_with_it(backend, http, rsps):
    rsps.post(f"{API}/plans", json={"id": 5}, status=201, match=plan_form(**NEW_PLAN))
    rsps.post(f"{API}/workouts", json={"id": 56519}, match=workout_form())

    external = backend.send_workout(http, CREDENTIALS, WORKOUT)

    assert external == {"plan_id": 5, "workout_id": 56519}


def test_a_failed_workout_removes_the_plan_it_would_leave_behind(backend, http, rsps):
    rsps.post(f"{API}/plans", json={"id": 5})
    rsps.post(f"{API}/workouts", status=500)
    rsps.delete(f"{API}/plans/5", status=204, match=[BEARER])

    with pytest.raises(TransientProviderError):
        backend.send_workout(http, CREDENTIALS, WORKOUT)
    assert rsps.calls[-1].request.method == "DELETE"


def test_update_replaces_the_plan_file_and_the_workout(backend, http, rsps):
    later = replace(WORKOUT, planned_duration_s=3600)
    plan_file = {**PLAN_FILE, "header": {**PLAN_FILE["header"], "duration_s": 3600}}
    rsps.put(
        f"{API}/plans/5", json={"id": 5}, match=plan_form(plan_file, **PLAN_UPDATE)
    )
    rsps.put(
        f"{API}/workouts/56519",
        json={"id": 56519},
        match=workout_form(**{"workout[minutes]": "60"}),
    )

    external = backend.update_workout(
        http, CREDENTIALS, later, {"plan_id": 5, "workout_id": 56519}
    )

    assert external == {"plan_id": 5, "workout_id": 56519}


def test_update_of_a_plan_deleted_in_the_wahoo_app_starts_again(backend, http, rsps):
    rsps.put(f"{API}/plans/5", status=404, json={"error": "Not Found"})
    rsps.delete(f"{API}/workouts/56519", status=204)
    rsps.post(f"{API}/plans", json={"id": 6}, match=plan_form(**NEW_PLAN))
    rsps.post(
        f"{API}/workouts",
        json={"id": 60000},
        match=workout_form(**{"workout[plan_id]": "6"}),
    )

    external = backend.update_workout(
        http, CREDENTIALS, WORKOUT, {"plan_id": 5, "workout_id": 56519}
    )

    assert external == {"plan_id": 6, "workout_id": 60000}


def test_delete_removes_the_workout_then_its_plan(backend, http, rsps):
    rsps.delete(f"{API}/workouts/56519", status=204, match=[BEARER])
    rsps.delete(f"{API}/plans/5", status=404)

    backend.delete_workout(http, CREDENTIALS, {"plan_id": 5, "workout_id": 56519})

    assert [call.request.url for call in rsps.calls] == [
        f"{API}/workouts/56519",
        f"{API}/plans/5",
    ]


def test_a_sport_without_a_plan_family_is_refused_before_any_call(backend, http):
    swim = replace(WORKOUT, sport_type=SportType.SWIM)

    with pytest.raises(WorkoutRefused) as refused:
        backend.send_workout(http, CREDENTIALS, swim)
    assert refused.value.user_message == "Wahoo takes planned rides and runs only."
    assert http.calls == 0


def test_an_indoor_ride_is_a_biking_plan_done_indoors(backend, http, rsps):
    ride = replace(WORKOUT, sport_type=SportType.VIRTUAL_RIDE)
    header = {**PLAN_FILE["header"], "workout_type_family": 0}
    header["workout_type_location"] = 0
    rsps.post(
        f"{API}/plans",
        json={"id": 5},
        match=plan_form({**PLAN_FILE, "header": header}, **NEW_PLAN),
    )
    rsps.post(
        f"{API}/workouts",
        json={"id": 7},
        match=workout_form(**{"workout[workout_type_id]": "12"}),
    )

    backend.send_workout(http, CREDENTIALS, ride)


def test_a_grant_without_the_write_scopes_is_refused_in_plain_words(
    backend, http, rsps
):
    rsps.post(f"{API}/plans", status=403, json={"error": "plans_write scope required"})

    with pytest.raises(WorkoutRefused) as refused:
        backend.send_workout(http, CREDENTIALS, WORKOUT)
    assert refused.value.user_message == SCOPE_MISSING


def test_a_rejected_plan_is_refused_with_wahoos_words(backend, http, rsps):
    rsps.post(f"{API}/plans", status=422, json={"error": "Invalid plan file"})

    with pytest.raises(WorkoutRefused) as refused:
        backend.send_workout(http, CREDENTIALS, WORKOUT)
    assert refused.value.user_message == "Wahoo refused the workout: Invalid plan file"


def test_wahoo_is_ready_only_with_both_write_scopes(backend):
    assert backend.accepts_workouts
    assert backend.workout_permission(Connection("workouts_read", "plans_write")) == (
        SCOPE_MISSING
    )
    ready = Connection("workouts_read", "plans_write", "workouts_write")
    assert backend.workout_permission(ready) is None


def test_connecting_asks_for_the_write_scopes(backend):
    url = backend.authorization_url("https://app.example.com/cb/", "s")
    assert "plans_write" in url
    assert "workouts_write" in url


def test_the_listing_skips_workouts_we_planned_that_nobody_did(backend, http, rsps):
    ours = {
        "id": 1,
        "starts": "2026-05-03T05:30:00.000Z",
        "workout_token": "trainlytics-42",
        "workout_summary": None,
    }
    done = {**ours, "id": 2, "workout_summary": {"duration_total_accum": "3000"}}
    theirs = {**ours, "id": 3, "workout_token": "elemnt-9"}
    rsps.get(f"{API}/workouts", json={"workouts": [ours, done, theirs], "total": 3})

    pages = list(backend.iter_activities(http, CREDENTIALS, since=None))

    assert [w["id"] for page in pages for w in page] == [2, 3]


def test_the_plan_is_stamped_with_the_athletes_last_edit(backend, http, rsps):
    edited = replace(WORKOUT, updated_at=datetime(2026, 5, 2, 18, 15, tzinfo=UTC))
    stamp = {**NEW_PLAN, "plan[provider_updated_at]": "2026-05-02T18:15:00.000Z"}
    rsps.post(f"{API}/plans", json={"id": 5}, match=plan_form(**stamp))
    rsps.post(f"{API}/workouts", json={"id": 7})

    backend.send_workout(http, CREDENTIALS, edited)

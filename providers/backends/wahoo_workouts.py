"""Wahoo Cloud API: planned workouts as a plan (the intervals) and a workout (the day).

Sources: cloud-api.wahooligan.com, sections "Create a Plan", "Update a Plan",
"Delete a Plan", "Create a Workout", "Update a Workout", "Delete a Workout" (copies
of its Slate sources are in public repositories: plans/_create.md, _update.md, ...);
the plan file format is Wahoo's "Plan File" description as transcribed in public
clients (TypeScript WAHOO_PLAN_* types with Wahoo's wording, e.g. "repeat used by a
parent interval to determine how many times AFTER the first iteration to repeat").

Calls (Bearer token, form-encoded bodies):
- POST {api}/v1/plans (`plans_write`): plan[file] =
  "data:application/json;base64,<plan file>", plan[filename], plan[external_id]
  (unique), plan[provider_updated_at] -> the plan with its `id`
- POST {api}/v1/workouts (`workouts_write`): workout[name], workout[workout_type_id],
  workout[starts], workout[minutes] (required), workout[workout_token],
  workout[plan_id] -> the workout with its `id`
- PUT /v1/plans/{id} (plan[file], plan[filename], plan[provider_updated_at]);
  PUT /v1/workouts/{id} (the same workout[...] fields, all optional)
- DELETE /v1/workouts/{id}, DELETE /v1/plans/{id} (deleting a plan leaves its
  workouts, unlinked, so the workout goes first)

Plan file: {"header": {"name", "version": "1.0.0", "description",
"workout_type_family" (0 biking, 1 running: the only plan families documented),
"workout_type_location" (0 indoor, 1 outdoor), "duration_s"}, "intervals": [
{"name", "exit_trigger_type": "time" (s) | "distance" (m), "exit_trigger_value",
"intensity_type" (wu, active, recover, rest, cd, ...), "targets": [{"type": "watts"
| "speed" (m/s) | "hr" (bpm) | ..., "low", "high"}]},
{"name", "exit_trigger_type": "repeat", "exit_trigger_value": rounds - 1,
"intervals": [...]}]}. A heart-rate zone has no Wahoo target without the athlete's
bpm, so it is named on the interval ("Interval Z4") and sent without a target.
"""

import base64
import json
import math
from datetime import UTC, datetime

from django.utils.translation import gettext_noop

from ..errors import TransientProviderError, garbled
from ..sports import SPORT_FAMILIES, SportType
from ..workouts import WorkoutCalls, WorkoutRefused, refusals

WRITE_SCOPES = ("plans_write", "workouts_write")
SCOPE_MISSING = gettext_noop(
    "Reconnect Wahoo and allow Trainlytics to add plans and workouts, then send "
    "the workout again."
)
RIDES_AND_RUNS_ONLY = gettext_noop("Wahoo takes planned rides and runs only.")
FAMILIES = {
    **dict.fromkeys(SPORT_FAMILIES["ride"], 0),
    **dict.fromkeys(SPORT_FAMILIES["run"], 1),
}
# workout_type_id, as the listing's SPORTS table reads them (wahoo.py).
WORKOUT_TYPES = {
    SportType.RIDE: 0,
    SportType.RUN: 1,
    SportType.TRAIL_RUN: 4,
    SportType.TREADMILL_RUN: 5,
    SportType.GRAVEL_RIDE: 11,
    SportType.VIRTUAL_RIDE: 12,
    SportType.MOUNTAIN_BIKE_RIDE: 13,
    SportType.EBIKE_RIDE: 64,
}
INDOOR = {SportType.VIRTUAL_RIDE, SportType.TREADMILL_RUN}
INTENSITIES = {
    "warmup": "wu",
    "interval": "active",
    "recovery": "recover",
    "rest": "rest",
    "cooldown": "cd",
}
NAMES = {
    "warmup": "Warm-up",
    "interval": "Interval",
    "recovery": "Recovery",
    "rest": "Rest",
    "cooldown": "Cool-down",
}


def wahoo_time(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def plan_file(workout):
    """Wahoo's plan file (a dict) for a PlannedWorkout of a family it takes."""
    header = {
        "name": workout.title,
        "version": "1.0.0",
        # Public clients report Wahoo's validator refuses a plan without one.
        "description": workout.description or workout.title,
        "workout_type_family": FAMILIES[workout.sport_type],
        "workout_type_location": 0 if workout.sport_type in INDOOR else 1,
    }
    if workout.total_seconds():
        header["duration_s"] = workout.total_seconds()
    steps = workout.structure.get("steps", ())
    return {"header": header, "intervals": [_interval(step) for step in steps]}


def _interval(step):
    if step["kind"] == "repeat":
        return {
            "name": f"{step['count']}x",
            "exit_trigger_type": "repeat",
            "exit_trigger_value": step["count"] - 1,
            "intervals": [_interval(child) for child in step["steps"]],
        }
    if "duration_s" in step:
        trigger = ("time", step["duration_s"])
    else:
        trigger = ("distance", step["distance_m"])
    target = step.get("target") or {}
    name = NAMES[step["kind"]]
    if target.get("type") == "hr_zone":
        name = f"{name} Z{target['zone']}"
    return {
        "name": name,
        "exit_trigger_type": trigger[0],
        "exit_trigger_value": trigger[1],
        "intensity_type": INTENSITIES[step["kind"]],
        "targets": targets(target),
    }


def targets(target):
    if target.get("type") == "power":
        return [{"type": "watts", "low": target["min_w"], "high": target["max_w"]}]
    if target.get("type") == "pace":
        # Speed in m/s: the slower end (more s/km) is the lower speed.
        low = round(1000 / target["max_s_per_km"], 3)
        return [
            {
                "type": "speed",
                "low": low,
                "high": round(1000 / target["min_s_per_km"], 3),
            }
        ]
    return []


def plan_form(workout, create=True):
    encoded = base64.b64encode(
        json.dumps(plan_file(workout), separators=(",", ":")).encode()
    ).decode()
    form = {
        "plan[file]": f"data:application/json;base64,{encoded}",
        "plan[filename]": "plan.json",
    }
    if create:
        form["plan[external_id]"] = workout.reference
    updated = workout.updated_at or datetime.now(UTC)
    form["plan[provider_updated_at]"] = wahoo_time(updated)
    return form


def workout_form(workout, plan_id):
    form = {
        "workout[name]": workout.title,
        "workout[workout_type_id]": str(WORKOUT_TYPES.get(workout.sport_type, 0)),
        "workout[starts]": wahoo_time(workout.starts()),
        "workout[minutes]": str(math.ceil(workout.total_seconds() / 60)),
        "workout[plan_id]": str(plan_id),
    }
    if workout.reference:
        form["workout[workout_token]"] = workout.reference
    return form


def _id_from(body):
    value = body.get("id") if isinstance(body, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise TransientProviderError(
            "wahoo: plan or workout answer without an id",
            user_message=garbled("Wahoo"),
        )
    return value


def _check_sport(workout):
    if workout.sport_type not in FAMILIES:
        raise WorkoutRefused(
            f"wahoo: no plan family for sport {workout.sport_type}",
            user_message=RIDES_AND_RUNS_ONLY,
        )


class WahooPlansApi(WorkoutCalls):
    """The plans/workouts half of WahooBackend (accepts_workouts)."""

    accepts_workouts = True
    workout_path = "v1"
    workout_body = "data"

    def workout_permission(self, connection):
        granted = set(connection.scopes or [])
        return None if granted.issuperset(WRITE_SCOPES) else SCOPE_MISSING

    def send_workout(self, http, credentials, workout):
        _check_sport(workout)
        with refusals("Wahoo", {403: SCOPE_MISSING}):
            plan = self._api(http, "POST", "plans", credentials, plan_form(workout))
            plan_id = _id_from(plan)
            try:
                workout_id = self._add_workout(http, credentials, workout, plan_id)
            except Exception:
                # A plan with no workout is clutter in the athlete's library.
                self._delete_quietly(http, credentials, f"plans/{plan_id}")
                raise
        return {"plan_id": plan_id, "workout_id": workout_id}

    def update_workout(self, http, credentials, workout, external):
        _check_sport(workout)
        plan_id, workout_id = external.get("plan_id"), external.get("workout_id")
        if not plan_id:
            return self.send_workout(http, credentials, workout)
        with refusals("Wahoo", {403: SCOPE_MISSING}):
            form = plan_form(workout, create=False)
            if self._api(http, "PUT", f"plans/{plan_id}", credentials, form) is None:
                # Deleted in the Wahoo app: start again with a new plan.
                if workout_id:
                    self._delete_quietly(http, credentials, f"workouts/{workout_id}")
                return self.send_workout(http, credentials, workout)
            moved = None
            if workout_id:
                form = workout_form(workout, plan_id)
                path = f"workouts/{workout_id}"
                moved = self._api(http, "PUT", path, credentials, form)
            if moved is None:
                workout_id = self._add_workout(http, credentials, workout, plan_id)
        return {"plan_id": plan_id, "workout_id": workout_id}

    def delete_workout(self, http, credentials, external):
        with refusals("Wahoo", {403: SCOPE_MISSING}):
            if external.get("workout_id"):
                path = f"workouts/{external['workout_id']}"
                self._api(http, "DELETE", path, credentials)
            if external.get("plan_id"):
                self._api(http, "DELETE", f"plans/{external['plan_id']}", credentials)

    def _add_workout(self, http, credentials, workout, plan_id):
        form = workout_form(workout, plan_id)
        return _id_from(self._api(http, "POST", "workouts", credentials, form))

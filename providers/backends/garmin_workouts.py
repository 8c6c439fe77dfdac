"""Garmin Connect Training API: planned workouts onto the athlete's calendar.

Sources. The spec is partner-gated ("Garmin Connect Developer Program Training API"
1.0.0 and "Training REST API Specification" 2.0.2, developerportal.garmin.com; public
copies at scribd.com/document/794187143 and /593850654). The field names and enums
below are those of public copies of its field tables (a "Garmin Training API V2
Documentation" summary and TypeScript/pydantic models of it, found by code search),
cross-checked with integrations that post to these paths (e.g. GooseAPI's
PlannedWorkoutController, a TypeScript garminWorkoutDelivery client), Terra's note
on Garmin planned workouts (docs.tryterra.co, "garmin-planned-workout-lifecycle":
delete the schedule before the workout, else 424) and clmntlts/StravaCallback#8.

Calls (Bearer token, JSON bodies):
- POST {api}/training-api/workout -> the workout with its `workoutId`
- POST {api}/training-api/schedule {"workoutId": 81, "date": "2026-05-03"} -> the
  schedule id (a bare number; an object's `workoutScheduleId` is read too)
- PUT /training-api/workout/{workoutId} (the same body plus workoutId),
  PUT /training-api/schedule/{workoutScheduleId} (workoutId, date)
- DELETE /training-api/schedule/{id}, then DELETE /training-api/workout/{id}
- 412 = "User Permission error": WORKOUT_IMPORT not granted (GET
  /wellness-api/rest/user/permissions, stored as the connection's scopes at connect
  and on userPermissionsChange pushes).

Workout: {"workoutName", "description" (<= 1024), "sport" (RUNNING, CYCLING,
LAP_SWIMMING, STRENGTH_TRAINING, CARDIO_TRAINING, GENERIC, YOGA, PILATES;
MULTI_SPORT needs V2 segments and is not sent), "workoutProvider" and
"workoutSourceId" (<= 20 chars each), "steps": [...]}. Steps:
- {"type": "WorkoutStep", "stepOrder", "intensity" (WARMUP, INTERVAL, RECOVERY,
  REST, COOLDOWN, ACTIVE, MAIN), "durationType" (TIME in s, DISTANCE in m, OPEN...),
  "durationValue", "targetType" (HEART_RATE with "targetValue" = zone 1-5; POWER or
  PACE, PACE as speed in m/s, with "targetValueLow"/"targetValueHigh"; OPEN)}
- {"type": "WorkoutRepeatStep", "stepOrder", "repeatType":
  "REPEAT_UNTIL_STEPS_CMPLT", "repeatValue": rounds, "steps": [...]}
stepOrder counts every step, a repeat before its children. At most 100 steps.
The V2 API (POST /workoutportal/workout/v2) wraps the same steps in "segments"; the
V1 paths above are the ones this backend uses.
"""

import json
from itertools import count

from django.utils.translation import gettext_noop

from ..errors import TransientProviderError, garbled
from ..sports import SPORT_FAMILIES, SportType
from ..workouts import WorkoutCalls, refusals

WORKOUT_IMPORT = "WORKOUT_IMPORT"
PERMISSION_MISSING = gettext_noop(
    "Allow 'Workout import' for Trainlytics in Garmin Connect, then reconnect."
)
PROVIDER_NAME = "Trainlytics"
SPORTS = {
    **dict.fromkeys(SPORT_FAMILIES["run"], "RUNNING"),
    **dict.fromkeys(SPORT_FAMILIES["ride"], "CYCLING"),
    SportType.SWIM: "LAP_SWIMMING",
    SportType.STRENGTH: "STRENGTH_TRAINING",
    SportType.HIIT: "CARDIO_TRAINING",
    SportType.WORKOUT: "CARDIO_TRAINING",
    SportType.ELLIPTICAL: "CARDIO_TRAINING",
    SportType.INDOOR_ROWING: "CARDIO_TRAINING",
    SportType.YOGA: "YOGA",
}
INTENSITIES = {
    "warmup": "WARMUP",
    "interval": "INTERVAL",
    "recovery": "RECOVERY",
    "rest": "REST",
    "cooldown": "COOLDOWN",
}


def workout_payload(workout, workout_id=None):
    """The Training API workout for a PlannedWorkout (PUT carries its id)."""
    payload = {
        "workoutName": workout.title,
        "sport": SPORTS.get(workout.sport_type, "GENERIC"),
    }
    if workout_id is not None:
        payload = {"workoutId": workout_id, **payload}
    if workout.description:
        payload["description"] = workout.description[:1024]
    payload["workoutProvider"] = PROVIDER_NAME
    if workout.reference:
        payload["workoutSourceId"] = workout.reference[:20]
    payload["steps"] = steps_payload(workout.structure)
    return payload


def steps_payload(structure):
    order = count(1)
    steps = []
    for step in structure.get("steps", ()):
        if step["kind"] != "repeat":
            steps.append(_step(step, next(order)))
            continue
        repeat = {
            "type": "WorkoutRepeatStep",
            "stepOrder": next(order),
            "repeatType": "REPEAT_UNTIL_STEPS_CMPLT",
            "repeatValue": step["count"],
        }
        repeat["steps"] = [_step(child, next(order)) for child in step["steps"]]
        steps.append(repeat)
    return steps


def _step(step, order):
    payload = {
        "type": "WorkoutStep",
        "stepOrder": order,
        "intensity": INTENSITIES[step["kind"]],
    }
    if "duration_s" in step:
        payload.update(durationType="TIME", durationValue=step["duration_s"])
    else:
        payload.update(durationType="DISTANCE", durationValue=step["distance_m"])
    payload.update(target_fields(step.get("target")))
    return payload


def target_fields(target):
    if not target:
        return {"targetType": "OPEN"}
    if target["type"] == "hr_zone":
        return {"targetType": "HEART_RATE", "targetValue": target["zone"]}
    if target["type"] == "power":
        return {
            "targetType": "POWER",
            "targetValueLow": target["min_w"],
            "targetValueHigh": target["max_w"],
        }
    # Pace goes as speed in m/s; the slower end (more s/km) is the lower speed.
    return {
        "targetType": "PACE",
        "targetValueLow": round(1000 / target["max_s_per_km"], 3),
        "targetValueHigh": round(1000 / target["min_s_per_km"], 3),
    }


def schedule_payload(workout_id, workout):
    return {"workoutId": workout_id, "date": workout.scheduled_for.isoformat()}


def _id_from(body, key):
    value = body.get(key) if isinstance(body, dict) else body
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise TransientProviderError(
            f"garmin: training answer without {key}",
            user_message=garbled("Garmin"),
        )
    return value


def _words(exc):
    """Garmin's own words from a refusal's body ({"errorMessage": ...})."""
    try:
        body = json.loads(exc.provider_message)
    except (TypeError, ValueError):
        return exc.provider_message or f"HTTP {exc.status}"
    if isinstance(body, dict):
        for key in ("errorMessage", "message", "error"):
            if isinstance(body.get(key), str):
                return body[key]
    return exc.provider_message


class GarminTrainingApi(WorkoutCalls):
    """The Training API half of GarminBackend (accepts_workouts)."""

    accepts_workouts = True
    workout_path = "training-api"

    def workout_permission(self, connection):
        if WORKOUT_IMPORT in (connection.scopes or []):
            return None
        return PERMISSION_MISSING

    def send_workout(self, http, credentials, workout):
        with refusals("Garmin", {412: PERMISSION_MISSING}, _words):
            body = self._api(
                http, "POST", "workout", credentials, workout_payload(workout)
            )
            workout_id = _id_from(body, "workoutId")
            try:
                schedule_id = self._schedule(http, credentials, workout_id, workout)
            except Exception:
                # An unscheduled copy would be orphaned by the retry's new one.
                self._delete_quietly(http, credentials, f"workout/{workout_id}")
                raise
        return {"workout_id": workout_id, "schedule_id": schedule_id}

    def update_workout(self, http, credentials, workout, external):
        workout_id = external.get("workout_id")
        if not workout_id:
            return self.send_workout(http, credentials, workout)
        with refusals("Garmin", {412: PERMISSION_MISSING}, _words):
            payload = workout_payload(workout, workout_id)
            path = f"workout/{workout_id}"
            if self._api(http, "PUT", path, credentials, payload) is None:
                # Deleted in Garmin Connect: its schedule went with it.
                return self.send_workout(http, credentials, workout)
            schedule_id = external.get("schedule_id")
            moved = None
            if schedule_id:
                path = f"schedule/{schedule_id}"
                moved = self._api(
                    http,
                    "PUT",
                    path,
                    credentials,
                    schedule_payload(workout_id, workout),
                )
            if moved is None:
                schedule_id = self._schedule(http, credentials, workout_id, workout)
        return {"workout_id": workout_id, "schedule_id": schedule_id}

    def delete_workout(self, http, credentials, external):
        with refusals("Garmin", {412: PERMISSION_MISSING}, _words):
            if external.get("schedule_id"):
                path = f"schedule/{external['schedule_id']}"
                self._api(http, "DELETE", path, credentials)
            if external.get("workout_id"):
                path = f"workout/{external['workout_id']}"
                self._api(http, "DELETE", path, credentials)

    def _schedule(self, http, credentials, workout_id, workout):
        payload = schedule_payload(workout_id, workout)
        body = self._api(http, "POST", "schedule", credentials, payload)
        return _id_from(body, "workoutScheduleId")

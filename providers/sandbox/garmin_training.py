"""Sandbox Garmin Training API: workouts and their schedules.

Shapes and sources are in providers/backends/garmin_workouts.py. This checks what
Garmin documents: WORKOUT_IMPORT granted (412 "User Permission error" otherwise); a
workoutName; a known sport; 1 to 100 steps of the documented types, each with a
stepOrder that rises through the workout, a known intensity, durationType and
targetType, and the values they need; a schedule names one of the athlete's
workouts and a YYYY-MM-DD date. A workout still scheduled cannot be deleted (424,
as Terra's notes report). Ids are ReceivedWorkout pks; /sandbox/ lists them.
"""

import json
import re
from datetime import date

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .base import api_view
from .garmin import INVALID_TOKEN, SLUG
from .models import ReceivedWorkout

Kind = ReceivedWorkout.Kind
# fmt: off
SPORTS = {
    "RUNNING", "CYCLING", "LAP_SWIMMING", "STRENGTH_TRAINING", "CARDIO_TRAINING",
    "GENERIC", "YOGA", "PILATES",
}
INTENSITIES = {"REST", "WARMUP", "COOLDOWN", "RECOVERY", "INTERVAL", "ACTIVE", "MAIN"}
DURATIONS = {
    "TIME", "DISTANCE", "HR_LESS_THAN", "HR_GREATER_THAN", "CALORIES", "OPEN",
    "POWER_LESS_THAN", "POWER_GREATER_THAN", "TIME_AT_VALID_CDA", "FIXED_REST",
    "REPS",
}
TARGETS = {
    "SPEED", "HEART_RATE", "CADENCE", "POWER", "GRADE",
    "RESISTANCE", "POWER_3S", "POWER_10S", "POWER_30S", "POWER_LAP",
    "SPEED_LAP", "HEART_RATE_LAP", "OPEN", "PACE",
}
REPEATS = {
    "REPEAT_UNTIL_STEPS_CMPLT", "REPEAT_UNTIL_TIME",
    "REPEAT_UNTIL_DISTANCE", "REPEAT_UNTIL_CALORIES",
    "REPEAT_UNTIL_HR_LESS_THAN", "REPEAT_UNTIL_HR_GREATER_THAN",
    "REPEAT_UNTIL_POWER_LESS_THAN", "REPEAT_UNTIL_POWER_GREATER_THAN",
    "REPEAT_UNTIL_POWER_LAST_LAP_LESS_THAN",
    "REPEAT_UNTIL_MAX_POWER_LAST_LAP_LESS_THAN",
}
# fmt: on
MAX_STEPS = 100
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Invalid(Exception):
    """What Garmin would answer 400 for; the message says which field."""


def _positive(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def check_workout(body):
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON workout")
    name = body.get("workoutName")
    if not isinstance(name, str) or not name.strip():
        raise Invalid("workoutName is required")
    if body.get("sport") not in SPORTS:
        raise Invalid(f"sport must be one of {', '.join(sorted(SPORTS))}")
    for key, longest in (
        ("description", 1024),
        ("workoutProvider", 20),
        ("workoutSourceId", 20),
    ):
        value = body.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > longest):
            raise Invalid(f"{key} must be text of at most {longest} characters")
    steps = body.get("steps")
    if not isinstance(steps, list) or not steps:
        raise Invalid("steps must list at least one step")
    orders = []
    for number, step in enumerate(steps, 1):
        _check_step(step, f"steps[{number}]", orders)
    if len(orders) > MAX_STEPS:
        raise Invalid(f"a workout has at most {MAX_STEPS} steps")
    if orders != sorted(set(orders)):
        raise Invalid("stepOrder must rise through the workout, each used once")


def _check_step(step, where, orders):
    if not isinstance(step, dict):
        raise Invalid(f"{where} is not a step")
    order = step.get("stepOrder")
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise Invalid(f"{where}: stepOrder must be a positive whole number")
    orders.append(order)
    if step.get("type") == "WorkoutRepeatStep":
        if step.get("repeatType") not in REPEATS:
            raise Invalid(f"{where}: unknown repeatType")
        if not _positive(step.get("repeatValue")):
            raise Invalid(f"{where}: repeatValue must be more than zero")
        inner = step.get("steps")
        if not isinstance(inner, list) or not inner:
            raise Invalid(f"{where}: a repeat needs steps")
        for number, child in enumerate(inner, 1):
            _check_step(child, f"{where}.steps[{number}]", orders)
        return
    if step.get("type") != "WorkoutStep":
        raise Invalid(f"{where}: type must be WorkoutStep or WorkoutRepeatStep")
    if step.get("intensity") not in INTENSITIES:
        raise Invalid(f"{where}: unknown intensity")
    if step.get("durationType") not in DURATIONS:
        raise Invalid(f"{where}: unknown durationType")
    if step["durationType"] != "OPEN" and not _positive(step.get("durationValue")):
        raise Invalid(f"{where}: durationValue must be more than zero")
    _check_target(step, where)


def _check_target(step, where):
    kind = step.get("targetType")
    if kind in (None, "OPEN"):
        return
    if kind not in TARGETS:
        raise Invalid(f"{where}: unknown targetType")
    if step.get("targetValue") is not None:
        zone = step["targetValue"]
        if kind == "HEART_RATE" and zone not in (1, 2, 3, 4, 5):
            raise Invalid(f"{where}: a heart-rate zone is 1 to 5")
        return
    low, high = step.get("targetValueLow"), step.get("targetValueHigh")
    if not (_positive(low) and _positive(high)) or low > high:
        raise Invalid(f"{where}: targetValueLow and targetValueHigh, low to high")


def check_schedule(body, athlete):
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON schedule")
    workout = _owned(athlete, Kind.GARMIN_WORKOUT, body.get("workoutId"))
    if workout is None:
        raise Invalid("workoutId is not one of this user's workouts")
    day = body.get("date")
    try:
        if not isinstance(day, str) or not DAY.match(day):
            raise ValueError
        return workout, date.fromisoformat(day)
    except ValueError:
        raise Invalid("date must be YYYY-mm-dd") from None


def _owned(athlete, kind, pk):
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return ReceivedWorkout.objects.filter(
        kind=kind, athlete_id=athlete.id, pk=pk
    ).first()


def _bad(message, status=400):
    return JsonResponse({"errorMessage": message}, status=status)


def training_view(methods):
    """A Training API view: the token and fault checks (api_view), the HTTP method,
    WORKOUT_IMPORT, a JSON body for writes and Invalid as a 400."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(methods)
        @api_view(SLUG, refused_status=INVALID_TOKEN)
        def wrapper(request, athlete, grant, *args, **kwargs):
            if "WORKOUT_IMPORT" not in grant["s"]:
                return _bad("User Permission error: WORKOUT_IMPORT not granted", 412)
            body = None
            if request.method in ("POST", "PUT"):
                try:
                    body = json.loads(request.body or b"null")
                except ValueError:
                    return _bad("the body is not JSON")
            try:
                return view(request, athlete, body, *args, **kwargs)
            except Invalid as exc:
                return _bad(str(exc))

        return wrapper

    return decorate


def _workout_json(row):
    return {**row.payload, "workoutId": row.pk, "ownerId": 9_000_000 + row.athlete_id}


@training_view(["POST"])
def workouts(request, athlete, body):
    check_workout(body)
    row = ReceivedWorkout.objects.create(
        kind=Kind.GARMIN_WORKOUT,
        athlete_id=athlete.id,
        name=body["workoutName"],
        payload=body,
    )
    return JsonResponse(_workout_json(row))


@training_view(["GET", "PUT", "DELETE"])
def workout(request, athlete, body, workout_id):
    row = _owned(athlete, Kind.GARMIN_WORKOUT, workout_id)
    if row is None:
        return _bad("no such workout", 404)
    if request.method == "DELETE":
        if ReceivedWorkout.objects.filter(kind=Kind.GARMIN_SCHEDULE, parent=row):
            return _bad("the workout is scheduled: delete its schedules first", 424)
        row.delete()
        return HttpResponse(status=204)
    if request.method == "PUT":
        check_workout(body)
        if body.get("workoutId", workout_id) != workout_id:
            raise Invalid("workoutId does not match the address")
        row.name, row.payload = body["workoutName"], body
        row.save()
    return JsonResponse(_workout_json(row))


def _schedule_json(row):
    return {"workoutScheduleId": row.pk, **row.payload}


@training_view(["POST"])
def schedules(request, athlete, body):
    workout_row, day = check_schedule(body, athlete)
    row = ReceivedWorkout.objects.create(
        kind=Kind.GARMIN_SCHEDULE,
        athlete_id=athlete.id,
        name=workout_row.name,
        day=day,
        payload=body,
        parent=workout_row,
    )
    return JsonResponse(row.pk, safe=False)


@training_view(["GET", "PUT", "DELETE"])
def schedule(request, athlete, body, schedule_id):
    row = _owned(athlete, Kind.GARMIN_SCHEDULE, schedule_id)
    if row is None:
        return _bad("no such schedule", 404)
    if request.method == "DELETE":
        row.delete()
        return HttpResponse(status=204)
    if request.method == "PUT":
        workout_row, day = check_schedule(body, athlete)
        row.parent, row.name, row.day, row.payload = (
            workout_row,
            workout_row.name,
            day,
            body,
        )
        row.save()
    return JsonResponse(_schedule_json(row))


urlpatterns = [
    path("training-api/workout", workouts, name="garmin-training-workouts"),
    path(
        "training-api/workout/<int:workout_id>",
        workout,
        name="garmin-training-workout",
    ),
    path("training-api/schedule", schedules, name="garmin-training-schedules"),
    path(
        "training-api/schedule/<int:schedule_id>",
        schedule,
        name="garmin-training-schedule",
    ),
]

"""Sandbox Wahoo plans and planned workouts.

Shapes and sources are in providers/backends/wahoo_workouts.py. This checks what
Wahoo documents: `plans_write` / `workouts_write` granted (403 otherwise); a plan's
required form fields and its file (wahoo_plan_file.py); a workout's required
fields, a known workout_type_id and a plan of the same athlete. Planned workouts
are kept apart from the completed ones GET /v1/workouts lists. Ids are
ReceivedWorkout pks; /sandbox/ lists them.
"""

from datetime import datetime

from django.http import HttpResponse, JsonResponse, QueryDict
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import wahoo
from .base import api_view
from .models import ReceivedWorkout
from .wahoo_plan_file import Invalid, checked_number, read_plan_file

Kind = ReceivedWorkout.Kind
WORKOUT_TYPES = {*range(48), 49, 56, *range(61, 72), 255}


def _time(params, key):
    try:
        return datetime.fromisoformat(params[key])
    except (KeyError, TypeError, ValueError):
        raise Invalid(f"{key} must be a date and time (ISO 8601)") from None


def check_workout(params, athlete, partial=False):
    """The workout's fields from a form (all required unless `partial`)."""
    fields = {}
    for key in ("name", "workout_type_id", "starts", "minutes"):
        if f"workout[{key}]" not in params and not partial:
            raise Invalid(f"workout[{key}] is required")
    if "workout[name]" in params:
        fields["name"] = params["workout[name]"].strip()
        if not fields["name"]:
            raise Invalid("workout[name] is required")
    if "workout[workout_type_id]" in params:
        fields["workout_type_id"] = _int(params, "workout[workout_type_id]")
        if fields["workout_type_id"] not in WORKOUT_TYPES:
            raise Invalid("workout[workout_type_id] is not a Wahoo workout type")
    if "workout[starts]" in params:
        fields["starts"] = _time(params, "workout[starts]")
    if "workout[minutes]" in params:
        minutes = _int(params, "workout[minutes]")
        fields["minutes"] = checked_number(minutes, "workout[minutes]", allow_zero=True)
    if "workout[workout_token]" in params:
        fields["workout_token"] = params["workout[workout_token]"]
    if params.get("workout[plan_id]"):
        plan = _owned(athlete, Kind.WAHOO_PLAN, _int(params, "workout[plan_id]"))
        if plan is None:
            raise Invalid("workout[plan_id] is not one of this user's plans")
        fields["plan"] = plan
    return fields


def _int(params, key):
    try:
        return int(params[key])
    except (TypeError, ValueError):
        raise Invalid(f"{key} must be a whole number") from None


def _owned(athlete, kind, pk):
    return ReceivedWorkout.objects.filter(
        kind=kind, athlete_id=athlete.id, pk=pk
    ).first()


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def plan_json(row):
    header = row.payload["plan"]["header"]
    return {
        "id": row.pk,
        "user_id": 880_000 + row.athlete_id,
        "name": header["name"],
        "description": header["description"],
        "file": {"url": f"https://cdn.wahooligan.example/plans/{row.pk}/plan.json"},
        "workout_type_family_id": header["workout_type_family"],
        "workout_type_location_id": header.get("workout_type_location", 255),
        "external_id": row.payload["external_id"],
        "provider_updated_at": row.payload["provider_updated_at"],
        "deleted": False,
        "updated_at": _iso(row.updated_at),
        "created_at": _iso(row.received_at),
    }


def workout_json(row):
    return {
        "id": row.pk,
        "plan_id": row.parent_id,
        **{k: v for k, v in row.payload.items() if k != "plan"},
        "workout_summary": None,
        "created_at": _iso(row.received_at),
        "updated_at": _iso(row.updated_at),
    }


def write_view(scope, methods):
    """A write endpoint: token and faults (api_view), the token cap, the scope, the
    method, and Invalid as a 400 in Wahoo's {"error": ...} shape."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(methods)
        @api_view(wahoo.SLUG)
        @wahoo.counts_use
        def wrapper(request, athlete, grant, *args, **kwargs):
            if scope not in grant["s"]:
                return JsonResponse({"error": f"{scope} scope required"}, status=403)
            try:
                return view(request, athlete, *args, **kwargs)
            except Invalid as exc:
                return JsonResponse({"error": str(exc)}, status=400)

        return wrapper

    return decorate


def _form(request):
    # Django parses form bodies of POST only; PUT forms are read the same way.
    return request.POST if request.method == "POST" else QueryDict(request.body)


@write_view("plans_write", ["POST"])
def plans(request, athlete):
    params = _form(request)
    plan = read_plan_file(params.get("plan[file]"))
    if not params.get("plan[external_id]"):
        raise Invalid("plan[external_id] is required")
    _time(params, "plan[provider_updated_at]")
    row = ReceivedWorkout.objects.create(
        kind=Kind.WAHOO_PLAN,
        athlete_id=athlete.id,
        name=plan["header"]["name"],
        payload=_plan_payload(params, plan, params["plan[external_id]"]),
    )
    return JsonResponse(plan_json(row), status=201)


def _plan_payload(params, plan, external_id):
    return {
        "plan": plan,
        "filename": params.get("plan[filename]", ""),
        "external_id": external_id,
        "provider_updated_at": params["plan[provider_updated_at]"],
    }


@write_view("plans_write", ["PUT", "DELETE"])
def plan(request, athlete, plan_id):
    row = _owned(athlete, Kind.WAHOO_PLAN, plan_id)
    if row is None:
        return JsonResponse({"error": "Not Found"}, status=404)
    if request.method == "DELETE":
        row.delete()  # its workouts stay, unlinked (parent SET_NULL), as Wahoo's do
        return HttpResponse(status=204)
    params = _form(request)
    plan_file = read_plan_file(params.get("plan[file]"))
    _time(params, "plan[provider_updated_at]")
    external_id = row.payload["external_id"]
    row.name = plan_file["header"]["name"]
    row.payload = _plan_payload(params, plan_file, external_id)
    row.save()
    return JsonResponse(plan_json(row))


@csrf_exempt
def workouts(request):
    """GET lists completed workouts (wahoo.py); POST plans one."""
    if request.method == "POST":
        return create_workout(request)
    return wahoo.workouts(request)


@write_view("workouts_write", ["POST"])
def create_workout(request, athlete):
    fields = check_workout(_form(request), athlete)
    row = ReceivedWorkout(kind=Kind.WAHOO_WORKOUT, athlete_id=athlete.id)
    _apply(row, fields)
    return JsonResponse(workout_json(row), status=201)


def _apply(row, fields):
    if "plan" in fields:
        row.parent = fields.pop("plan")
    if "starts" in fields:
        row.day = fields["starts"].date()
        fields["starts"] = _iso(fields["starts"])
    row.name = fields.get("name", row.name)
    row.payload = {**row.payload, **fields}
    row.save()


@write_view("workouts_write", ["PUT", "DELETE"])
def workout(request, athlete, workout_id):
    row = _owned(athlete, Kind.WAHOO_WORKOUT, workout_id)
    if row is None:
        return JsonResponse({"error": "Not Found"}, status=404)
    if request.method == "DELETE":
        row.delete()
        return HttpResponse(status=204)
    _apply(row, check_workout(_form(request), athlete, partial=True))
    return JsonResponse(workout_json(row))


urlpatterns = [
    path("v1/plans", plans, name="wahoo-plans"),
    path("v1/plans/<int:plan_id>", plan, name="wahoo-plan"),
    path("v1/workouts", workouts, name="wahoo-workouts-planned"),
    path("v1/workouts/<int:workout_id>", workout, name="wahoo-workout"),
]

"""JSON routes for planned workouts, mounted at /api/ by trainlytics/api.py.

Every change goes through planning.services (matching and deliveries follow it);
its refusals become the API's error shape: WorkoutInvalid is 422 `invalid_workout`,
DeliveryRefused is 409 with the refusal's own code.
"""

from contextlib import contextmanager
from datetime import date, timedelta

from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from sync.models import Activity, Workout
from sync.schemas import ErrorOut
from trainlytics.timezones import zone

from . import delivery, matching, services
from .schemas import (
    DeliveryOut,
    MatchIn,
    RangeFilters,
    SendIn,
    WorkoutIn,
    WorkoutOut,
    WorkoutPatch,
)

router = Router(tags=["workouts"])
MAX_RANGE_DAYS = 366  # a leap year, whole: enough for any calendar page or export


class Refused(HttpError):
    """An HttpError with its own stable code (trainlytics/api.py renders `code`)."""

    def __init__(self, status, code, message):
        super().__init__(status, message)
        self.code = code


@contextmanager
def refusals():
    try:
        yield
    except services.WorkoutInvalid as exc:
        raise Refused(422, "invalid_workout", str(exc)) from None
    except delivery.DeliveryRefused as exc:
        raise Refused(409, exc.code, exc.message) from None


def user_workouts(request):
    return Workout.objects.filter(user=request.auth).prefetch_related("deliveries")


def user_workout_or_404(request, workout_id):
    """The requesting athlete's workout; someone else's id is simply not found."""
    try:
        return user_workouts(request).get(pk=workout_id)
    except Workout.DoesNotExist:
        raise Http404(_("No such workout.")) from None


def _shift(day, days):
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def date_range(request, filters):
    """(first, last) asked for; a missing end is a week from the other one."""
    first, last = filters.first, filters.last
    if first is None and last is None:
        first, last = services.week_of(matching.today(zone(request.auth.time_zone)))
    elif first is None:
        first = _shift(last, -6)
    elif last is None:
        last = _shift(first, 6)
    if last < first:
        raise Refused(400, "invalid_range", _('"to" is before "from".'))
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        message = _("Ask for at most %(days)s days at a time.")
        raise Refused(400, "range_too_long", message % {"days": MAX_RANGE_DAYS})
    return first, last


@router.get("/workouts", response={200: list[WorkoutOut], 400: ErrorOut})
def list_workouts(request, filters: Query[RangeFilters]):
    """The athlete's workouts from `from` to `to` (both included, at most 366 days),
    by date, then time (untimed first), then id. Without either: this week."""
    first, last = date_range(request, filters)
    return (
        user_workouts(request)
        .filter(scheduled_for__gte=first, scheduled_for__lte=last)
        .order_by("scheduled_for", F("scheduled_time").asc(nulls_first=True), "id")
    )


@router.post("/workouts", response={201: WorkoutOut, 422: ErrorOut})
def create_workout(request, payload: WorkoutIn):
    with refusals():
        workout = services.create_workout(request.auth, **payload.values())
    return Status(201, workout)


@router.get("/workouts/{int:workout_id}", response=WorkoutOut)
def get_workout(request, workout_id: int):
    return user_workout_or_404(request, workout_id)


@router.patch("/workouts/{int:workout_id}", response={200: WorkoutOut, 422: ErrorOut})
def update_workout(request, workout_id: int, payload: WorkoutPatch):
    """Change the fields given. A new date or structure is sent again to the
    devices it went to; a new date also frees a match made by hand."""
    workout = user_workout_or_404(request, workout_id)
    values = payload.values()
    if not values:  # nothing to change: nothing saved, nothing sent again
        return workout
    with refusals():
        return services.update_workout(workout, **values)


@router.delete("/workouts/{int:workout_id}", response={204: None})
def delete_workout(request, workout_id: int):
    """Delete the workout; copies sent to devices are removed there too."""
    services.delete_workout(user_workout_or_404(request, workout_id))
    return Status(204, None)


@router.post(
    "/workouts/{int:workout_id}/send", response={202: DeliveryOut, 409: ErrorOut}
)
def send_workout(request, workout_id: int, payload: SendIn):
    """Send the workout to a connected provider's devices (sent in the background:
    follow the delivery's status on the workout). 409 when it cannot go there, with
    a stable code: no_structure, provider_unavailable or provider_not_ready."""
    workout = user_workout_or_404(request, workout_id)
    with refusals():
        sent = delivery.request_send(workout, payload.provider.value)
    return Status(202, sent)


@router.post("/workouts/{int:workout_id}/match", response=WorkoutOut)
def match_workout(request, workout_id: int, payload: MatchIn):
    """Decide by hand which session did the workout, kept over any re-sync:
    `{"activity_id": N}` links the session of the athlete's activity N (the
    workout then points at its canonical copy); `{"activity_id": null}` says no
    session did it. `{"auto": true}` gives it back to automatic matching."""
    workout = user_workout_or_404(request, workout_id)
    if payload.auto:
        return services.reset_match(workout)
    if payload.activity_id is None:
        return services.unlink_activity(workout)
    activity = Activity.objects.filter(
        pk=payload.activity_id, user=request.auth
    ).first()
    if activity is None:
        raise Http404(_("No such activity."))
    return services.link_activity(workout, activity)

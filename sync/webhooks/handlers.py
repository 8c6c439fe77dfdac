"""What each provider's event means (providers.md §2.7, §3.7, §4.7, §5.6, §6.7, §7.5).

Each handler takes a processing.Context and acts through it; raising Ignored marks
the event `ignored` with the reason.

An athlete withdrawing our access at the provider goes through Context.withdraw,
whoever tells us: Strava (athlete `authorized: "false"`), Garmin (`deregistrations`)
and Google Health (`userRevokedAccess`). Polar (§4.7), COROS (§5.6) and Wahoo (§6.7)
document no such event; a 401 to one of our own calls is not one either (the
connection then asks for a reconnect, providers/tokens.py).
"""

from datetime import datetime

from providers import services as connections
from providers.errors import MalformedPayloadError

from ..models import Activity


class Ignored(Exception):
    """Nothing to do for this event (say why); not a failure."""


def strava(context):
    body = context.payload
    if body.get("object_type") == "athlete":
        if str((body.get("updates") or {}).get("authorized")) != "false":
            raise Ignored("Athlete update other than deauthorization.")
        # Strava's API agreement: an athlete who leaves takes their data along.
        return context.withdraw()
    if body.get("object_type") != "activity":
        raise Ignored("Not an activity event.")
    if body.get("aspect_type") == "delete":
        return context.delete([body.get("object_id")])
    context.require_active()
    backend = context.backend
    raw = backend.fetch_activity(context.http, context.credentials(), body["object_id"])
    context.upsert([raw])


GARMIN_ACTIVITY_TYPES = ("activities", "manuallyUpdatedActivities")


def garmin(context):
    body, kind = context.payload, context.event.event_type
    if kind == "deregistrations":
        return context.withdraw()
    if kind == "userPermissionsChange":
        permissions = [str(p) for p in body.get("permissions") or []]
        connections.update_connection(context.connection, scopes=permissions)
        context.notes["permissions"] = permissions
        return
    if kind not in GARMIN_ACTIVITY_TYPES:
        raise Ignored(f"Garmin {kind} is not an activity summary.")
    context.require_active()
    if "callbackURL" in body:
        url, backend = body["callbackURL"], context.backend
        return context.upsert(
            backend.fetch_callback(context.http, context.credentials(), url)
        )
    context.upsert([body])


def polar(context):
    body = context.payload
    if body.get("event") != "EXERCISE":
        raise Ignored(f"Polar {body.get('event')} is not an exercise.")
    context.require_active()
    backend = context.backend
    raw = backend.fetch_activity(context.http, context.credentials(), body["entity_id"])
    context.upsert([raw])


def coros(context):
    context.require_active()
    context.upsert([context.payload])


def wahoo(context):
    body = context.payload
    if body.get("event_type") != "workout_summary":
        raise Ignored(f"Wahoo {body.get('event_type')} is not a workout summary.")
    context.require_active()
    summary = body.get("workout_summary") or {}
    workout = context.backend.workout_from_summary(summary)
    if workout is None:
        workout_id = summary.get("workout_id")
        if not workout_id:
            raise MalformedPayloadError("wahoo webhook: no workout in the summary")
        workout = context.backend.fetch_activity(
            context.http, context.credentials(), workout_id
        )
    context.upsert([workout])


REVOKED_ACCESS = "userRevokedAccess"


def fitbit(context):
    body = context.payload
    # The name Fitbit's subscriptions used (§7.6), as a data type or a collection.
    if REVOKED_ACCESS in (body.get("dataType"), body.get("collectionType")):
        return context.withdraw()
    if body.get("dataType") != "exercise":
        raise Ignored(f"Google Health {body.get('dataType')} is not exercise.")
    operation = body.get("operation")
    if operation not in ("UPSERT", "DELETE"):
        raise Ignored(f"Google Health operation {operation} is unknown.")
    context.require_active()
    credentials = context.credentials()
    for start, end in _intervals(body):
        points = context.backend.fetch_interval(context.http, credentials, start, end)
        if operation == "UPSERT":
            context.upsert(points)
            continue
        # A DELETE names only the time: what Google no longer lists there is gone.
        listed = {str(p.get("name")) for p in points if isinstance(p, dict)}
        stored = Activity.objects.filter(
            provider="fitbit",
            connection=context.connection,
            start_time__gte=start,
            start_time__lte=end,
        ).values_list("provider_activity_id", flat=True)
        context.delete([i for i in stored if i not in listed])


def _intervals(body):
    intervals = []
    for interval in body.get("intervals") or []:
        try:
            start = datetime.fromisoformat(interval["startTime"])
            end = datetime.fromisoformat(interval["endTime"])
        except (KeyError, TypeError, ValueError):
            raise MalformedPayloadError("google health webhook: bad interval") from None
        intervals.append((start, end))
    if not intervals:
        raise MalformedPayloadError("google health webhook: no intervals")
    return intervals


HANDLERS = {
    "strava": strava,
    "garmin": garmin,
    "polar": polar,
    "coros": coros,
    "wahoo": wahoo,
    "fitbit": fitbit,
}

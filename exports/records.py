"""What the export says about each kind of row: plain dicts, ready for JSON or CSV.

Field lists are explicit, so a column added to a model later is exported only once
someone has decided it should be (tests/test_export_fields.py fails until then).
Connections never give their tokens, nor anything derived from them (expiry
included): only who the athlete is at the provider and how the link stands.
"""

from analytics import athlete
from analytics.models import AthleteSettings
from planning.models import CalendarFeed
from providers.models import ProviderConnection
from sync.models import Activity, SyncHistory, Workout

PROFILE_FIELDS = ("email", "full_name", "time_zone", "date_joined", "last_login")
# What the athlete sets (analytics.athlete.FIELDS), and what we derived beside it.
SETTINGS_FIELDS = (*athlete.FIELDS, "observed_max_hr_bpm", "updated_at")
CONNECTION_FIELDS = (
    "provider",
    "provider_user_id",
    "status",
    "status_detail",
    "is_active",
    "scopes",
    "provider_profile",
    "created_at",
    "updated_at",
    "last_sync_at",
)
# Every stored column of an activity but the raw payload, which only the JSON has.
# group_id ties the copies of one session (several providers) together.
ACTIVITY_FIELDS = (
    "id",
    "provider",
    "provider_activity_id",
    "sport_type",
    "name",
    "start_time",
    "utc_offset_s",
    "elapsed_time_s",
    "moving_time_s",
    "distance_m",
    "elevation_gain_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "calories_kcal",
    "device_name",
    "group_id",
    "is_canonical",
    "created_at",
    "updated_at",
)
SYNC_FIELDS = (
    "id",
    "connection__provider",
    "sync_type",
    "status",
    "started_at",
    "completed_at",
    "duration_s",
    "activities_fetched",
    "activities_created",
    "activities_updated",
    "activities_skipped",
    "api_calls",
    "error_message",
    "error_details",
    "window_start",
    "window_end",
    "attempts",
    "next_attempt_at",
    "created_at",
)
WORKOUT_FIELDS = (
    "id",
    "title",
    "sport_type",
    "scheduled_for",
    "scheduled_time",
    "planned_duration_s",
    "planned_distance_m",
    "description",
    "target",
    "structure",
    "status",
    "completed_activity_id",
    "match_manual",
    "created_at",
    "updated_at",
)
DELIVERY_FIELDS = ("provider", "status", "external", "sent_at", "error_message")
CHUNK = 500


def _pick(obj, names):
    return {name: getattr(obj, name, None) for name in names}


def profile(user):
    saved = AthleteSettings.objects.filter(user=user).first()
    feed = CalendarFeed.objects.filter(user=user).first()
    return {
        **_pick(user, PROFILE_FIELDS),
        "athlete_settings": _pick(saved, SETTINGS_FIELDS) if saved else None,
        # The feed's address is a secret we no longer know (only its digest).
        "calendar_feed": _pick(feed, ("created_at", "last_fetched_at"))
        if feed
        else None,
    }


def connections(user):
    rows = ProviderConnection.objects.filter(user=user).order_by("provider")
    return list(rows.values(*CONNECTION_FIELDS))


def activities(user, raw=False):
    """The athlete's activities, oldest first, one dict each (streamed)."""
    fields = (*ACTIVITY_FIELDS, "activity_data") if raw else ACTIVITY_FIELDS
    rows = Activity.objects.filter(user=user).order_by("start_time", "id")
    return rows.values(*fields).iterator(chunk_size=CHUNK)


def sync_runs(user):
    rows = SyncHistory.objects.filter(connection__user=user).order_by(
        "started_at", "id"
    )
    for row in rows.values(*SYNC_FIELDS).iterator(chunk_size=CHUNK):
        row["provider"] = row.pop("connection__provider")
        yield row


def workouts(user):
    rows = Workout.objects.filter(user=user).prefetch_related("deliveries")
    for workout in rows.order_by("scheduled_for", "id"):
        yield {
            **_pick(workout, WORKOUT_FIELDS),
            "deliveries": [
                _pick(delivery, DELIVERY_FIELDS)
                for delivery in workout.deliveries.all()
            ],
        }

"""Turning a page of provider payloads into stored activities, and removing them.

Shared by the sync runner and the webhook processors, so a pushed activity is checked,
normalised and written exactly like a polled one.
"""

import math

from django.utils import timezone

from providers.errors import MalformedPayloadError
from trainlytics.ops import metrics

from ..models import Activity
from .activities import build_activity, upsert_activities

# What a backend's normalize() raises for one bad payload: skip it, never the page.
NORMALIZE_ERRORS = (MalformedPayloadError, ValueError, KeyError, TypeError)
MAX_TEXT = 255  # Activity.name and device_name
METRICS = (
    "distance_m",
    "elevation_gain_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "calories_kcal",
)


def check_activity(data):
    """Refuse what the database would refuse, so one item cannot sink a page."""
    if not data.provider_activity_id or len(data.provider_activity_id) > MAX_TEXT:
        raise MalformedPayloadError("activity id is empty or too long")
    if data.start_time is None or data.start_time.tzinfo is None:
        raise MalformedPayloadError("start time is missing or naive")
    for name in ("elapsed_time_s", "moving_time_s"):
        value = getattr(data, name)
        if value is not None and value < 0:
            raise MalformedPayloadError(f"{name} is negative")
    for name in METRICS:
        value = getattr(data, name)
        if value is not None and not math.isfinite(value):
            # "NaN" or "Infinity" in a payload measures nothing, and would turn the
            # athlete's totals into NaN.
            setattr(data, name, None)
    # ActivityData has already made blank text None (its one rule on missing values).
    if data.name:
        data.name = data.name[:MAX_TEXT]
    if data.device_name:
        data.device_name = data.device_name[:MAX_TEXT]
    return data


def write_page(connection, backend, raw_items, stats, on_skip=None):
    """Normalise `raw_items` and upsert them in one statement, counting into `stats`.

    A payload that cannot be normalised is passed to `on_skip(raw, exc)` (by default
    only counted) and the rest of the page goes on.
    """
    now = timezone.now()
    rows = {}
    for raw in raw_items:
        stats["activities_fetched"] += 1
        try:
            data = check_activity(backend.normalize(raw))
        except NORMALIZE_ERRORS as exc:
            if on_skip is None:
                stats["activities_skipped"] += 1
            else:
                on_skip(raw, exc)
            continue
        # A provider may repeat an item across its windows; keep the last copy.
        rows[data.provider_activity_id] = build_activity(connection, data, now)
    created, updated = upsert_activities(connection.provider, list(rows.values()))
    stats["activities_created"] += created
    stats["activities_updated"] += updated
    metrics.activities_written(connection.provider, created, updated)


def delete_activities(user_id, provider, provider_activity_ids):
    """Remove one athlete's copies of these provider activities; return how many."""
    deleted, _ = Activity.objects.filter(
        user_id=user_id,
        provider=provider,
        provider_activity_id__in=[str(i) for i in provider_activity_ids],
    ).delete()
    return deleted

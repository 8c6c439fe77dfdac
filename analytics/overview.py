"""What the /analytics/ page shows, gathered in a fixed number of queries:
settings, daily loads, recent sessions' loads, weekly volume and records.

The page's content is rendered once per athlete, window and version (analytics.cache:
bumped by every change to the athlete's sessions, loads or settings) and cached, so
a page reopened costs the settings' query and a cache read.
"""

import hashlib

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from providers.buttons import powered_by_strava_html
from sync import queries as sync_queries
from sync.messages import format_duration, sport_label
from sync.models import Activity
from trainlytics.labels import label

from . import cache, charts, fitness, ranges, records, services, units
from .models import LoadMethod, TrainingLoad

RECENT_LOADS = 20
RECENT_FIELDS = (
    "id",
    "day",
    "load",
    "method",
    "activity__id",
    "activity__name",
    "activity__sport_type",
    "activity__distance_m",
)


def detail_url(prefix, activity_id):
    # One reverse() per page, not one per row (as sync's feed does).
    return f"{prefix}{activity_id}/"


def recent_loads(user_id, prefix, size=RECENT_LOADS):
    """The latest sessions' loads, newest first, with what names the session."""
    rows = (
        TrainingLoad.objects.filter(user_id=user_id)
        .select_related("activity")
        .only(*RECENT_FIELDS)
        .order_by("-day", "-activity__start_time", "-id")[:size]
    )
    return [
        {
            "day": row.day,
            "load": row.load,
            "method": row.method,
            "method_label": label(LoadMethod, row.method),
            "activity": row.activity,
            "url": detail_url(prefix, row.activity.id),
            "sport": sport_label(row.activity.sport_type),
        }
        for row in rows
    ]


def analytics_content(user, first, last):
    """The page's content as HTML for the window `first`..`last`."""
    athlete = services.athlete_settings(user.pk)
    units.remember(user, athlete.units)
    parts = (
        user.pk,
        first,
        last,
        ranges.today_of(user),  # "this week" of the volume chart moves
        athlete.units,
        athlete.updated_at.timestamp(),
        athlete.observed_max_hr_bpm,
        cache.version(user.pk),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"analytics:page:{user.pk}:{digest}"
    return mark_safe(  # noqa: S308 - rendered by the template engine, escaped there
        cache.get_or_compute(
            key,
            lambda: render_to_string(
                "analytics/_content.html", page_context(user, athlete, first, last)
            ),
        )
    )


def page_context(user, athlete, first, last):
    prefix = reverse("sync:activities")
    days = fitness.fitness(user.pk, first, last)
    volume = sync_queries.weekly_chart(sync_queries.weekly_volume(user))
    found = _with_links(records.personal_records(user.pk), prefix)
    return {
        "first": first,
        "last": last,
        "units": athlete.units,
        "physiology": services.physiology(athlete),
        "athlete": athlete,
        "has_loads": any(day.load for day in days) or bool(days and days[-1].ctl),
        "fitness_svg": charts.fitness_svg(days),
        "fitness_rows": charts.fitness_table_rows(days),
        "latest": days[-1] if days else None,
        "legend": charts.legend(),
        "recent": recent_loads(user.pk, prefix),
        "chart": volume,
        "chart_svg": sync_queries.weekly_chart_svg(volume),
        "records": found,
        "has_efforts": any(record["efforts"] for record in found),
        # Loads, volume and records add up every provider's sessions: Strava's
        # guidelines ask for its logo wherever its data is shown. Cached with the page.
        "powered_by_strava": powered_by_strava_html()
        if Activity.objects.filter(user=user, provider="strava").exists()
        else "",
    }


def _with_links(found, prefix):
    for record in found:
        for held in (record["distance"], record["duration"]):
            if held:
                held["url"] = detail_url(prefix, held["id"])
                held["duration_text"] = format_duration(held["seconds"])
        for effort in record["efforts"]:
            effort["url"] = detail_url(prefix, effort["activity_id"])
    return found

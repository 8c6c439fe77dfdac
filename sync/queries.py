"""Read-only aggregations for the dashboard, the feed and the API.

Every function here runs a fixed number of SQL queries whatever the amount of data:
counts and sums happen in the database, and nothing loops over rows issuing queries.
"""

import base64
import binascii
import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection as db
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from providers import registry
from providers.models import ProviderConnection
from providers.sports import SportType
from trainlytics.dates import format_date
from trainlytics.labels import label

from .display import format_number
from .grouping.store import priority
from .models import Activity, SyncHistory
from .services.activities import DATA_FIELDS

FEED_PAGE_SIZE = 25
CHART_WEEKS = 12


@dataclass
class Card:
    """What the dashboard shows for one provider, connected or not."""

    backend: object
    connection: ProviderConnection | None = None
    latest_run: SyncHistory | None = None
    activity_count: int = 0

    @property
    def slug(self):
        return self.backend.slug

    @property
    def syncing(self):
        return self.latest_run is not None and self.latest_run.is_active


# Written out because compiling the ORM form of it took longer than running it. It
# reads each connection with its latest sync run (LEFT JOIN on the newest run's id,
# sync_connection_recent_idx) in one round trip. Neither page needs the tokens
# (decrypted on access) nor the profile and scope payloads, so they are not read.
RUN_FIELDS = SyncHistory._meta.concrete_fields
USER_CONNECTIONS_SQL = """
SELECT c.id, c.user_id, c.provider, c.status, c.status_detail, c.is_active,
       c.last_sync_at, {run_columns}
FROM provider_connections c
LEFT JOIN sync_history h ON h.id = (
    SELECT h2.id FROM sync_history h2 WHERE h2.connection_id = c.id
    ORDER BY h2.started_at DESC, h2.id DESC LIMIT 1)
WHERE c.user_id = %s
ORDER BY c.provider
""".format(  # noqa: S608 - column names from the model, no input
    run_columns=", ".join(f"h.{f.column} AS run__{f.attname}" for f in RUN_FIELDS)
)
# One COUNT(*) per connection: PostgreSQL answers each from the connection index alone
# (an index-only scan of that connection's slice). EXPLAIN ANALYZE on the bench
# dataset (6 connections, 20,000 activities): 2.5 ms, against 10-15 ms for one COUNT
# grouped by connection. The dashboard caches the result (sync/cache.py).
ACTIVITY_COUNTS_SQL = """
SELECT c.id, (SELECT COUNT(*) FROM activities a WHERE a.connection_id = c.id)
FROM provider_connections c
WHERE c.id IN ({placeholders})
"""


def user_connections(user):
    """The user's connections, each with its `latest_run` (None if it never ran)."""
    connections = list(ProviderConnection.objects.raw(USER_CONNECTIONS_SQL, [user.pk]))
    for connection in connections:
        connection.latest_run = _latest_run(connection)
        connection.latest_run_id = getattr(connection.latest_run, "pk", None)
    return connections


@functools.cache
def _run_converters():
    """Each run field with the converters the ORM would apply to its column."""
    table = SyncHistory._meta.db_table
    return [
        (
            field,
            field.get_col(table),
            [
                *db.ops.get_db_converters(field.get_col(table)),
                *field.get_col(table).get_db_converters(db),
            ],
        )
        for field in RUN_FIELDS
    ]


def _latest_run(connection):
    values = {}
    for field, column, converters in _run_converters():
        value = getattr(connection, f"run__{field.attname}")
        for convert in converters:
            value = convert(value, column, db)
        values[field.attname] = value
    if values["id"] is None:
        return None
    run = SyncHistory(**values)
    # Reuse the connection instead of lazily fetching it again per run.
    run.connection = connection
    return run


def activity_counts(connections):
    """{connection id: number of its activities} for these connections."""
    ids = [c.pk for c in connections]
    if not ids:
        return {}
    sql = ACTIVITY_COUNTS_SQL.format(placeholders=", ".join(["%s"] * len(ids)))
    with db.cursor() as cursor:
        cursor.execute(sql, ids)
        return dict(cursor.fetchall())


def dashboard_cards(user, connections=None, counts=None):
    """One Card per registered provider, in registry order.

    `connections` (from user_connections) and `counts` (from
    activity_counts) are fetched here unless the caller already has them.
    """
    if connections is None:
        connections = user_connections(user)
    if counts is None:
        counts = activity_counts(connections)
    by_provider = {c.provider: c for c in connections}
    cards = []
    for backend in registry.all_backends():
        connection = by_provider.get(backend.slug)
        card = Card(backend=backend, connection=connection)
        if connection is not None:
            card.latest_run = connection.latest_run
            card.activity_count = counts.get(connection.pk, 0)
        cards.append(card)
    return cards


def period_starts(now=None):
    """Local midnight on this week's Monday and on the 1st of this month."""
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    week = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    return (
        datetime.combine(week, time.min, tzinfo=tz),
        datetime.combine(month, time.min, tzinfo=tz),
    )


def totals(user, now=None):
    """Activities, distance (m) and moving time (s) this week and this month."""
    week_start, month_start = period_starts(now)
    since = min(week_start, month_start)
    moving = Coalesce("moving_time_s", "elapsed_time_s")
    aggregates = {}
    for period, start in (("week", week_start), ("month", month_start)):
        in_period = Q(start_time__gte=start)
        aggregates[f"{period}_count"] = Count("id", filter=in_period)
        aggregates[f"{period}_distance_m"] = Sum("distance_m", filter=in_period)
        aggregates[f"{period}_moving_s"] = Sum(moving, filter=in_period)
    # One session recorded by several providers counts once (sync.grouping).
    row = Activity.objects.filter(
        user=user, is_canonical=True, start_time__gte=since
    ).aggregate(**aggregates)
    return {
        period: {
            "activities": row[f"{period}_count"] or 0,
            "distance_m": row[f"{period}_distance_m"] or 0.0,
            "moving_time_s": row[f"{period}_moving_s"] or 0,
        }
        for period in ("week", "month")
    }


def weekly_volume(user, weeks=CHART_WEEKS, now=None):
    """Moving time per week and sport for the last `weeks` weeks, oldest first.

    Returns {"weeks": [date, ...], "sports": [sport, ...],
    "hours": {(week, sport): float}}; weeks without activity are present, empty.
    """
    this_week, _ = period_starts(now)
    first = this_week - timedelta(weeks=weeks - 1)
    rows = (
        Activity.objects.filter(user=user, is_canonical=True, start_time__gte=first)
        .annotate(week=TruncWeek("start_time"))
        .values("week", "sport_type")
        .annotate(seconds=Sum(Coalesce("moving_time_s", "elapsed_time_s")))
        .order_by()
    )
    hours = {}
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, datetime) else week
        hours[(week, row["sport_type"])] = (row["seconds"] or 0) / 3600
    week_dates = [first.date() + timedelta(weeks=i) for i in range(weeks)]
    sports = sorted({sport for _, sport in hours})
    return {"weeks": week_dates, "sports": sports, "hours": hours}


# -- the feed: keyset pagination on (start_time, id), newest first ---------------------


@dataclass
class FeedFilters:
    provider: str = ""
    sport: str = ""
    date_from: date | None = None
    date_to: date | None = None


def encode_cursor(activity):
    raw = f"{activity.start_time.isoformat()}|{activity.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """(start_time, id) from an opaque cursor; ValueError when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        start, pk = base64.urlsafe_b64decode(padded).decode().split("|")
        start_time = datetime.fromisoformat(start)
        if timezone.is_naive(start_time):
            raise ValueError("naive time")
        return start_time, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("Invalid cursor.") from exc


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def filtered_activities(user, filters):
    """One entry per session (its canonical copy); with a provider filter, that
    provider's own copies, so every session it recorded is listed."""
    activities = Activity.objects.filter(user=user)
    if filters.provider:
        activities = activities.filter(provider=filters.provider)
    else:
        activities = activities.filter(is_canonical=True)
    if filters.sport:
        activities = activities.filter(sport_type=filters.sport)
    if filters.date_from:
        activities = activities.filter(
            start_time__gte=_local_midnight(filters.date_from)
        )
    if filters.date_to:
        end = _local_midnight(filters.date_to + timedelta(days=1))
        activities = activities.filter(start_time__lt=end)
    return activities


# What a feed row shows (sync.messages.activity_display, sync.feed) and the API lists
# (sync.schemas.ActivityOut): not the raw payload, which costs more to load than the
# rest together.
FEED_FIELDS = (
    "provider",
    "connection_id",
    *(name for name in DATA_FIELDS if name != "activity_data"),
    "group_id",
    "is_canonical",
)


def activity_page(user, filters, cursor="", size=FEED_PAGE_SIZE):
    """(activities, next_cursor) for one page of the feed; next_cursor "" at the end.

    One query: it seeks past the cursor with (start_time, id) < (t, id) on the
    activity_feed_idx index instead of counting and skipping rows with OFFSET.
    """
    activities = filtered_activities(user, filters).only(*FEED_FIELDS)
    if cursor:
        start_time, pk = decode_cursor(cursor)
        activities = activities.filter(
            Q(start_time__lt=start_time) | Q(start_time=start_time, id__lt=pk)
        )
    rows = list(activities.order_by("-start_time", "-id")[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else ""
    return rows[:size], next_cursor


# -- the copies behind each feed entry (sync.grouping) ---------------------------------

# How far from a session the detail page looks for a copy to merge: wider than the
# three minutes grouping allows, for a phone started late or a clock off by hours.


def by_priority(providers):
    rank = {provider: i for i, provider in enumerate(priority())}
    return sorted(providers, key=lambda p: (rank.get(p, len(rank)), p))


def session_providers(activity, providers):
    """The providers of `activity`'s session: its own first, then by priority."""
    return [activity.provider, *by_priority(set(providers) - {activity.provider})]


def attach_sessions(activities):
    """Set `providers` and `filled` on each activity of a page, in one query.

    `providers`: every provider of the activity's session, its own first, then the
    others by ACTIVITY_PROVIDER_PRIORITY. `filled`: the metrics its group took from
    the other copies, for a canonical copy ({} otherwise: they fill the canonical
    one's gaps). `provider_ids`: each copy's provider id by provider, for the links
    back to the providers (sync.attribution). One query by group id, none when
    nothing on the page is grouped.
    """
    group_ids = {a.group_id for a in activities if a.group_id is not None}
    members, filled, ids = defaultdict(set), {}, defaultdict(dict)
    if group_ids:
        rows = (
            Activity.objects.filter(group_id__in=group_ids)
            .order_by()
            .values_list(
                "group_id", "provider", "provider_activity_id", "group__filled"
            )
        )
        for group_id, provider, provider_activity_id, group_filled in rows:
            members[group_id].add(provider)
            ids[group_id][provider] = provider_activity_id
            filled[group_id] = group_filled
    for activity in activities:
        others = members.get(activity.group_id)
        activity.provider_ids = ids.get(activity.group_id) or {
            activity.provider: activity.provider_activity_id
        }
        activity.providers = (
            session_providers(activity, others) if others else [activity.provider]
        )
        activity.filled = (
            filled.get(activity.group_id) or {} if activity.is_canonical else {}
        )
    return activities


def session_copies(activity):
    """Every copy of `activity`'s session, the canonical one first, then by provider
    priority; [activity] when it is not grouped. One query."""
    if activity.group_id is None:
        return [activity]
    copies = list(Activity.objects.filter(group_id=activity.group_id))
    rank = {p: i for i, p in enumerate(by_priority({c.provider for c in copies}))}
    return sorted(copies, key=lambda c: (not c.is_canonical, rank[c.provider], c.pk))


def summary(user, now=None):
    """Per-connection counts and status plus the week/month totals (for the API)."""
    connections = user_connections(user)
    counts = activity_counts(connections)
    for connection in connections:
        connection.activity_count = counts.get(connection.pk, 0)
    overall = Activity.objects.filter(user=user, is_canonical=True).aggregate(
        activities=Count("id"), last_activity_at=Max("start_time")
    )
    return {
        "connections": connections,
        "total_activities": overall["activities"],
        "last_activity_at": overall["last_activity_at"],
        "totals": totals(user, now),
    }


def sync_status(connection):
    """The connection's latest run (None if it never synced)."""
    return (
        SyncHistory.objects.filter(connection=connection)
        .order_by("-started_at", "-id")
        .first()
    )


# Colour-blind-safe palette (Okabe-Ito); sports beyond it reuse colours in order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000")


def weekly_chart(volume, height=160, bar_width=32, gap=12):
    """Geometry for the stacked SVG bar chart and rows for its table alternative."""
    sports = volume["sports"]
    colours = {sport: PALETTE[i % len(PALETTE)] for i, sport in enumerate(sports)}
    week_totals = [
        sum(volume["hours"].get((week, s), 0) for s in sports)
        for week in volume["weeks"]
    ]
    top = max(week_totals, default=0) or 1
    bars, rows = [], []
    for i, week in enumerate(volume["weeks"]):
        y = height
        segments = []
        cells = []
        for sport in sports:
            hours = volume["hours"].get((week, sport), 0)
            cells.append(round(hours, 1))
            if not hours:
                continue
            h = hours / top * height
            y -= h
            segments.append(
                {"y": round(y, 1), "height": round(h, 1), "colour": colours[sport]}
            )
            segments[-1].update(sport=_sport_label(sport), hours=round(hours, 1))
        bars.append({"x": i * (bar_width + gap), "week": week, "segments": segments})
        rows.append({"week": week, "cells": cells, "total": round(week_totals[i], 1)})
    return {
        "bars": bars,
        "rows": rows,
        "legend": [(_sport_label(sport), colours[sport]) for sport in sports],
        "width": len(bars) * (bar_width + gap),
        "height": height,
        "bar_width": bar_width,
        "max_hours": round(max(week_totals, default=0), 1),
    }


def _sport_label(sport):
    return label(SportType, sport)


def weekly_chart_svg(chart):
    """The chart as an SVG string, built here because a template loop over every
    segment cost more than the rest of the dashboard."""
    # Translators: a Django date format, the Monday under a bar ("7 Dec").
    week_format = pgettext("date format", "j M")
    bars = []
    for bar in chart["bars"]:
        rects = "".join(
            f'<rect y="{s["y"]}" width="{chart["bar_width"]}" height="{s["height"]}" '
            f'fill="{s["colour"]}"><title>{escape(s["sport"])}: '
            f"{format_number(s['hours'], 1, 'h')}</title></rect>"
            for s in bar["segments"]
        )
        week = escape(format_date(bar["week"], week_format))
        bars.append(
            f'<g transform="translate({bar["x"]},0)">{rects}'
            f'<text y="{chart["height"] + 14}" x="{chart["bar_width"]}" '
            f'text-anchor="end" font-size="10">{week}</text></g>'
        )
    weeks = len(chart["bars"])
    title = ngettext(
        "Hours of training per week, last %(weeks)s week",
        "Hours of training per week, last %(weeks)s weeks",
        weeks,
    ) % {"weeks": weeks}
    desc = gettext(
        "Stacked bars by sport; the busiest week has %(hours)s hours. The table "
        "below has the same figures."
    ) % {"hours": format_number(chart["max_hours"], 1)}
    # Coordinates are data: plain numbers, never localized.
    return mark_safe(  # noqa: S308 - every interpolated label is escaped
        f'<svg class="chart" viewBox="0 -10 {chart["width"]} {chart["height"] + 30}" '
        'role="img" aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(desc)}</desc>'
        f"{''.join(bars)}</svg>"
    )

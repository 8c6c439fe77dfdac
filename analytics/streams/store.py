"""Reading and writing ActivityStreams rows.

A session's streams are kept once, on one copy of its group (the canonical copy
when they were requested; grouping may move the canonical flag later), so every
copy of the group reads them through streams_for(). The full-rate channels are
codec-encoded in `data`; `low` holds codec.downsample of them for charts, maps and
the API's low resolution; `efforts` the session's best efforts (efforts_of), which
personal records rank without reading `data`.
"""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from .. import analysis, cache
from ..models import ActivityStreams, StreamStatus
from . import codec

RESOLUTIONS = ("low", "high")


def streams_for(activity):
    """The streams row of `activity`'s session, or None. One query."""
    if activity.group_id is None:
        rows = ActivityStreams.objects.filter(activity_id=activity.pk)
    else:
        rows = ActivityStreams.objects.filter(activity__group_id=activity.group_id)
    # Two rows for one session (two activities merged after each got one): the
    # ready one wins.
    ready_first = Case(
        When(status=StreamStatus.READY, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    # The series are read only when drawn (a cached page never draws them): a 4-hour
    # ride's are 100 kB or more.
    return rows.defer("data", "low").order_by(ready_first, "-pk").first()


def ready_fields(data, source, now=None):
    """The fields of a ready row holding StreamData `data` from `source`."""
    channels = data.channels()
    return {
        "status": StreamStatus.READY,
        "source": source,
        "data": codec.encode(channels),
        "low": codec.downsample(channels),
        "samples": len(data.time_s),
        "channels": list(channels),
        "efforts": efforts_of(channels),
        "error_message": "",
        "next_attempt_at": None,
        "fetched_at": now or timezone.now(),
    }


def efforts_of(channels):
    """{"distance": {metres: fastest seconds}, "power": {seconds: best watts}} of
    full-rate channels (analytics.analysis), keys as strings (JSON's). Every
    effort the data allows is kept whatever the sport: which ones count as
    records is analytics.records' choice."""
    time_s = channels.get("time_s")
    distance = analysis.best_distance_efforts(time_s, channels.get("distance_m"))
    power = analysis.best_power(time_s, channels.get("power_w"))
    return {
        "distance": {str(m): round(s, 1) for m, s in distance.items()},
        "power": {str(w): round(p, 1) for w, p in power.items()},
    }


def mark_ready(rows, data, source, user_id):
    """Store `data` from `source` on the rows of the queryset `rows` (a fetch
    still holding its lease); returns how many were written. New efforts may be
    records: the athlete's cached analytics page is invalidated."""
    written = rows.update(**ready_fields(data, source))
    if written:
        cache.bump(user_id)
    return written


def save(row, data, source):
    """Store `data` on `row` (an ActivityStreams) as ready; return the row."""
    for name, value in ready_fields(data, source).items():
        setattr(row, name, value)
    row.save()
    cache.bump(row.activity.user_id)
    return row


def channels_of(row, resolution="low"):
    """{channel name: values} of a ready row, at "low" or "high" resolution."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"unknown resolution {resolution!r}")
    if row is None or row.status != StreamStatus.READY:
        return {}
    if resolution == "low":
        return row.low
    return codec.decode(row.data)

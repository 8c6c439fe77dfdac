"""The streams block of the activity page: what it needs, in one place.

Reading the block asks for the streams when they are missing (queue.request_now:
HIGH priority, enqueued at once), so opening an activity is what fetches the
streams of an old one. Queries: the streams row (with its data, which the summary
decodes only on a cache miss), the athlete's settings once the streams are ready,
and the writes of a first request.
"""

from django.conf import settings

from ..models import AthleteSettings, StreamStatus, Units
from . import display, queue, store

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    "contributors"
)


def block_context(activity):
    """The template context of the block for `activity` (the athlete's own)."""
    row = store.streams_for(activity)
    if row is None or row.status != StreamStatus.READY:
        row = queue.request_now(activity, row)
    context = {"activity": activity, "row": row, "status": row.status}
    if row.status == StreamStatus.READY:
        context.update(_ready(activity, row))
    return context


def _ready(activity, row):
    athlete = AthleteSettings.objects.filter(user_id=activity.user_id).first()
    units = athlete.units if athlete else Units.METRIC
    points = display.route(row.low)
    return {
        "route": points,
        "outline": display.outline(points),
        "charts": display.charts(row.low, activity.sport_type, units),
        "tiles": getattr(settings, "MAP_TILE_URL", OSM_TILES),
        "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", OSM_ATTRIBUTION),
        "split_unit": "mile" if units == Units.IMPERIAL else "km",
        **display.summary(row, athlete, units),
    }

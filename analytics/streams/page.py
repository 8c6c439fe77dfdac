"""The streams block of the activity page: what it needs, in one place.

Reading the block asks for the streams when they are missing (queue.request_now:
HIGH priority, enqueued at once), so opening an activity is what fetches the
streams of an old one. Queries: the streams row (with its data, which the summary
decodes only on a cache miss), the athlete's settings once the streams are ready,
and the writes of a first request.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from trainlytics.stored_text import shown

from .. import cache as analytics_cache
from ..models import AthleteSettings, StreamStatus, Units
from . import display, queue, store

BLOCK = "analytics/includes/activity_streams.html"
BODY = "analytics/includes/streams_body.html"
# A ready block changes only with its row, the activity and the athlete's settings,
# all in its key; the TTL only bounds the cache's size.
HTML_TTL_S = 24 * 3600

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    "contributors"
)


def block_html(activity, template=BLOCK):
    """The block (or its body, for the htmx poll) for `activity`, as HTML.

    A ready block is rendered once and cached under the athlete's analytics version
    (analytics.cache: bumped when a streams row becomes ready and when the settings
    change), so showing it again costs no query: a 4-hour ride's splits, zones,
    charts and map cost more to render than the rest of the page together.
    """
    key = _html_key(template, activity)
    html = cache.get(key)
    if html is not None:
        return mark_safe(html)  # noqa: S308 - rendered from our own template
    row = store.streams_for(activity)
    if row is None or row.status != StreamStatus.READY:
        row = queue.request_now(activity, row)
    # error_message is stored in English (trainlytics.stored_text).
    context = {
        "activity": activity,
        "row": row,
        "status": row.status,
        "error_message": shown(row.error_message),
    }
    if row.status != StreamStatus.READY:
        return mark_safe(render_to_string(template, context))  # noqa: S308 - ours
    athlete = AthleteSettings.objects.filter(user_id=activity.user_id).first()
    context.update(_ready(activity, row, athlete))
    html = render_to_string(template, context)
    cache.set(key, html, HTML_TTL_S)
    return mark_safe(html)  # noqa: S308 - rendered from our own template


def _html_key(template, activity):
    parts = [
        template,
        activity.pk,
        activity.group_id,
        activity.sport_type,
        analytics_cache.version(activity.user_id),
        getattr(settings, "MAP_TILE_URL", OSM_TILES),
        get_language(),
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"analytics:streams-html:{digest}"


def _ready(activity, row, athlete):
    units = athlete.units if athlete else Units.METRIC
    points = display.route(row.low)
    return {
        "route": points,
        "outline": display.outline(points),
        **display.chart_context(row.low, activity.sport_type, units),
        "tiles": getattr(settings, "MAP_TILE_URL", OSM_TILES),
        "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", OSM_ATTRIBUTION),
        # Translators: "Splits per mile".
        "split_unit": pgettext("split", "mile")
        if units == Units.IMPERIAL
        else pgettext("split", "km"),
        **display.summary(row, athlete, units),
    }

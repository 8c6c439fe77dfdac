"""Filters for the providers' attribution includes (sync/attribution.py has the
rules): templates/sync/includes/*attribution*.html."""

from django import template

from .. import attribution

register = template.Library()


def _activity_of(item):
    """An Activity from what a page lists: a feed row (activity, display), a copy
    column of the detail page ({"activity": ...}) or the activity itself."""
    if isinstance(item, tuple):
        return item[0]
    if isinstance(item, dict):
        return item["activity"]
    return item


@register.filter
def shows_strava(items):
    """Whether any listed session has a Strava copy (`providers`, set by
    queries.attach_sessions, names every copy's provider)."""
    for item in items or ():
        activity = _activity_of(item)
        providers = getattr(activity, "providers", None) or [activity.provider]
        if attribution.STRAVA in providers:
            return True
    return False


@register.filter
def strava_url(activity):
    return attribution.strava_activity_url(activity.provider_activity_id)


@register.filter
def garmin_attribution(device_name):
    return attribution.garmin_attribution(device_name)


@register.filter
def attributed_copies(items):
    """The listed copies whose provider asks for attribution (Strava, Garmin)."""
    wanted = (attribution.STRAVA, attribution.GARMIN)
    return [a for a in map(_activity_of, items or ()) if a.provider in wanted]

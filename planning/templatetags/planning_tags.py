"""Template tags other apps' pages use to show planning, so that sync's views need
not import planning (the dependency runs planning -> sync)."""

from django import template

from planning.calendar import hours_text
from planning.matching import today
from planning.services import week_of
from planning.services import week_progress as progress_of
from sync.cache import get_or_compute
from trainlytics.timezones import zone

register = template.Library()


@register.inclusion_tag("planning/includes/week_progress.html", takes_context=True)
def week_progress(context):
    """ "This week: 4 of 6 planned sessions done, 5 h 20 of 7 h" for the athlete."""
    user = context["request"].user
    # Cached beside the dashboard's aggregates: their key changes with every sync run
    # and data version (workouts bump it, planning/receivers.py), and the athlete's
    # own Monday is added since the week turns over in their zone.
    monday = week_of(today(zone(user.time_zone)))[0]
    key = f"planning:week:{context.get('dashboard_key')}:{monday.isoformat()}"
    if context.get("dashboard_key") is None:
        progress = _progress(user)
    else:
        progress = get_or_compute(key, lambda: _progress(user))
    return {"progress": progress}


def _progress(user):
    progress = progress_of(user)
    progress["done_time"] = hours_text(progress["done_s"])
    progress["planned_time"] = hours_text(progress["planned_s"])
    return progress

"""Template tags sync's pages use to show analytics, so that sync's views need not
import analytics (the dependency runs analytics -> sync)."""

from django import template

from ..streams.page import block_html

register = template.Library()


@register.simple_tag
def activity_streams(activity):
    """{% activity_streams activity %}: map, charts, splits, zones and best efforts
    of the session; "Loading…" while its streams are fetched."""
    return block_html(activity)

"""{% connect_button slug name reconnect=True %} and {% powered_by_strava %}."""

from django import template

from providers.buttons import connect_button_html, powered_by_strava_html

register = template.Library()


@register.simple_tag
def connect_button(slug, name, reconnect=False):
    return connect_button_html(slug, name, reconnect)


@register.simple_tag
def powered_by_strava():
    return powered_by_strava_html()

"""{% load units %}: {{ metres|distance:units }}, {{ metres|elevation:units }},
{{ s_per_km|pace:units }}, {{ m_per_s|speed:units }}.

Filters cannot see the request, so `units` is the athlete's setting put in every
template's context by analytics.context_processors.units (read lazily: a page
that prints no distance costs no lookup). The conversions are sync.display's."""

from django import template

from sync import display as convert

register = template.Library()


@register.filter
def distance(metres, units="metric"):
    return convert.format_distance(metres, str(units))


@register.filter
def elevation(metres, units="metric"):
    return convert.format_elevation(metres, str(units))


@register.filter
def pace(seconds_per_km, units="metric"):
    return convert.format_pace(seconds_per_km, str(units))


@register.filter
def speed(metres_per_second, units="metric"):
    return convert.format_speed(metres_per_second, str(units))

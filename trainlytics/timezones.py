"""The athlete's time zone: an IANA name, checked against the zoneinfo database."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def available():
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in available():
        raise ValidationError(
            "%(value)s is not a time zone; use an IANA name such as Europe/Paris.",
            params={"value": value},
            code="invalid_time_zone",
        )


def zone(name):
    """The ZoneInfo for `name`, UTC for a name the database no longer knows."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def choices():
    return [(name, name.replace("_", " ")) for name in sorted(available())]

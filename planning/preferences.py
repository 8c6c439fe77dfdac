"""The athlete's settings the calendar page changes."""

from django.db import transaction

from trainlytics.timezones import validate_time_zone

from . import matching


def set_time_zone(user, name):
    """Days are the athlete's local days: a new zone can change which session
    belongs to which day, so every day not decided by hand is matched again."""
    validate_time_zone(name)
    with transaction.atomic():
        user.time_zone = name
        user.save(update_fields=["time_zone"])
        matching.rematch_user(user.pk)

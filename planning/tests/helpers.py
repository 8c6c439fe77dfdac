"""Builders for the planning tests: workouts through the services, sessions through
the sync path (so they are grouped and announced exactly as a sync does)."""

from datetime import date

from providers.sports import SportType
from sync.tests.grouping_helpers import record

from .. import services

DAY = date(2026, 5, 3)


def plan(user, day=DAY, sport=SportType.RUN, **values):
    values = {"title": "Planned", "sport_type": sport, "scheduled_for": day, **values}
    return services.create_workout(user, **values)


def done(connection, activity_id, start, seconds, sport=SportType.RUN, **fields):
    return record(connection, activity_id, start, seconds, sport, **fields)

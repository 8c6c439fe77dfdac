"""Builders for the analytics tests: sessions through sync's write path (grouped and
announced exactly as a sync does), or stored loads directly."""

from datetime import UTC, datetime, time
from itertools import count

from analytics.models import LoadMethod, TrainingLoad
from providers.sports import SportType
from sync.models import Activity
from sync.tests.grouping_helpers import record

_ids = count(1)


def session(connection, start, seconds=3600, sport=SportType.RUN, **fields):
    """One activity written as a sync page writes it (receivers run): sync's own
    test builder, with an id of its own unless one is given."""
    activity_id = fields.pop("activity_id", None) or f"a{next(_ids)}"
    return record(connection, activity_id, start, seconds, sport, **fields)


def stored(user, start, **fields):
    """An activity saved without any sync signal (for loads written by hand)."""
    values = {
        "provider": "strava",
        "provider_activity_id": f"s{next(_ids)}",
        "sport_type": SportType.RUN,
        "start_time": start,
        "elapsed_time_s": 3600,
    }
    return Activity.objects.create(user=user, **(values | fields))


def load_on(user, day, load, method=LoadMethod.TRIMP):
    start = datetime.combine(day, time(7), tzinfo=UTC)
    activity = stored(user, start)
    return TrainingLoad.objects.create(
        activity=activity, user=user, day=day, load=load, method=method
    )


def loads_of(user):
    """{provider activity id: (day, rounded load, method)} of the athlete."""
    return {
        row.activity.provider_activity_id: (row.day, round(row.load, 1), row.method)
        for row in TrainingLoad.objects.filter(user=user).select_related("activity")
    }

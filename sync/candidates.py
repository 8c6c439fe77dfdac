"""What an athlete may merge a session with: the copies from other providers that
start near it (the activity page's "Merge with…").

Raw SQL: the ORM spent three times as long compiling this small query as the
database spent answering it, and it runs on every activity page.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection

WINDOW = timedelta(hours=6)
LIMIT = 20
COLUMNS = (
    "id",
    "provider",
    "sport_type",
    "name",
    "start_time",
    "utc_offset_s",
    "elapsed_time_s",
    "moving_time_s",
    "distance_m",
    "elevation_gain_m",
    "avg_hr_bpm",
)
SQL = (
    f"SELECT {', '.join(COLUMNS)} FROM activities"  # noqa: S608 - column names only
    " WHERE user_id = %s AND start_time >= %s AND start_time <= %s"
    " AND provider NOT IN ({providers}) ORDER BY start_time, id LIMIT %s"
)


@dataclass
class Candidate:
    """An activity as the merge list shows it (the fields activity_display reads)."""

    id: int
    provider: str
    sport_type: str
    name: str | None
    start_time: datetime
    utc_offset_s: int | None
    elapsed_time_s: int | None
    moving_time_s: int | None
    distance_m: float | None
    elevation_gain_m: float | None
    avg_hr_bpm: float | None

    @property
    def pk(self):
        return self.id


def merge_candidates(activity, copies):
    """Copies from providers not yet in the session that start within WINDOW of
    it, earliest first: what the athlete may merge a missed pair with. One query."""
    providers = sorted({c.provider for c in copies})
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        activity.user_id,
        adapt(activity.start_time - WINDOW),
        adapt(activity.start_time + WINDOW),
        *providers,
        LIMIT,
    ]
    sql = SQL.format(providers=", ".join(["%s"] * len(providers)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_candidate(row) for row in cursor.fetchall()]


def _candidate(row):
    found = Candidate(*row)
    if found.start_time.tzinfo is None:  # SQLite keeps UTC without a zone
        found.start_time = found.start_time.replace(tzinfo=UTC)
    return found

"""bench/analytics.py's streams part: a 4-hour 1 Hz ride, from FIT to the page.

The ride is a sandbox session stretched to four hours, written as a FIT file by the
sandbox (fit-tool's encoder, every channel at 1 Hz), then parsed with our FIT reader
and stored as the pipeline stores it (analytics.streams.store), timed over rounds;
its stored size is reported. The activity's page is then timed against the minimal
view by the caller.
"""

import statistics
import time
from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from analytics.models import ActivityStreams
from analytics.streams import store
from providers.sandbox import data
from providers.sandbox.stream_files import fit_file
from providers.streamfiles.fit import parse_fit
from providers.tests.factories import make_connection
from sync.models import Activity

HOURS = 4


def four_hour_ride():
    athlete = data.ATHLETES[0]
    today = timezone.now().date()
    base = next(
        session
        for back in range(2, 30)
        for session in data.sessions_on(athlete, today - timedelta(days=back))
    )
    day = base.start.date()
    seconds = HOURS * 3600
    return replace(
        base,
        key=f"bench-ride-{day.toordinal()}",
        sport="ride",
        elapsed_s=seconds,
        moving_s=seconds - 300,
        distance_m=120_000.0,
        elevation_m=1500.0,
    )


def stored_ride(user, rounds=5):
    """(the activity, fastest and median parse+store seconds, stored bytes)."""
    session = four_hour_ride()
    blob = fit_file(session)
    connection = make_connection(user, "wahoo")
    activity = Activity.objects.create(
        user=user,
        connection=connection,
        provider="wahoo",
        provider_activity_id="bench-ride",
        sport_type="ride",
        start_time=session.start,
        elapsed_time_s=session.elapsed_s,
        distance_m=session.distance_m,
    )
    times = []
    for _ in range(rounds):
        ActivityStreams.objects.filter(activity=activity).delete()
        started = time.perf_counter()
        row = ActivityStreams.objects.create(activity=activity)
        store.save(row, parse_fit(blob), "wahoo")
        times.append(time.perf_counter() - started)
    row.refresh_from_db()
    size = len(row.data) + len(str(row.low))
    return activity, row.samples, len(blob), min(times), statistics.median(times), size

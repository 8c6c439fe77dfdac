"""Benchmark: the /analytics/ page and /api/analytics/fitness for one year, and the
recompute of every training load, for an athlete with 5 years of activities (issue 16).

The athlete has ~2,000 sessions with heart rate over five years (one every ~22 h,
runs, rides, swims and walks), a tenth of them recorded twice (a Garmin copy of a
Strava session, grouped as sync groups them). The pages are timed as bench/web.py
times the dashboard: against a minimal authenticated view in the same run, one
request to each URL per round, medians; target <= 3x. Query counts are compared
with an athlete who has a tenth of the data (they must be equal). The recompute of
all the athlete's loads (services.recompute_user) is timed too; target <= 2 s. Last,
a 4-hour 1 Hz ride's streams are parsed from FIT and stored (target <= 1 s and
<= 1 MB) and its activity page is timed the same way (bench/ride_streams.py).

    DATABASE_URL=postgres://root@127.0.0.1:5432/trainlytics_bench \
        .venv/bin/python bench/analytics.py [--iterations 200]

Creates and drops a throwaway test database (test_<name>). Not a test.
"""

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainlytics.settings_test")

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")
# The streams' task logs (queued fetches of the bench's sessions) are noise here.
logging.disable(logging.INFO)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from ride_streams import stored_ride  # noqa: E402
from web import URLCONF, analyze, medians_ms  # noqa: E402

from analytics.models import TrainingLoad  # noqa: E402
from analytics.services import recompute_user  # noqa: E402
from providers.tests.factories import make_connection, make_user  # noqa: E402
from sync.grouping.store import regroup_user  # noqa: E402
from sync.models import Activity  # noqa: E402

SPORTS = ("run", "ride", "swim", "walk")
YEARS = 5


def build_athlete(user, sessions=2_000):
    """`sessions` over five years, with HR; every tenth also recorded on Garmin."""
    strava, garmin = make_connection(user, "strava"), make_connection(user, "garmin")
    now = timezone.now()
    gap = timedelta(days=365 * YEARS) / sessions
    rows = []
    for i in range(sessions):
        start = now - gap * i
        values = {
            "user": user,
            "sport_type": SPORTS[i % len(SPORTS)],
            "name": f"Session {i}",
            "start_time": start,
            "utc_offset_s": 3600,
            "moving_time_s": 1800 + (i * 37) % 5400,
            "distance_m": 5000.0 + (i * 53) % 60000,
            "avg_hr_bpm": 120.0 + (i * 7) % 50,
            "max_hr_bpm": 160.0 + (i * 3) % 30,
        }
        rows.append(
            Activity(
                connection=strava,
                provider="strava",
                provider_activity_id=f"{user.pk}-s{i}",
                **values,
            )
        )
        if i % 10 == 0:
            rows.append(
                Activity(
                    connection=garmin,
                    provider="garmin",
                    provider_activity_id=f"{user.pk}-g{i}",
                    **values,
                )
            )
    Activity.objects.bulk_create(rows, batch_size=2000)
    regroup_user(user.pk)  # groups the copies and, through the signal, loads them


def time_recompute(user, rounds=5):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        written = recompute_user(user.pk)
        times.append(time.perf_counter() - start)
    return written, min(times), statistics.median(times)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; set DATABASE_URL for meaningful figures")
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        with override_settings(ROOT_URLCONF=URLCONF, ALLOWED_HOSTS=["testserver"]):
            run(args.iterations)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(iterations):
    user, small = make_user("bench@example.com"), make_user("small@example.com")
    build_athlete(user)
    build_athlete(small, sessions=200)
    analyze()
    sessions = Activity.objects.filter(user=user, is_canonical=True).count()
    written, best, median = time_recompute(user)
    print(f"{sessions} sessions over {YEARS} years, {written} loads")
    print(
        f"recompute all loads: fastest {best:5.2f} s, median {median:5.2f} s "
        "(target <= 2 s)"
    )
    assert TrainingLoad.objects.filter(user=user).count() == written
    last = timezone.now().date()
    window = f"from={last - timedelta(days=364)}&to={last}"
    pages = {
        "/analytics/ (one year)": f"/analytics/?{window}",
        "/api/analytics/fitness (one year)": f"/api/analytics/fitness?{window}",
    }
    client = Client()
    client.force_login(small)
    small_counts = {url: queries_of(client, url) for url in pages.values()}
    client.force_login(user)
    counts = {url: queries_of(client, url) for url in pages.values()}
    medians = medians_ms(client, ["/bench/baseline/", *pages.values()], iterations)
    base = medians["/bench/baseline/"]
    print(f"baseline (minimal authenticated view): {base:7.2f} ms")
    for name, url in pages.items():
        ms = medians[url]
        same = "same as" if counts[url] == small_counts[url] else "NOT the same as"
        print(
            f"{name:34}: {ms:7.2f} ms  ratio {ms / base:5.2f}x (target <= 3x), "
            f"{counts[url]} queries when not cached ({same} a tenth of the data)"
        )
    ride_page(client, user, iterations)


def ride_page(client, user, iterations):
    ride, samples, fit_bytes, best, median, size = stored_ride(user)
    print(
        f"4-hour ride, {samples} samples, FIT {fit_bytes / 1e6:.2f} MB: parsed and "
        f"stored fastest {best:5.2f} s, median {median:5.2f} s (target <= 1 s); "
        f"stored {size / 1e3:.0f} kB (target <= 1 MB)"
    )
    url = f"/activities/{ride.pk}/"
    client.get(url)  # the analysis of the full-rate streams is cached after this
    medians = medians_ms(client, ["/bench/baseline/", url], iterations)
    base, ms = medians["/bench/baseline/"], medians[url]
    print(
        f"{'activity page, 4-hour ride':34}: {ms:7.2f} ms  ratio {ms / base:5.2f}x "
        "(target <= 3x)"
    )


if __name__ == "__main__":
    main()

"""Median server time of the dashboard and the feed's first page, against a baseline.

The dataset is the query-count test's: 6 connections, 20,000 activities, 2,000 sync
runs. The baseline is a minimal authenticated view (session + user lookup, no work),
measured in the same run with the same in-process test Client, one request to each
URL per round, so the ratios show what our pages add on top of Django's own
per-request cost and the machine's drift weighs on all three alike. Target: <= 3x.

    DATABASE_URL=postgres://root@127.0.0.1:5432/trainlytics_bench \
        .venv/bin/python bench/web.py [--iterations 200]

Creates and drops a throwaway test database (test_<name>). Not a test.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainlytics.settings_test")

import django

django.setup()
# whitenoise warns that collectstatic has not run; irrelevant to these timings.
warnings.filterwarnings("ignore", message="No directory at")

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from providers.tests.factories import make_user  # noqa: E402
from sync.tests.test_query_counts import build_dataset  # noqa: E402


@login_required
def baseline(request):
    return HttpResponse("ok")


# The project's URLs plus the baseline view (a module: resolvers are cached by it).
URLCONF = ModuleType("bench_urls")
URLCONF.urlpatterns = [
    path("bench/baseline/", baseline),
    path("", include("trainlytics.urls")),
]


def medians_ms(client, urls, iterations):
    """Median time of each URL, measured in interleaved rounds (one request to each
    URL per round) so that the machine's drift weighs on every URL alike."""
    for url in urls:
        for _ in range(5):  # warm caches, templates and connections
            assert client.get(url).status_code == 200
    samples = {url: [] for url in urls}
    for _ in range(iterations):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            samples[url].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return {url: statistics.median(times) for url, times in samples.items()}


def analyze():
    """Planner statistics and a visibility map, as autovacuum keeps them live."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; set DATABASE_URL for meaningful figures")
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        # No setup_test_environment(): its template instrumentation would dominate.
        hosts = ["testserver"]
        with override_settings(ROOT_URLCONF=URLCONF, ALLOWED_HOSTS=hosts):
            user = make_user("bench@example.com")
            build_dataset(user)
            analyze()
            client = Client()
            client.force_login(user)
            pages = {"dashboard": "/", "feed page 1": "/activities/"}
            medians = medians_ms(
                client, ["/bench/baseline/", *pages.values()], args.iterations
            )
            base = medians["/bench/baseline/"]
            print(f"baseline (minimal authenticated view): {base:7.2f} ms")
            for name, url in pages.items():
                ms = medians[url]
                print(
                    f"{name:38}: {ms:7.2f} ms  ratio {ms / base:5.2f}x (target <= 3x)"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

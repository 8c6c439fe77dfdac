"""Storing and reading an activity's streams (analytics/streams/store.py)."""

import pytest

from analytics.models import ActivityStreams, StreamStatus
from analytics.streams import codec, store

from .streams_helpers import ride, session

pytestmark = pytest.mark.django_db


def test_saved_streams_are_ready_compact_and_downsampled_for_charts(user):
    activity = session(user, "strava")["strava"]
    row = ActivityStreams.objects.create(activity=activity)
    data = ride(seconds=4 * 3600)

    store.save(row, data, "strava")

    row = ActivityStreams.objects.get(pk=row.pk)
    assert row.status == StreamStatus.READY
    assert row.source == "strava"
    assert row.samples == 4 * 3600 + 1
    assert row.channels == list(data.channels())
    assert "cadence_rpm" not in row.channels
    assert len(bytes(row.data)) < 1_000_000
    assert len(row.low["time_s"]) <= codec.LOW_POINTS + 1
    assert row.low["time_s"][-1] == 4 * 3600
    assert row.fetched_at is not None


def test_high_resolution_reads_back_every_sample(user):
    activity = session(user, "strava")["strava"]
    row = store.save(ActivityStreams(activity=activity), ride(seconds=900), "strava")

    high = store.channels_of(ActivityStreams.objects.get(pk=row.pk), "high")

    assert high["time_s"] == list(range(901))
    assert high["heartrate_bpm"] == ride(seconds=900).heartrate_bpm
    assert high["latitude"][100] == pytest.approx(52.001)


def test_low_resolution_is_the_stored_downsampled_copy(user):
    activity = session(user, "strava")["strava"]
    row = store.save(ActivityStreams(activity=activity), ride(seconds=3000), "strava")

    low = store.channels_of(row, "low")

    assert low == codec.downsample(ride(seconds=3000).channels())
    assert set(low) == set(row.channels)


def test_a_row_that_is_not_ready_has_no_channels(user):
    activity = session(user, "strava")["strava"]
    row = ActivityStreams.objects.create(activity=activity)

    assert store.channels_of(row, "high") == {}
    assert store.channels_of(None) == {}


def test_an_unknown_resolution_is_refused(user):
    activity = session(user, "strava")["strava"]
    row = store.save(ActivityStreams(activity=activity), ride(), "strava")

    with pytest.raises(ValueError, match="resolution"):
        store.channels_of(row, "medium")


def test_every_copy_of_a_session_reads_the_streams_of_the_canonical_copy(
    user, django_assert_num_queries
):
    copies = session(user, "garmin", "strava")
    canonical = next(c for c in copies.values() if c.is_canonical)
    other = next(c for c in copies.values() if not c.is_canonical)
    row = store.save(ActivityStreams(activity=canonical), ride(), "garmin")

    with django_assert_num_queries(1):
        found = store.streams_for(other)

    assert found.pk == row.pk


def test_a_ready_row_wins_over_a_pending_one_of_the_same_session(user):
    copies = session(user, "garmin", "strava")
    ready = store.save(ActivityStreams(activity=copies["strava"]), ride(), "strava")
    ActivityStreams.objects.create(activity=copies["garmin"])

    assert store.streams_for(copies["garmin"]).pk == ready.pk


def test_an_activity_without_streams_has_no_row(user):
    activity = session(user, "strava")["strava"]

    assert store.streams_for(activity) is None


def test_stored_streams_keep_the_sessions_best_efforts(user):
    activity = session(user, "strava")["strava"]
    row = store.save(ActivityStreams(activity=activity), ride(seconds=1300), "strava")

    efforts = ActivityStreams.objects.get(pk=row.pk).efforts

    # 8 m/s: 1 km in 125 s, 10 km in 1250 s; power 200 + t % 50.
    assert efforts["distance"] == {"1000": 125.0, "5000": 625.0, "10000": 1250.0}
    assert set(efforts["power"]) == {"5", "60", "300", "1200"}
    assert efforts["power"]["5"] == pytest.approx(247.0)


def test_streams_without_distance_or_power_have_no_such_efforts():
    data = ride(seconds=600, power=False)
    data.distance_m = None

    assert store.efforts_of(data.channels()) == {"distance": {}, "power": {}}


def test_a_fetch_storing_streams_invalidates_the_athletes_analytics_page(
    user, django_capture_on_commit_callbacks
):
    from analytics import cache

    activity = session(user, "strava")["strava"]
    row = ActivityStreams.objects.create(activity=activity)
    before = cache.version(user.pk)

    with django_capture_on_commit_callbacks(execute=True):
        written = store.mark_ready(
            ActivityStreams.objects.filter(pk=row.pk), ride(), "strava", user.pk
        )

    assert written == 1
    assert ActivityStreams.objects.get(pk=row.pk).status == StreamStatus.READY
    assert cache.version(user.pk) != before


def test_a_fetch_that_lost_its_row_invalidates_nothing(
    user, django_capture_on_commit_callbacks
):
    from analytics import cache

    before = cache.version(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        written = store.mark_ready(
            ActivityStreams.objects.none(), ride(), "strava", user.pk
        )

    assert written == 0
    assert cache.version(user.pk) == before

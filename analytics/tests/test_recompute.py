"""Loads follow the sessions: written, grouped, deleted, and rebuilt on demand."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics import athlete, services
from analytics.models import ActivityStreams, AthleteSettings, TrainingLoad
from analytics.streams.codec import encode
from providers.tests.factories import make_connection
from sync.models import Activity

from .load_helpers import loads_of, session, stored

START = datetime(2026, 5, 3, 6, 0, tzinfo=UTC)


@pytest.fixture
def strava(user):
    return make_connection(user, "strava")


@pytest.fixture
def garmin(user):
    return make_connection(user, "garmin")


def test_a_synced_session_with_heart_rate_gets_a_trimp_load(user, strava):
    session(strava, START, avg_hr_bpm=150.0, activity_id="r1")
    # resting 60 and max 190 by default: 100.44 (see test_load)
    assert loads_of(user) == {"r1": (date(2026, 5, 3), 100.4, "trimp")}


def test_the_load_is_on_the_local_day_where_the_session_was_done(user, strava):
    late = datetime(2026, 5, 3, 23, 30, tzinfo=UTC)
    session(strava, late, avg_hr_bpm=150.0, utc_offset_s=7200, activity_id="r1")
    assert loads_of(user)["r1"][0] == date(2026, 5, 4)


def test_without_an_offset_the_day_is_in_the_athletes_time_zone(user, strava):
    user.time_zone = "America/New_York"
    user.save()
    late = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
    session(strava, late, avg_hr_bpm=150.0, activity_id="r1")
    assert loads_of(user)["r1"][0] == date(2026, 5, 3)


def test_a_session_without_heart_rate_or_power_has_no_load(user, strava):
    session(strava, START, activity_id="r1")
    assert loads_of(user) == {}


def test_a_duplicate_counts_once_on_its_canonical_copy(user, strava, garmin):
    session(strava, START, avg_hr_bpm=150.0, activity_id="s1")
    session(garmin, START + timedelta(seconds=20), avg_hr_bpm=150.0, activity_id="g1")
    canonical = Activity.objects.get(user=user, is_canonical=True)
    assert canonical.provider == "garmin"  # garmin ranks first
    assert list(loads_of(user)) == ["g1"]


def test_the_canonical_copy_uses_a_heart_rate_filled_from_another(user, strava, garmin):
    session(strava, START, avg_hr_bpm=150.0, activity_id="s1")
    session(garmin, START + timedelta(seconds=20), activity_id="g1")
    assert loads_of(user) == {"g1": (date(2026, 5, 3), 100.4, "trimp")}


def test_deleting_the_canonical_copy_moves_the_load_to_the_next(user, strava, garmin):
    session(strava, START, avg_hr_bpm=150.0, activity_id="s1")
    session(garmin, START + timedelta(seconds=20), avg_hr_bpm=140.0, activity_id="g1")
    Activity.objects.filter(provider="garmin").delete()
    assert loads_of(user) == {"s1": (date(2026, 5, 3), 100.4, "trimp")}


def test_deleting_a_session_deletes_its_load(user, strava):
    activity = session(strava, START, avg_hr_bpm=150.0)
    activity.delete()
    assert not TrainingLoad.objects.exists()


def test_a_new_higher_max_hr_recomputes_the_older_loads(user, strava):
    session(strava, START, avg_hr_bpm=150.0, max_hr_bpm=170.0, activity_id="r1")
    # max 170: dHR = 90/110 = 0.818182; e^1.570909 = 4.811020;
    # 60 * 0.818182 * 0.64 * 4.811020 = 151.2
    assert loads_of(user)["r1"][1] == 151.2
    later = START + timedelta(days=30)
    session(strava, later, avg_hr_bpm=120.0, max_hr_bpm=190.0, activity_id="r2")
    assert loads_of(user)["r1"][1] == 100.4
    assert AthleteSettings.objects.get(user=user).observed_max_hr_bpm == 190


def test_changing_the_resting_hr_recomputes_every_load(user, strava):
    session(strava, START, avg_hr_bpm=150.0, activity_id="r1")
    athlete.update_settings(user.pk, resting_hr_bpm=50, max_hr_bpm=190)
    # dHR = 100/140 = 0.714286; e^1.371429 = 3.940977;
    # 60 * 0.714286 * 0.64 * 3.940977 = 108.1
    assert loads_of(user)["r1"][1] == 108.1


def test_a_ride_with_power_streams_gets_tss_once_an_ftp_is_set(user, strava):
    ride = session(strava, START, sport="ride", avg_hr_bpm=150.0, activity_id="b1")
    channels = {"time_s": list(range(3600)), "power_w": [200] * 3600}
    ActivityStreams.objects.create(
        activity=ride,
        status="ready",
        data=encode(channels),
        channels=["time_s", "power_w"],
    )
    assert loads_of(user)["b1"][2] == "trimp"
    athlete.update_settings(user.pk, ftp_w=250)
    # IF 0.8 for an hour: TSS 64
    assert loads_of(user) == {"b1": (date(2026, 5, 3), 64.0, "tss")}


def test_another_athletes_sessions_are_left_alone(user, other_user, strava):
    theirs = make_connection(other_user, "garmin")
    session(theirs, START, avg_hr_bpm=150.0, activity_id="x1")
    session(strava, START, avg_hr_bpm=150.0, activity_id="r1")
    athlete.update_settings(user.pk, resting_hr_bpm=50)
    assert loads_of(other_user)["x1"][1] == 100.4


def test_recomputing_a_page_takes_the_same_queries_for_1_or_50_sessions(
    user, django_assert_max_num_queries
):
    few = [stored(user, START, avg_hr_bpm=150.0)]
    many = [
        stored(user, START + timedelta(hours=i), avg_hr_bpm=150.0) for i in range(50)
    ]
    services.recompute_user(user.pk)  # the observed max HR is settled
    for page in (few, many):
        with django_assert_max_num_queries(8):
            services.recompute_starts(user.pk, [a.start_time for a in page])
    assert TrainingLoad.objects.filter(user=user).count() == 51


def test_the_command_rebuilds_every_load_with_a_progress_bar(user, strava):
    stored(user, START, avg_hr_bpm=150.0)
    out = StringIO()
    call_command("recompute_training_load", stdout=out)
    assert "[##############################] 1/1 athletes" in out.getvalue()
    assert "1 training loads for 1 athletes." in out.getvalue()
    assert TrainingLoad.objects.filter(user=user).count() == 1


def test_the_command_rebuilds_one_athlete_by_email(user, other_user):
    stored(user, START, avg_hr_bpm=150.0)
    stored(other_user, START, avg_hr_bpm=150.0)
    call_command(
        "recompute_training_load", user="ATHLETE@example.com", stdout=StringIO()
    )
    assert list(TrainingLoad.objects.values_list("user_id", flat=True)) == [user.pk]


def test_the_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError, match="No athlete"):
        call_command("recompute_training_load", user="nobody@example.com")

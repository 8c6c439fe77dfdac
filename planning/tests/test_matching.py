from datetime import UTC, date, datetime, timedelta

import pytest

from planning import matching, services
from providers.sports import SportType
from providers.tests.factories import make_connection
from sync.grouping.decisions import split_activity
from sync.models import Activity, Workout, WorkoutStatus
from sync.signals import scheduled_pass

from .helpers import DAY, done, plan

MORNING = datetime(2026, 5, 3, 7, 0, tzinfo=UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]


@pytest.fixture
def strava(user):
    return make_connection(user, "strava")


@pytest.fixture
def garmin(user):
    return make_connection(user, "garmin")


def test_a_session_of_the_same_family_that_day_completes_the_workout(user, strava):
    workout = plan(user, sport=SportType.RUN, planned_duration_s=3600)
    activity = done(strava, 1, MORNING, 3500, SportType.TRAIL_RUN)
    workout.refresh_from_db()
    assert workout.status == WorkoutStatus.COMPLETED
    assert workout.completed_activity_id == activity.pk


def test_a_session_of_another_family_does_not(user, strava):
    workout = plan(user, sport=SportType.RIDE, planned_duration_s=3600)
    done(strava, 1, MORNING, 3600, SportType.RUN)
    workout.refresh_from_db()
    assert workout.status == WorkoutStatus.PLANNED
    assert workout.completed_activity is None


def test_a_session_planned_first_then_done_matches_and_done_first_then_planned_too(
    user, strava
):
    activity = done(strava, 1, MORNING, 3600)
    workout = plan(user, planned_duration_s=3600)
    assert workout.completed_activity_id == activity.pk


def test_two_sessions_on_one_day_go_to_the_nearest_plans(user, strava):
    long_run = plan(user, title="Long", planned_duration_s=7200)
    short_run = plan(user, title="Short", planned_duration_s=1800)
    short = done(strava, 1, MORNING, 1700)
    long = done(strava, 2, MORNING + timedelta(hours=8), 7000)
    long_run.refresh_from_db()
    short_run.refresh_from_db()
    assert long_run.completed_activity_id == long.pk
    assert short_run.completed_activity_id == short.pk


def test_distance_decides_when_only_distance_is_planned(user, strava):
    ten = plan(user, title="10k", planned_distance_m=10_000)
    five = plan(user, title="5k", planned_distance_m=5_000)
    a = done(strava, 1, MORNING, 1500, distance_m=5100.0)
    b = done(strava, 2, MORNING + timedelta(hours=9), 3000, distance_m=9800.0)
    assert Workout.objects.get(pk=ten.pk).completed_activity_id == b.pk
    assert Workout.objects.get(pk=five.pk).completed_activity_id == a.pk


def test_copies_of_one_session_from_two_providers_count_once(user, strava, garmin):
    first = plan(user, title="AM", planned_duration_s=3600)
    second = plan(user, title="PM", planned_duration_s=3600)
    done(strava, 1, MORNING, 3600)
    done(garmin, "g1", MORNING + timedelta(seconds=20), 3590)
    assert Activity.objects.filter(user=user, is_canonical=True).count() == 1
    statuses = sorted(
        Workout.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "status", flat=True
        )
    )
    assert statuses == [WorkoutStatus.COMPLETED, WorkoutStatus.PLANNED]


def test_the_day_is_the_athletes_own_near_midnight(user, strava):
    user.time_zone = "America/Los_Angeles"
    user.save()
    # 03:30 UTC on the 4th is 20:30 on the 3rd in Los Angeles.
    late = datetime(2026, 5, 4, 3, 30, tzinfo=UTC)
    on_the_3rd = plan(user, day=DAY)
    on_the_4th = plan(user, day=DAY + timedelta(days=1))
    activity = done(strava, 1, late, 3600)
    assert Workout.objects.get(pk=on_the_3rd.pk).completed_activity_id == activity.pk
    assert Workout.objects.get(pk=on_the_4th.pk).completed_activity is None


def test_a_link_made_by_hand_survives_a_resync(user, strava):
    workout = plan(user, planned_duration_s=3600)
    near = done(strava, 1, MORNING, 3600)
    far = done(strava, 2, MORNING + timedelta(hours=5), 600)
    services.link_activity(workout, far)
    done(strava, 1, MORNING, 3600)  # synced again
    workout.refresh_from_db()
    assert workout.completed_activity_id == far.pk
    assert workout.match_manual
    assert near.pk != far.pk


def test_an_unlink_made_by_hand_survives_a_resync(user, strava):
    workout = plan(user, planned_duration_s=3600)
    done(strava, 1, MORNING, 3600)
    services.unlink_activity(workout)
    done(strava, 1, MORNING, 3600)
    workout.refresh_from_db()
    assert workout.completed_activity is None
    assert workout.status == WorkoutStatus.PLANNED


def test_deleting_the_session_rematches_the_workout(user, strava):
    workout = plan(user, planned_duration_s=3600)
    first = done(strava, 1, MORNING, 3600)
    second = done(strava, 2, MORNING + timedelta(hours=6), 2400)
    assert Workout.objects.get(pk=workout.pk).completed_activity_id == first.pk
    first.delete()
    workout.refresh_from_db()
    assert workout.completed_activity_id == second.pk


def test_splitting_a_group_rematches_its_day(user, strava, garmin):
    am = plan(user, title="AM", planned_duration_s=3600)
    pm = plan(user, title="PM", planned_duration_s=3600)
    done(strava, 1, MORNING, 3600)
    copy = done(garmin, "g1", MORNING + timedelta(seconds=20), 3590)
    split_activity(user, copy)
    statuses = set(
        Workout.objects.filter(pk__in=[am.pk, pm.pk]).values_list("status", flat=True)
    )
    assert statuses == {WorkoutStatus.COMPLETED}


def test_the_scheduled_pass_skips_what_was_not_done_by_the_end_of_its_day(
    user, monkeypatch
):
    user.time_zone = "Europe/Paris"
    user.save()
    workout = plan(user, day=DAY)
    monkeypatch.undo()
    # 21:59 UTC on the 3rd is 23:59 in Paris: the day is not over yet.
    scheduled_pass.send(None, now=datetime(2026, 5, 3, 21, 59, tzinfo=UTC))
    assert Workout.objects.get(pk=workout.pk).status == WorkoutStatus.PLANNED
    scheduled_pass.send(None, now=datetime(2026, 5, 3, 22, 1, tzinfo=UTC))
    assert Workout.objects.get(pk=workout.pk).status == WorkoutStatus.SKIPPED


def test_a_late_sync_turns_a_skipped_workout_completed(user, strava, monkeypatch):
    workout = plan(user, day=DAY)
    monkeypatch.setattr(matching, "today", lambda tz, now=None: date(2026, 5, 9))
    matching.close_ended_days(datetime(2026, 5, 9, tzinfo=UTC))
    assert Workout.objects.get(pk=workout.pk).status == WorkoutStatus.SKIPPED
    done(strava, 1, MORNING, 3600)
    assert Workout.objects.get(pk=workout.pk).status == WorkoutStatus.COMPLETED

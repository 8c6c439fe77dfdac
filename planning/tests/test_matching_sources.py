"""Every way activities arrive or are regrouped matches planned workouts."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from providers.tests.factories import make_connection
from sync.models import Workout, WorkoutStatus
from sync.tests.test_import_legacy import legacy, run_import  # noqa: F401 (fixture)

from .helpers import done, plan

pytestmark = pytest.mark.usefixtures("before_the_days")


@pytest.mark.postgres
def test_the_legacy_import_completes_the_workouts_its_sessions_did(legacy):  # noqa: F811
    legacy_user = legacy.user("ada@example.com")
    legacy.strava(legacy_user, 4242)
    legacy.activity(legacy_user, 1, start_date=datetime(2024, 5, 1, 6, 30, tzinfo=UTC))
    athlete = get_user_model().objects.create_user("ada@example.com")
    workout = plan(athlete, day=date(2024, 5, 1), planned_duration_s=3000)
    run_import(legacy)

    workout.refresh_from_db()
    assert workout.status == WorkoutStatus.COMPLETED
    assert workout.completed_activity.provider_activity_id == "1"


@pytest.mark.django_db
def test_regrouping_rematches_every_day_the_athlete_planned(user):
    strava = make_connection(user, "strava")
    done(strava, 1, datetime(2026, 5, 4, 7, tzinfo=UTC), 3000)
    workout = plan(user, planned_duration_s=3000)
    Workout.objects.filter(pk=workout.pk).update(status=WorkoutStatus.SKIPPED)
    call_command("regroup_activities", stdout=None)
    assert Workout.objects.get(pk=workout.pk).status == WorkoutStatus.PLANNED

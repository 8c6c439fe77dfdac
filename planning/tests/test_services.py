from datetime import UTC, date, datetime, time

import pytest

from planning import services
from planning.services import WorkoutInvalid
from providers.tests.factories import make_connection
from sync.models import Workout, WorkoutStatus

from .helpers import DAY, done, plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]
MORNING = datetime(2026, 5, 3, 7, 0, tzinfo=UTC)
STEPS = {"steps": [{"kind": "interval", "duration_s": 600}]}


def test_creating_fills_the_plan_from_the_structure_when_left_blank(user):
    workout = plan(
        user,
        structure={
            "steps": [
                {"kind": "warmup", "duration_s": 600},
                {
                    "kind": "repeat",
                    "count": 5,
                    "steps": [{"kind": "interval", "distance_m": 400}],
                },
            ]
        },
    )
    assert workout.planned_duration_s == 600
    assert workout.planned_distance_m == 2000


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "  "}, "title"),
        ({"planned_duration_s": -60}, "planned_duration_s"),
        ({"planned_distance_m": 0}, "planned_distance_m"),
        ({"sport_type": "quidditch"}, "sport_type"),
        ({"scheduled_for": "2026-05-03"}, "scheduled_for"),
        ({"scheduled_for": date(1999, 12, 31)}, "scheduled_for"),
        ({"structure": {"steps": [{"kind": "interval"}]}}, "structure"),
        ({"target": {"type": "hr_zone", "zone": 9}}, "target"),
        ({"status": "completed"}, "status"),
    ],
)
def test_bad_values_are_refused_by_field_and_nothing_is_saved(user, values, field):
    with pytest.raises(WorkoutInvalid) as refused:
        plan(user, **values)
    assert field in refused.value.errors
    assert not Workout.objects.exists()


def test_an_update_changes_only_what_it_names(user):
    workout = plan(user, planned_duration_s=3600, description="Easy")
    services.update_workout(workout, title="Tempo")
    workout.refresh_from_db()
    assert (workout.title, workout.planned_duration_s, workout.description) == (
        "Tempo",
        3600,
        "Easy",
    )


def test_a_new_structure_replaces_the_sums_it_gave(user):
    workout = plan(user, structure=STEPS)
    services.update_workout(
        workout, structure={"steps": [{"kind": "interval", "duration_s": 1200}]}
    )
    assert Workout.objects.get(pk=workout.pk).planned_duration_s == 1200


def test_moving_a_workout_hands_its_session_back_and_matches_the_new_day(user):
    strava = make_connection(user, "strava")
    workout = plan(user, planned_duration_s=3600)
    activity = done(strava, 1, MORNING, 3600)
    services.link_activity(workout, activity)
    services.move_workout(workout, date(2026, 5, 4))
    workout.refresh_from_db()
    assert workout.scheduled_for == date(2026, 5, 4)
    assert not workout.match_manual
    assert workout.completed_activity is None


def test_duplicating_copies_the_plan_not_its_result(user):
    strava = make_connection(user, "strava")
    workout = plan(
        user, planned_duration_s=3600, structure=STEPS, scheduled_time=time(7, 30)
    )
    done(strava, 1, MORNING, 3600)
    copy = services.duplicate_workout(workout, date(2026, 5, 10))
    assert copy.pk != workout.pk
    assert copy.structure == STEPS
    assert copy.scheduled_time == time(7, 30)
    assert copy.status == WorkoutStatus.PLANNED
    assert copy.completed_activity is None


def test_deleting_a_workout_frees_its_session_for_another_plan_that_day(user):
    strava = make_connection(user, "strava")
    first = plan(user, title="A", planned_duration_s=3600)
    second = plan(user, title="B", planned_duration_s=1800)
    activity = done(strava, 1, MORNING, 3600)
    assert Workout.objects.get(pk=first.pk).completed_activity_id == activity.pk
    services.delete_workout(first)
    assert Workout.objects.get(pk=second.pk).completed_activity_id == activity.pk


def test_linking_by_hand_takes_the_session_from_another_workout(user):
    strava = make_connection(user, "strava")
    first = plan(user, title="A", planned_duration_s=3600)
    second = plan(user, title="B", planned_duration_s=600)
    activity = done(strava, 1, MORNING, 3600)
    services.link_activity(second, activity)
    first.refresh_from_db()
    assert first.completed_activity is None
    assert Workout.objects.get(pk=second.pk).completed_activity_id == activity.pk


def test_linking_another_athletes_activity_is_refused(user, other_user):
    theirs = done(make_connection(other_user, "strava"), 1, MORNING, 3600)
    workout = plan(user)
    with pytest.raises(WorkoutInvalid):
        services.link_activity(workout, theirs)


def test_giving_back_to_matching_undoes_a_hand_made_unlink(user):
    strava = make_connection(user, "strava")
    workout = plan(user, planned_duration_s=3600)
    activity = done(strava, 1, MORNING, 3600)
    services.unlink_activity(workout)
    assert Workout.objects.get(pk=workout.pk).completed_activity is None
    services.reset_match(workout)
    assert Workout.objects.get(pk=workout.pk).completed_activity_id == activity.pk


def test_week_progress_counts_the_athletes_week(user):
    strava = make_connection(user, "strava")
    plan(user, day=DAY, planned_duration_s=3600)
    plan(user, day=date(2026, 4, 28), planned_duration_s=1800)
    plan(user, day=date(2026, 5, 4), planned_duration_s=999)  # the next week
    done(strava, 1, MORNING, 3000)
    progress = services.week_progress(user, now=datetime(2026, 5, 3, 12, tzinfo=UTC))
    assert progress["planned"] == 2
    assert progress["done"] == 1
    assert progress["planned_s"] == 5400
    assert progress["done_s"] == 3000

"""Regrouping, and the athlete's split and merge surviving it (issue 10)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from providers.sports import SportType
from sync.grouping import GroupingError, merge_activities, split_activity
from sync.models import Activity, ActivityGroup, ActivityGroupDecision
from sync.services import upsert_activities

from .grouping_helpers import MORNING, connections, later, partition, record, visible


@pytest.fixture
def week(user):
    """A week of a multi-device athlete: pairs, a triple, a brick, lone sessions."""
    c = connections(user, "garmin", "strava", "fitbit", "polar")
    for day in range(7):
        start = later(MORNING, days=day)
        record(c["garmin"], f"g{day}", start, 3600 + day)
        record(c["strava"], f"s{day}", later(start, seconds=day), 3600)
        if day % 3 == 0:
            record(c["fitbit"], f"f{day}", later(start, seconds=50), 3550)
        if day % 2 == 0:
            evening = later(start, hours=11)
            record(c["polar"], f"p{day}", evening, 2000, SportType.RIDE)
            record(c["garmin"], f"ge{day}", later(evening, minutes=40), 900)
    return c


def test_regrouping_gives_the_same_sessions_as_the_syncs_did(user, week):
    synced = partition(user)
    assert len(synced) == 7 + 4 + 4

    call_command("regroup_activities", "--user", user.email, stdout=None)

    assert partition(user) == synced


def test_regrouping_twice_gives_the_same_partition(user, week):
    Activity.objects.update(group=None, is_canonical=True)
    ActivityGroup.objects.all().delete()

    call_command("regroup_activities")
    first = partition(user)
    call_command("regroup_activities")

    assert partition(user) == first
    assert len(visible(user)) == 15
    assert ActivityGroup.objects.count() == 7


def test_split_keeps_the_copy_apart_after_regrouping_and_later_syncs(user, week):
    strava = Activity.objects.get(provider="strava", provider_activity_id="s3")
    split_activity(user, strava)
    expected = partition(user)
    assert frozenset({("strava", "s3")}) in expected
    assert frozenset({("garmin", "g3"), ("fitbit", "f3")}) in expected

    call_command("regroup_activities", "--user", user.email)
    assert partition(user) == expected

    # The next sync rewrites the Strava copy; then Strava deletes and re-sends it.
    record(week["strava"], "s3", strava.start_time, 3600)
    assert partition(user) == expected
    Activity.objects.filter(pk=strava.pk).delete()
    record(week["strava"], "s3", strava.start_time, 3600)
    assert partition(user) == expected


def test_split_of_a_pair_leaves_two_standalone_canonical_copies(user, week):
    garmin = Activity.objects.get(provider="garmin", provider_activity_id="g1")

    split_activity(user, garmin)

    copies = Activity.objects.filter(provider_activity_id__in=["g1", "s1"])
    assert [(a.group_id, a.is_canonical) for a in copies] == [(None, True)] * 2
    decision = ActivityGroupDecision.objects.get()
    assert (decision.user, decision.decision) == (user, "apart")


def test_split_of_a_standalone_copy_is_refused(user, week):
    lone = Activity.objects.get(provider_activity_id="ge0")
    with pytest.raises(GroupingError):
        split_activity(user, lone)


def test_merge_joins_a_missed_pair_and_survives_regrouping(user):
    c = connections(user, "garmin", "strava")
    garmin = record(c["garmin"], "g", MORNING, 3600)
    # Started ten minutes late on the phone: too far apart to match by itself.
    strava = record(c["strava"], "s", later(MORNING, minutes=10), 3000)
    assert len(visible(user)) == 2

    merge_activities(user, strava, garmin)
    assert visible(user) == [("garmin", "g")]

    call_command("regroup_activities")
    record(c["strava"], "s", later(MORNING, minutes=10), 3000)
    assert visible(user) == [("garmin", "g")]


def test_merge_then_split_of_the_same_pair_keeps_the_latest_word(user):
    c = connections(user, "garmin", "strava")
    garmin = record(c["garmin"], "g", MORNING, 3600)
    strava = record(c["strava"], "s", later(MORNING, minutes=10), 3000)
    merge_activities(user, garmin, strava)

    split_activity(user, Activity.objects.get(pk=strava.pk))
    call_command("regroup_activities")

    assert len(visible(user)) == 2
    assert ActivityGroupDecision.objects.get().decision == "apart"


def test_merge_refused_when_it_would_rejoin_a_split_copy(user, week):
    strava = Activity.objects.get(provider_activity_id="s0")
    split_activity(user, strava)
    polar = connections(user, "coros")["coros"]
    coros = record(polar, "c0", later(MORNING, minutes=20), 1200)
    merge_activities(user, coros, strava)

    garmin = Activity.objects.get(provider_activity_id="g0")
    with pytest.raises(GroupingError, match="split"):
        merge_activities(user, garmin, Activity.objects.get(pk=coros.pk))
    assert partition(user) >= {frozenset({("strava", "s0"), ("coros", "c0")})}


def test_merge_of_two_copies_from_one_provider_is_refused(user, week):
    a = Activity.objects.get(provider_activity_id="g0")
    b = Activity.objects.get(provider_activity_id="ge0")
    with pytest.raises(GroupingError):
        merge_activities(user, a, b)


def test_split_and_merge_refuse_another_athletes_activity(user, other_user, week):
    strava = Activity.objects.get(provider_activity_id="s2")
    garmin = Activity.objects.get(provider_activity_id="g4")
    with pytest.raises(PermissionDenied):
        split_activity(other_user, strava)
    with pytest.raises(PermissionDenied):
        merge_activities(other_user, strava, garmin)
    assert not ActivityGroupDecision.objects.exists()


def test_page_grouping_reads_a_fixed_number_of_queries(
    user, week, django_assert_max_num_queries
):
    page = [Activity.objects.get(provider_activity_id=f"s{day}") for day in range(7)]
    for activity in page:
        activity.pk = None
    # A savepoint and its release, the lock, the range around the page, the
    # decisions, the group members, the upsert and the group writes: nothing per row.
    # Then the receivers: planning's workouts of those days, and analytics' loads
    # (the athlete's settings, their highest max HR, the copies around the page).
    with django_assert_max_num_queries(11):
        upsert_activities("strava", page)

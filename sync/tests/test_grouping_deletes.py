"""A group that loses a copy re-elects its canonical copy or dissolves (issue 10)."""

from providers import services as connection_services
from sync.models import Activity, ActivityGroup
from sync.services import delete_connection_activities

from .grouping_helpers import MORNING, connections, later, record, visible


def triple(user):
    c = connections(user, "garmin", "strava", "fitbit")
    record(c["garmin"], "g", MORNING, 3600)
    record(c["strava"], "s", MORNING, 3600, calories_kcal=700.0)
    record(c["fitbit"], "f", later(MORNING, seconds=20), 3590, calories_kcal=650.0)
    return c


def test_deleting_the_canonical_copy_elects_the_next_provider(user):
    triple(user)

    # What a Garmin webhook delete does.
    Activity.objects.filter(provider="garmin", provider_activity_id="g").delete()

    assert visible(user) == [("fitbit", "f")]
    group = ActivityGroup.objects.get()
    assert group.canonical.provider == "fitbit"
    assert group.filled == {}


def test_deleting_a_copy_of_a_pair_dissolves_the_group(user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], "g", MORNING, 3600)
    record(c["strava"], "s", MORNING, 3600)

    Activity.objects.get(provider="garmin").delete()

    strava = Activity.objects.get()
    assert (strava.group_id, strava.is_canonical) == (None, True)
    assert not ActivityGroup.objects.exists()


def test_disconnect_without_keeping_activities_settles_every_group(user):
    c = triple(user)
    for day in range(1, 30):
        start = later(MORNING, days=day)
        record(c["garmin"], f"g{day}", start, 3000)
        record(c["strava"], f"s{day}", start, 3000)

    connection_services.delete_connection(c["garmin"], keep_activities=False)

    assert not Activity.objects.filter(provider="garmin").exists()
    assert len(visible(user)) == 30
    assert ActivityGroup.objects.count() == 1
    assert ActivityGroup.objects.get().canonical.provider == "fitbit"


def test_deleting_a_connections_activities_settles_groups_in_few_queries(
    user, django_assert_max_num_queries
):
    c = triple(user)
    for day in range(1, 60):
        start = later(MORNING, days=day)
        record(c["strava"], f"s{day}", start, 3000)
        record(c["fitbit"], f"f{day}", start, 3000)

    # 12, and the cascades to analytics' training loads and activity streams and to
    # the exports' original files: one query per related table, whatever the count.
    with django_assert_max_num_queries(15):
        deleted = delete_connection_activities(c["strava"])

    assert deleted == 60
    assert len(visible(user)) == 60
    assert ActivityGroup.objects.count() == 1


def test_strava_deauthorization_wipes_strava_copies_and_keeps_the_others(user):
    c = triple(user)
    record(c["strava"], "lone", later(MORNING, days=2), 1000)

    # What the Strava deauthorization handler does.
    Activity.objects.filter(provider="strava", user_id=user.pk).delete()

    assert visible(user) == [("garmin", "g")]
    assert ActivityGroup.objects.get().filled == {"calories_kcal": 650.0}


def test_deleting_the_athlete_removes_groups_and_copies(user):
    triple(user)

    user.delete()

    assert not Activity.objects.exists()
    assert not ActivityGroup.objects.exists()

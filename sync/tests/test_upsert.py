"""The page upsert writes every field as given and tells new rows from updated ones."""

from datetime import UTC, datetime, timedelta

from providers.sports import SportType
from sync.models import Activity
from sync.services.activities import UPDATE_FIELDS
from sync.services.upsert import upsert_page

START = datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC)


def activity(connection, number, **fields):
    values = {
        "user_id": connection.user_id,
        "connection": connection,
        "provider": "strava",
        "provider_activity_id": str(number),
        "sport_type": SportType.RUN,
        "start_time": START + timedelta(days=number),
        "created_at": START,
        "updated_at": START,
        **fields,
    }
    return Activity(**values)


def test_upsert_page_counts_new_rows_and_sets_every_pk(connection):
    assert upsert_page("strava", [activity(connection, 1)], UPDATE_FIELDS) == 1
    page = [activity(connection, 1, name="Renamed"), activity(connection, 2)]

    assert upsert_page("strava", page, UPDATE_FIELDS) == 1

    stored = dict(Activity.objects.values_list("provider_activity_id", "pk"))
    assert {a.provider_activity_id: a.pk for a in page} == stored
    assert Activity.objects.get(provider_activity_id="1").name == "Renamed"


def test_upsert_page_stores_every_value_exactly(connection):
    payload = {"id": 7, "laps": [{"n": 1, "hr": None}], "note": "Ünïcode ✓"}
    written = activity(
        connection,
        7,
        name="Lunch run",
        utc_offset_s=-12600,
        elapsed_time_s=3601,
        moving_time_s=3500,
        distance_m=10000.5,
        elevation_gain_m=0.0,
        avg_hr_bpm=151.25,
        max_hr_bpm=None,
        calories_kcal=612.0,
        device_name="Forerunner 965",
        activity_data=payload,
    )
    upsert_page("strava", [written], UPDATE_FIELDS)

    stored = Activity.objects.get()
    for field in Activity._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(written, field.attname)


def test_an_update_keeps_created_at_and_changes_what_it_names(connection):
    upsert_page("strava", [activity(connection, 3)], UPDATE_FIELDS)
    later = START + timedelta(hours=1)
    edited = activity(connection, 3, name="Edited", created_at=later, updated_at=later)

    assert upsert_page("strava", [edited], ["name"]) == 0

    stored = Activity.objects.get()
    assert (stored.name, stored.created_at, stored.updated_at) == (
        "Edited",
        START,
        START,
    )


def test_non_finite_numbers_inside_a_payload_do_not_sink_the_page(connection):
    odd = activity(connection, 4, activity_data={"average_watts": float("nan")})

    assert upsert_page("strava", [odd, activity(connection, 5)], UPDATE_FIELDS) == 2
    assert Activity.objects.count() == 2

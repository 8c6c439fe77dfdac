from datetime import UTC, datetime

from providers import services as connections
from providers.tests.factories import make_connection
from sync.models import Activity, SyncHistory, SyncStatus, SyncType


def add_activity(connection, number=1):
    return Activity.objects.create(
        user_id=connection.user_id,
        connection=connection,
        provider=connection.provider,
        provider_activity_id=f"act-{number}",
        start_time=datetime(2026, 4, 1, tzinfo=UTC),
    )


def connect(user):
    return connections.upsert_connection(
        user, "strava", "4242", "access-x", "refresh-x", None, ["read"], {}
    )


def test_a_new_connection_gets_an_initial_sync_after_commit(
    user, fake_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        connection = connect(user)
    sync = SyncHistory.objects.get(connection=connection)
    assert sync.sync_type == SyncType.INITIAL
    assert sync.status == SyncStatus.SUCCESS
    assert fake_backend.since_seen == [None]


def test_a_reconnection_gets_an_initial_sync_too(
    user, fake_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        connect(user)
    with django_capture_on_commit_callbacks(execute=True):
        connection = connect(user)
    assert SyncHistory.objects.filter(connection=connection).count() == 2


def test_removing_a_connection_can_delete_its_activities(user):
    connection = make_connection(user)
    other = add_activity(make_connection(user, "garmin"), 2)
    add_activity(connection)
    connections.delete_connection(connection, keep_activities=False)
    assert list(Activity.objects.all()) == [other]


def test_removing_a_connection_can_keep_its_activities(user):
    connection = make_connection(user)
    activity = add_activity(connection)
    connections.delete_connection(connection, keep_activities=True)
    activity.refresh_from_db()
    assert activity.connection is None
    assert activity.user == user

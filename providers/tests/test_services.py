from datetime import UTC, datetime

import pytest

from providers import services
from providers.models import ConnectionStatus, ProviderConnection
from providers.signals import connection_established, connection_removed
from providers.tests.factories import make_connection

EXPIRY = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def upsert(user, provider_user_id="4242", **overrides):
    values = {
        "provider_user_id": provider_user_id,
        "access_token": "access-1",
        "refresh_token": "refresh-1",
        "token_expires_at": EXPIRY,
        "scopes": ["read", "activity:read_all"],
        "provider_profile": {"id": 4242, "firstname": "Ana"},
    }
    values.update(overrides)
    return services.upsert_connection(user, "strava", **values)


def test_upsert_creates_a_connection(user):
    connection = upsert(user)
    assert connection.provider_user_id == "4242"
    assert connection.scopes == ["read", "activity:read_all"]
    assert connection.status == ConnectionStatus.ACTIVE


def test_upsert_deduplicates_on_user_and_provider(user):
    first = upsert(user)
    second = upsert(user, access_token="access-2", provider_profile={"id": 4242})
    assert first.pk == second.pk
    assert ProviderConnection.objects.count() == 1
    assert ProviderConnection.objects.get().access_token == "access-2"


def test_reconnect_clears_reauth_required(user):
    connection = upsert(user)
    services.mark_reauth_required(connection, "Strava refused our token.")
    reconnected = upsert(user, access_token="access-2")
    assert reconnected.status == ConnectionStatus.ACTIVE
    assert reconnected.status_detail == ""


def test_upsert_refuses_an_account_linked_to_another_user(user, other_user):
    upsert(user, access_token="mine")
    with pytest.raises(services.ProviderAccountInUseError):
        upsert(other_user, access_token="theirs")
    assert ProviderConnection.objects.count() == 1
    assert ProviderConnection.objects.get().access_token == "mine"


def test_upsert_announces_the_connection_after_commit(
    user, django_capture_on_commit_callbacks
):
    seen = []

    def receiver(connection, created, **kwargs):
        seen.append((connection.pk, created))

    connection_established.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            connection = upsert(user)
            assert seen == []  # not before commit
        with django_capture_on_commit_callbacks(execute=True):
            upsert(user)
    finally:
        connection_established.disconnect(receiver)
    assert seen == [(connection.pk, True), (connection.pk, False)]


def test_update_connection_changes_only_whitelisted_fields(user):
    connection = make_connection(user)
    services.update_connection(connection, is_active=False, status_detail="paused")
    connection.refresh_from_db()
    assert connection.is_active is False
    with pytest.raises(ValueError, match="user"):
        services.update_connection(connection, user=None)
    with pytest.raises(ValueError, match="provider_user_id"):
        services.update_connection(connection, provider_user_id="999")


def test_get_connection_by_provider_is_scoped_to_the_user(user, other_user):
    mine = make_connection(user, "garmin")
    make_connection(other_user, "polar")
    assert services.get_connection_by_provider(user, "garmin") == mine
    assert services.get_connection_by_provider(user, "polar") is None
    assert list(services.get_user_connections(user)) == [mine]


def test_delete_connection_announces_the_activity_choice(user):
    connection = make_connection(user)
    seen = []

    def receiver(connection, keep_activities, **kwargs):
        seen.append(keep_activities)

    connection_removed.connect(receiver)
    try:
        services.delete_connection(connection, keep_activities=False)
    finally:
        connection_removed.disconnect(receiver)
    assert seen == [False]
    assert not ProviderConnection.objects.exists()


def test_update_last_sync_records_the_time(user):
    connection = make_connection(user)
    services.update_last_sync(connection, EXPIRY)
    connection.refresh_from_db()
    assert connection.last_sync_at == EXPIRY

"""The connection admin: masked tokens, read-only detail, logged service actions."""

import pytest
import responses
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from responses import matchers

from providers.admin import STAFF_REAUTH_DETAIL, masked
from providers.models import ProviderConnection
from providers.tests.factories import make_connection, make_user

CHANGELIST = reverse("admin:providers_providerconnection_changelist")
STRAVA_REVOKE = "https://www.strava.com/oauth/deauthorize"


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


def change_url(connection):
    return reverse("admin:providers_providerconnection_change", args=[connection.pk])


def act(client, action, connections):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in connections]}
    return client.post(CHANGELIST, data, follow=True)


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def log_messages(connection, flag=CHANGE):
    return list(
        LogEntry.objects.filter(
            object_id=str(connection.pk), action_flag=flag
        ).values_list("change_message", flat=True)
    )


def test_masked_shows_only_the_last_four_characters():
    assert masked("abcdefgh1234") == "…1234"
    assert masked("") == masked(None) == "—"


def test_change_page_is_read_only_with_masked_tokens_and_pretty_profile(staff, db):
    connection = make_connection(
        access_token="secret-access-AAAA",
        refresh_token="secret-refresh-BBBB",
        provider_profile={"firstname": "Ada", "id": 7},
    )
    html = staff.get(change_url(connection)).content.decode()
    assert "secret-access" not in html
    assert "secret-refresh" not in html
    assert "…AAAA" in html and "…BBBB" in html
    assert "&quot;firstname&quot;: &quot;Ada&quot;" in html
    assert 'name="status"' not in html  # no editable fields
    assert 'name="_save"' not in html


def test_staff_cannot_add_or_delete_connections_directly(staff, db):
    connection = make_connection()
    assert (
        staff.get(reverse("admin:providers_providerconnection_add")).status_code == 403
    )
    delete = reverse("admin:providers_providerconnection_delete", args=[connection.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert ProviderConnection.objects.filter(pk=connection.pk).exists()


def test_search_finds_connections_by_email_and_provider_user_id(staff, db):
    mine = make_connection(make_user("ada@example.com"), provider_user_id="99887766")
    make_connection(make_user("bob@example.com"))
    for query in ["ada@example", "99887766"]:
        page = staff.get(CHANGELIST, {"q": query})
        assert list(page.context["cl"].result_list) == [mine]


def test_mark_reauth_required_flags_and_logs_each_connection(staff, db):
    connections = [make_connection(), make_connection()]
    response = act(staff, "mark_reauth_required", connections)
    assert flashed(response) == ["2 connections marked reauth required."]
    for connection in connections:
        connection.refresh_from_db()
        assert connection.status == "reauth_required"
        assert connection.status_detail == STAFF_REAUTH_DETAIL
        assert log_messages(connection) == ["Marked reauth required."]


def test_deactivate_and_reactivate_switch_syncing_and_log_only_changes(staff, db):
    on, off = make_connection(), make_connection(is_active=False)
    assert flashed(act(staff, "deactivate", [on, off])) == ["1 connection deactivated."]
    on.refresh_from_db()
    assert not on.is_active
    assert log_messages(on) == ["Syncing deactivated."]
    assert log_messages(off) == []
    assert flashed(act(staff, "reactivate", [on, off])) == [
        "2 connections reactivated."
    ]
    assert ProviderConnection.objects.filter(is_active=True).count() == 2


def test_revoke_and_disconnect_revokes_at_the_provider_then_deletes(staff, db):
    connection = make_connection(provider="strava", access_token="strava-token-1234")
    pk = connection.pk
    with responses.RequestsMock() as rsps:
        rsps.post(
            STRAVA_REVOKE,
            match=[
                matchers.urlencoded_params_matcher(
                    {"access_token": "strava-token-1234"}
                )
            ],
            json={"access_token": "strava-token-1234"},
        )
        response = act(staff, "revoke_and_disconnect", [connection])
    assert flashed(response) == ["1 connection disconnected."]
    assert not ProviderConnection.objects.filter(pk=pk).exists()
    entry = LogEntry.objects.get(object_id=str(pk))
    assert entry.action_flag == DELETION
    assert entry.change_message == "Revoked at the provider and disconnected."
    assert "strava-token" not in entry.object_repr


def test_revoke_and_disconnect_warns_when_the_provider_does_not_confirm(staff, db):
    connection = make_connection(provider="strava", access_token="strava-token-5678")
    with responses.RequestsMock() as rsps:
        rsps.post(
            STRAVA_REVOKE,
            match=[
                matchers.urlencoded_params_matcher(
                    {"access_token": "strava-token-5678"}
                )
            ],
            status=503,
        )
        response = act(staff, "revoke_and_disconnect", [connection])
    assert flashed(response) == [
        "1 connection disconnected.",
        "The provider did not confirm the revocation of 1 connection (see the logs).",
    ]
    assert not ProviderConnection.objects.exists()
    html = response.content.decode()
    assert "strava-token-5678" not in html


def test_athletes_cannot_run_connection_actions(client, db):
    athlete = make_user("athlete2@example.com")
    connection = make_connection(athlete)
    client.force_login(athlete)
    response = act(client, "mark_reauth_required", [connection])
    assert response.redirect_chain[0][0].startswith(reverse("admin:login"))
    connection.refresh_from_db()
    assert connection.status == "active"
    assert not LogEntry.objects.exists()

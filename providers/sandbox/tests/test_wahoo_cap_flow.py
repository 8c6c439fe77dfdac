"""Our connect views, Wahoo backend and sync against the sandbox's Wahoo token cap
(providers.md §6.2, §6.3), over HTTP on pytest-django's live_server."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.models import ConnectionStatus, ProviderConnection
from providers.sandbox import data, token_cap
from providers.sandbox.base import client_id_for
from providers.tests.flow import flashed
from sync.services import sync_in_foreground
from trainlytics.settings import sandbox_provider_conf

from .helpers import bearer, wahoo_token

pytestmark = [
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]
ATHLETE = data.ATHLETES[1]
CLIENT = client_id_for("wahoo")


@pytest.fixture
def wahoo(live_server, settings):
    # live_server is http on localhost: allowed with DEBUG, like `make run`.
    settings.DEBUG = True
    settings.PROVIDERS = {
        **settings.PROVIDERS,
        "wahoo": sandbox_provider_conf("wahoo", live_server.url),
    }
    return live_server


def connect_through_the_views(client, user):
    """Connect, approve as ATHLETE on the sandbox, come back: the callback answer.

    Nothing renders the flashed messages in between, so they pile up: the last one
    is this connect's."""
    client.force_login(user)
    started = client.post(reverse("providers:connect", args=["wahoo"]))
    parts = urlsplit(started["Location"])
    page = client.get(f"{parts.path}?{parts.query}")
    form = {
        **dict(parse_qsl(parts.query)),
        "decision": "approve",
        "athlete": ATHLETE.id,
        "granted": list(page.context["requested"]),
    }
    answer = client.post(f"{parts.path}?{parts.query}", form)
    callback = dict(parse_qsl(urlsplit(answer["Location"]).query))
    return client.get(reverse("providers:callback", args=["wahoo"]), callback)


def fill_the_cap(client):
    for _ in range(token_cap.CAP):
        assert wahoo_token(client, ATHLETE.id).status_code == 200


def test_connecting_at_the_cap_explains_what_to_do_and_saves_nothing(
    wahoo, client, user
):
    fill_the_cap(client)

    response = connect_through_the_views(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("providers:connections")
    message = flashed(response)[-1]
    assert "too many" in message
    assert "remove Trainlytics from the connected apps" in message
    assert not ProviderConnection.objects.exists()


def test_after_removing_the_app_in_wahoo_the_athlete_connects_again(
    wahoo, client, user
):
    fill_the_cap(client)
    connect_through_the_views(client, user)
    client.post("/sandbox/", {"athlete": ATHLETE.id, "action": "wahoo-remove-app"})

    response = connect_through_the_views(client, user)

    assert flashed(response)[-1] == "Connected Wahoo."
    connection = ProviderConnection.objects.get(user=user, provider="wahoo")
    assert connection.status == ConnectionStatus.ACTIVE


def test_reconnecting_again_and_again_never_reaches_the_cap(wahoo, client, user):
    previous = []
    for _ in range(token_cap.CAP + 2):
        response = connect_through_the_views(client, user)
        assert flashed(response)[-1] == "Connected Wahoo."
        connection = ProviderConnection.objects.get(user=user, provider="wahoo")
        previous.append(connection.access_token)

    # Each reconnect gave the grant before it back: only the newest is live.
    assert token_cap.unrevoked(CLIENT, ATHLETE.id) == 1
    user_url = "/sandbox/wahoo/v1/user"
    assert client.get(user_url, **bearer(previous[-2])).status_code == 401
    assert client.get(user_url, **bearer(previous[-1])).status_code == 200


def test_disconnecting_gives_every_token_back(wahoo, client, user):
    connect_through_the_views(client, user)

    client.post(reverse("providers:disconnect", args=["wahoo"]))

    assert token_cap.unrevoked(CLIENT, ATHLETE.id) == 0


# The refresh holds our row lock while the sandbox, in the same database, writes its
# ledger: SQLite's shared in-memory database cannot do both; PostgreSQL can.
@pytest.mark.postgres
def test_a_refresh_refused_at_the_cap_flags_the_connection_for_reconnect(
    wahoo, client, user
):
    connect_through_the_views(client, user)
    connection = ProviderConnection.objects.get(user=user, provider="wahoo")
    for _ in range(token_cap.CAP - 1):
        wahoo_token(client, ATHLETE.id)
    connection.token_expires_at = timezone.now() + timedelta(seconds=5)
    connection.save(update_fields=["token_expires_at"])

    run = sync_in_foreground(connection)

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REAUTH_REQUIRED
    assert run.error_details["kind"] == "reauth_required"

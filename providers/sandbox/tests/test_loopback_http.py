"""With DEBUG on, a provider served over plain http on loopback works end to end.

Every provider is pointed at the sandbox on pytest-django's live_server
(http://localhost:<port>), as an operator would point it at a provider-compatible
server on this machine. No OAUTHLIB_INSECURE_TRANSPORT variable is set: the
connect view, the callback's code exchange, the initial sync and a token refresh
all go through oauthlib over http.
"""

import os
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.models import ProviderConnection
from providers.registry import BACKENDS
from providers.sandbox import data
from sync.models import Activity, SyncHistory, SyncStatus
from sync.services import sync_in_foreground
from trainlytics.settings import sandbox_provider_conf

pytestmark = [
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]
ATHLETE = data.ATHLETES[1]
SLUGS = [str(slug) for slug in BACKENDS]


@pytest.fixture
def loopback(live_server, settings, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    settings.DEBUG = True
    settings.PROVIDERS = {
        slug: sandbox_provider_conf(slug, live_server.url) for slug in SLUGS
    }
    return live_server


def approve_on_the_sandbox(client, authorize_url):
    parts = urlsplit(authorize_url)
    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    form = {
        **dict(parse_qsl(parts.query)),
        "decision": "approve",
        "athlete": ATHLETE.id,
        "granted": list(page.context["requested"]),
    }
    answer = client.post(f"{parts.path}?{parts.query}", form)
    assert answer.status_code == 302
    return dict(parse_qsl(urlsplit(answer["Location"]).query))


def connect_through_the_views(client, user, slug, live_server):
    client.force_login(user)
    started = client.post(reverse("providers:connect", args=[slug]))
    assert started.status_code == 302
    assert started["Location"].startswith(f"{live_server.url}/sandbox/{slug}/")
    callback = approve_on_the_sandbox(client, started["Location"])
    done = client.get(reverse("providers:callback", args=[slug]), callback)
    assert done.status_code == 302, done.content[:500]
    return ProviderConnection.objects.get(user=user, provider=slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_connect_callback_and_sync_work_over_loopback_http(
    slug, loopback, client, user
):
    connection = connect_through_the_views(client, user, slug, loopback)

    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
    assert connection.provider_user_id == data.provider_user_id(slug, ATHLETE)
    runs = SyncHistory.objects.filter(connection=connection)
    assert runs.exists()
    assert {run.status for run in runs} == {SyncStatus.SUCCESS}
    if slug != "garmin":  # Garmin's backfill arrives later, by push
        assert Activity.objects.filter(connection=connection).exists()


# The refresh holds our row lock while the sandbox, in the same database, writes its
# token: SQLite's shared in-memory database cannot do both; PostgreSQL can.
@pytest.mark.postgres
@pytest.mark.parametrize("slug", [s for s in SLUGS if s != "polar"])
def test_token_refresh_works_over_loopback_http(slug, loopback, client, user):
    connection = connect_through_the_views(client, user, slug, loopback)
    connection.token_expires_at = timezone.now() + timedelta(seconds=5)
    connection.save(update_fields=["token_expires_at"])

    run = sync_in_foreground(connection)

    assert run.status == SyncStatus.SUCCESS, run.error_message
    connection.refresh_from_db()
    assert connection.token_expires_at > timezone.now() + timedelta(minutes=30)

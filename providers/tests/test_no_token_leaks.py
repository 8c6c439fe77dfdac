"""No token or client secret in any rendered page or log record, for every provider.

Each test walks a flow with logging captured (our own loggers at DEBUG, everything
else at the configured INFO) and collects every page it renders.
"""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.backends.base import Credentials
from providers.errors import ReauthRequiredError
from providers.models import ProviderConnection
from providers.registry import BACKENDS, get_backend
from providers.tests.factories import make_connection
from providers.tests.flow import (
    answer_with,
    expect_connect,
    load_case,
    redirect_uri,
    return_from_provider,
    start_connect,
)
from providers.tokens import get_access_token

SLUGS = [str(slug) for slug in BACKENDS]


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="providers")
    return caplog


def secrets_of(slug, *tokens):
    case = load_case(slug)
    backend = get_backend(slug)
    values = [
        case.CREDENTIALS["access_token"],
        case.CREDENTIALS["refresh_token"],
        backend.client_secret,
        *tokens,
    ]
    return [value for value in values if value]


def assert_nothing_leaked(secrets, pages, records):
    assert secrets
    texts = [page.content.decode() for page in pages]
    for record in records:
        texts.append(record.getMessage())
        texts.append(record.exc_text or "")
    assert records, "the flow should have logged something"
    for secret in secrets:
        for text in texts:
            assert secret not in text


def test_connecting_and_viewing_connections_leaks_no_token(
    athlete, user, slug, rsps, logs
):
    backend, case = get_backend(slug), load_case(slug)
    pages = [athlete.get(reverse("providers:connections"))]
    state, verifier = start_connect(athlete, slug)
    expected = expect_connect(rsps, case, backend, verifier)
    pages.append(return_from_provider(athlete, slug, state))
    pages.append(return_from_provider(athlete, slug, state))  # replay: 400 page
    pages.append(athlete.get(reverse("providers:connections")))
    pages.append(athlete.get(reverse("providers:disconnect", args=[slug])))
    assert ProviderConnection.objects.filter(user=user, provider=slug).exists()
    secrets = secrets_of(slug, expected["access_token"], expected["refresh_token"])
    assert_nothing_leaked(secrets, pages, logs.records)


def test_a_failed_connect_leaks_no_token(athlete, slug, rsps, logs):
    backend, case = get_backend(slug), load_case(slug)
    state, verifier = start_connect(athlete, slug)
    case.token_exchange(rsps, backend, redirect_uri(slug), verifier)
    answer_with(rsps, backend.token_endpoint, status=503, body={"error": "busy"})
    pages = [return_from_provider(athlete, slug, state)]
    pages.append(return_from_provider(athlete, slug, "forged"))
    pages.append(athlete.get(reverse("providers:connections")))
    assert_nothing_leaked(secrets_of(slug), pages, logs.records)


def test_disconnect_with_a_failing_revoke_leaks_no_token(
    athlete, user, slug, rsps, logs
):
    backend, case = get_backend(slug), load_case(slug)
    connection = make_connection(user, slug, **case.CREDENTIALS)
    case.revoke(rsps, backend, Credentials.from_connection(connection))
    answer_with(rsps, backend.revoke_endpoint, status=500, body={"error": "oops"})
    pages = [athlete.get(reverse("providers:disconnect", args=[slug]))]
    response = athlete.post(reverse("providers:disconnect", args=[slug]))
    pages.append(athlete.get(response["Location"]))
    assert "did not confirm" in pages[-1].content.decode()
    assert_nothing_leaked(secrets_of(slug), pages, logs.records)


def test_a_refused_refresh_leaks_no_token(athlete, user, slug, rsps, logs):
    backend, case = get_backend(slug), load_case(slug)
    connection = make_connection(
        user,
        slug,
        **case.CREDENTIALS,
        token_expires_at=timezone.now() + timedelta(seconds=30),
    )
    if case.refresh(rsps, backend, Credentials.from_connection(connection)):
        answer_with(
            rsps, backend.refresh_endpoint, status=400, body={"error": "invalid_grant"}
        )
    with pytest.raises(ReauthRequiredError) as raised:
        get_access_token(connection)
    pages = [athlete.get(reverse("providers:connections"))]
    assert "Needs reconnect" in pages[0].content.decode()
    for secret in secrets_of(slug):
        assert secret not in str(raised.value)
        assert secret not in repr(raised.value)
        assert secret not in repr(connection)
    assert_nothing_leaked(secrets_of(slug), pages, logs.records)

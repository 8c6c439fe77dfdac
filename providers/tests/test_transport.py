"""The one rule for plain-http provider URLs, and how oauthlib hears it per session."""

import os

import pytest
from oauthlib.oauth2 import InsecureTransportError

from providers import transport
from providers.http import make_oauth_session


@pytest.mark.parametrize(
    "url",
    [
        "https://www.strava.com/oauth/token",
        "http://127.0.0.1:9000/token",
        "http://127.8.9.10/token",
        "http://localhost:8000/sandbox/strava/oauth/token",
        "http://[::1]:8000/token",
    ],
)
def test_https_and_loopback_http_are_allowed_with_debug(url):
    assert transport.url_problem(url, debug=True) is None


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9000/token", "http://localhost/token"]
)
def test_loopback_http_is_refused_without_debug(url):
    assert "DEBUG" in transport.url_problem(url, debug=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://staging.example.com/token",
        "http://10.0.0.5/token",
        "http://127.0.0.1.example.com/token",
        "ftp://127.0.0.1/token",
        "/sandbox/strava/oauth/token",
        "",
    ],
)
def test_other_urls_are_refused_even_with_debug(url):
    assert transport.url_problem(url, debug=True)


def test_oauth_session_passes_loopback_http_to_oauthlib_when_debug_is_on(settings):
    settings.DEBUG = True
    session = make_oauth_session("strava", client_id="id")

    url, _ = session.authorization_url("http://127.0.0.1:9/authorize", state="s")

    assert url.startswith("http://127.0.0.1:9/authorize?")
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ


def test_oauth_session_refuses_loopback_http_when_debug_is_off(settings):
    settings.DEBUG = False
    session = make_oauth_session("strava", client_id="id")

    with pytest.raises(InsecureTransportError):
        session.authorization_url("http://127.0.0.1:9/authorize", state="s")


def test_oauth_session_refuses_remote_http_even_with_debug(settings):
    settings.DEBUG = True
    session = make_oauth_session("strava", client_id="id")

    with pytest.raises(InsecureTransportError):
        session.fetch_token("http://staging.example.com/token", code="c")


def test_the_permission_does_not_leak_outside_the_session(settings):
    settings.DEBUG = True
    make_oauth_session("strava", client_id="id").authorization_url(
        "http://127.0.0.1:9/authorize", state="s"
    )

    assert not transport._is_secure_transport("http://127.0.0.1:9/token")

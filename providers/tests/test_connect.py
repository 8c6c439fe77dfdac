"""The connections page and POST /providers/<slug>/connect/."""

from urllib.parse import parse_qs, urlparse

from django.test import Client
from django.urls import reverse

from providers import oauth
from providers.backends.base import pkce_challenge
from providers.models import ConnectionStatus
from providers.registry import BACKENDS, get_backend
from providers.tests.factories import make_connection
from providers.tests.flow import load_case, redirect_uri

SLUGS = [str(slug) for slug in BACKENDS]


def connect_url(slug):
    return reverse("providers:connect", args=[slug])


def test_connect_redirects_to_the_provider_with_state_and_scopes(athlete, slug):
    backend = get_backend(slug)
    authorize = load_case(slug).AUTHORIZE
    response = athlete.post(connect_url(slug))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(backend.authorize_endpoint)
    query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    assert query["client_id"] == backend.client_id
    assert query["redirect_uri"] == redirect_uri(slug)
    assert query.get("scope") == authorize["scope"]
    pending = athlete.session[oauth.SESSION_KEY]["pending"]
    assert pending[query["state"]]["provider"] == slug
    verifier = pending[query["state"]]["code_verifier"]
    if authorize["pkce"]:
        assert query["code_challenge"] == pkce_challenge(verifier)
        assert query["code_challenge_method"] == "S256"
    else:
        assert "code_challenge" not in query
    assert backend.client_secret not in location


def test_two_connects_leave_two_pending_states(athlete):
    athlete.post(connect_url("strava"))
    athlete.post(connect_url("garmin"))
    pending = athlete.session[oauth.SESSION_KEY]["pending"]
    assert sorted(stash["provider"] for stash in pending.values()) == [
        "garmin",
        "strava",
    ]


def test_connect_needs_post(athlete):
    assert athlete.get(connect_url("strava")).status_code == 405


def test_connect_needs_a_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(connect_url("strava")).status_code == 403


def test_connect_to_an_unknown_provider_is_404(athlete):
    assert athlete.post(connect_url("myspace")).status_code == 404


def test_connect_to_an_unconfigured_provider_is_404(athlete, settings, slug):
    settings.PROVIDERS[slug]["CLIENT_ID"] = ""
    assert athlete.post(connect_url(slug)).status_code == 404
    assert oauth.SESSION_KEY not in athlete.session


def test_anonymous_connect_redirects_to_login(client):
    response = client.post(connect_url("strava"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_connections_page_redirects_to_login(client):
    response = client.get(reverse("providers:connections"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_connections_page_lists_all_six_providers_with_connect_buttons(athlete):
    page = athlete.get(reverse("providers:connections")).content.decode()
    for slug in SLUGS:
        name = get_backend(slug).name
        assert f'action="{connect_url(slug)}"' in page
        # Strava's button is its brand artwork: test_connect_button.py.
        if slug != "strava":
            assert f"Connect {name}</button>" in page
    assert page.count("csrfmiddlewaretoken") >= len(SLUGS)


def test_connections_page_shows_status_and_its_detail(athlete, user):
    make_connection(
        user,
        "wahoo",
        status=ConnectionStatus.REAUTH_REQUIRED,
        status_detail="Wahoo no longer accepts our access.",
    )
    make_connection(user, "polar")
    page = athlete.get(reverse("providers:connections")).content.decode()
    assert "Needs reconnect" in page
    assert "Wahoo no longer accepts our access." in page
    assert "Reconnect Wahoo</button>" in page
    assert "Active" in page
    assert "Disconnect Polar</button>" in page
    assert f'action="{connect_url("polar")}"' not in page


def test_connections_page_shows_an_unconfigured_provider_with_a_disabled_button(
    athlete, settings
):
    settings.PROVIDERS["coros"]["CLIENT_SECRET"] = ""
    page = athlete.get(reverse("providers:connections")).content.decode()
    assert "Not configured on this server." in page
    assert (
        '<button type="button" disabled aria-describedby="not-configured-coros">'
        "Connect COROS</button>"
    ) in page
    assert f'action="{connect_url("coros")}"' not in page


def test_connections_page_shows_only_the_users_own_connections(athlete, other_user):
    make_connection(other_user, "strava", status_detail="someone else's detail")
    page = athlete.get(reverse("providers:connections")).content.decode()
    assert "someone else's detail" not in page
    assert "Disconnect Strava" not in page

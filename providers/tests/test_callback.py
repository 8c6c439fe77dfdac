"""The OAuth callback, for every provider, through the real backend over mocked HTTP.

Each provider's contract case (providers/tests/contracts/<slug>.py) registers the
`responses` mocks, with matchers on what we send; failure cases reuse those mocks and
only change what the provider answers.
"""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from providers import oauth
from providers.backends.base import Credentials
from providers.models import ConnectionStatus, ProviderConnection
from providers.registry import BACKENDS, backend_class, get_backend
from providers.tests.factories import make_connection
from providers.tests.flow import (
    CODE,
    answer_with,
    callback_url,
    expect_connect,
    flashed,
    load_case,
    redirect_uri,
    return_from_provider,
    start_connect,
)

SLUGS = [str(slug) for slug in BACKENDS]
SCOPED_SLUGS = [slug for slug in SLUGS if backend_class(slug).required_scopes]

# -- fixtures ------------------------------------------------------------------------


# -- happy path and reconnect ----------------------------------------------------------


def test_callback_saves_the_connection_and_goes_to_the_dashboard(
    athlete, user, slug, backend, case, rsps
):
    state, verifier = start_connect(athlete, slug)
    expected = expect_connect(rsps, case, backend, verifier)
    response = return_from_provider(athlete, slug, state)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert flashed(response) == [f"Connected {backend.name}."]
    connection = ProviderConnection.objects.get(user=user, provider=slug)
    assert connection.provider_user_id == expected["provider_user_id"]
    assert connection.access_token == expected["access_token"]
    assert connection.refresh_token == expected["refresh_token"]
    assert connection.status == ConnectionStatus.ACTIVE
    assert backend.missing_scopes(connection.scopes) == []
    if expected["expires_in_s"]:
        wanted = timezone.now() + timedelta(seconds=expected["expires_in_s"])
        assert abs((connection.token_expires_at - wanted).total_seconds()) < 120


def test_reconnect_after_reauth_required_updates_the_same_row(
    athlete, user, slug, backend, case, rsps
):
    state, verifier = start_connect(athlete, slug)
    expected = expect_connect(rsps, case, backend, verifier)
    old = make_connection(
        user,
        slug,
        provider_user_id=expected["provider_user_id"],
        access_token="stale-access",
        status=ConnectionStatus.REAUTH_REQUIRED,
        status_detail="The provider refused to refresh our access.",
    )
    response = return_from_provider(athlete, slug, state)
    assert response.status_code == 302
    connection = ProviderConnection.objects.get(user=user, provider=slug)
    assert connection.pk == old.pk
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.status_detail == ""
    assert connection.access_token == expected["access_token"]


def test_callback_returns_to_a_safe_next_url(athlete, user, rsps):
    backend = get_backend("strava")
    response = athlete.post(
        reverse("providers:connect", args=["strava"]), {"next": "/providers/"}
    )
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    expect_connect(rsps, load_case("strava"), backend, "")
    response = return_from_provider(athlete, "strava", state)
    assert response["Location"] == "/providers/"


def test_callback_ignores_a_next_url_on_another_site(athlete, user, rsps):
    backend = get_backend("strava")
    response = athlete.post(
        reverse("providers:connect", args=["strava"]),
        {"next": "https://evil.example.com/"},
    )
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    expect_connect(rsps, load_case("strava"), backend, "")
    response = return_from_provider(athlete, "strava", state)
    assert response["Location"] == "/"


# -- state problems: a 400 page, nothing saved ---------------------------------------


def test_callback_with_a_forged_state_is_a_400_and_saves_nothing(athlete, slug, rsps):
    start_connect(athlete, slug)
    response = return_from_provider(athlete, slug, "forged-state")
    assert response.status_code == 400
    assert "providers/callback_error.html" in [t.name for t in response.templates]
    assert "not valid" in response.content.decode()
    assert not ProviderConnection.objects.exists()
    assert len(rsps.calls) == 0


def test_callback_without_a_state_is_a_400(athlete, slug, rsps):
    start_connect(athlete, slug)
    response = athlete.get(callback_url(slug), {"code": CODE})
    assert response.status_code == 400
    assert not ProviderConnection.objects.exists()


def test_a_replayed_callback_is_a_400_and_changes_nothing(
    athlete, user, slug, backend, case, rsps
):
    state, verifier = start_connect(athlete, slug)
    expect_connect(rsps, case, backend, verifier)
    assert return_from_provider(athlete, slug, state).status_code == 302
    calls = len(rsps.calls)
    saved = ProviderConnection.objects.get(user=user, provider=slug).updated_at
    response = return_from_provider(athlete, slug, state)
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert len(rsps.calls) == calls
    assert ProviderConnection.objects.get(user=user, provider=slug).updated_at == saved


def test_an_expired_state_is_a_400_and_saves_nothing(athlete, slug, rsps):
    state, _ = start_connect(athlete, slug)
    session = athlete.session
    stash = session[oauth.SESSION_KEY]
    stash["pending"][state]["created_at"] -= oauth.MAX_AGE_S + 1
    session[oauth.SESSION_KEY] = stash
    session.save()
    response = return_from_provider(athlete, slug, state)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not ProviderConnection.objects.exists()
    assert len(rsps.calls) == 0


def test_a_state_started_for_another_provider_is_a_400(athlete, slug, rsps):
    other = next(s for s in SLUGS if s != slug)
    state, _ = start_connect(athlete, other)
    response = return_from_provider(athlete, slug, state)
    assert response.status_code == 400
    assert not ProviderConnection.objects.exists()


# -- the athlete or the provider says no -----------------------------------------------


def test_user_denial_is_a_friendly_message_and_saves_nothing(
    athlete, slug, backend, rsps
):
    state, _ = start_connect(athlete, slug)
    response = athlete.get(
        callback_url(slug), {"state": state, "error": "access_denied"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:connections")
    assert flashed(response) == [
        f"You did not connect {backend.name}. Nothing was changed."
    ]
    assert not ProviderConnection.objects.exists()
    assert len(rsps.calls) == 0


def _narrow_grant(rsps, backend, case):
    """Make the provider report a grant without what sync needs; return the
    callback's `scope` parameter."""
    if backend.slug == "strava":
        return "read"  # the athlete unticked "View data about your activities"
    if backend.slug == "garmin":
        answer_with(
            rsps, f"{backend.api_url}/wellness-api/rest/user/permissions", body=[]
        )
        return None
    answer_with(rsps, backend.token_endpoint, body=_token_without_scopes(rsps, backend))
    return None


def _token_without_scopes(rsps, backend):
    registered = next(
        r for r in rsps.registered() if str(r.url).startswith(backend.token_endpoint)
    )
    body = json.loads(registered.body)
    body["scope"] = "openid"
    return body


@pytest.mark.parametrize("slug", SCOPED_SLUGS)
def test_insufficient_scopes_are_named_and_nothing_is_saved(
    athlete, slug, backend, case, rsps
):
    state, verifier = start_connect(athlete, slug)
    token = case.token_exchange(rsps, backend, redirect_uri(slug), verifier)
    credentials = Credentials(
        access_token=token["access_token"],
        provider_user_id=token["provider_user_id"] or "",
    )
    case.account(rsps, backend, credentials)
    scope = _narrow_grant(rsps, backend, case)
    # The unusable grant is handed back (the fixture fails if this is not called).
    case.revoke(
        rsps,
        backend,
        Credentials(
            access_token=token["access_token"],
            refresh_token=token["refresh_token"],
            provider_user_id=credentials.provider_user_id,
        ),
    )
    response = return_from_provider(athlete, slug, state, scope=scope)
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:connections")
    [message] = flashed(response)
    for scope in backend.required_scopes:
        assert scope in message
    assert "did not grant" in message
    assert not ProviderConnection.objects.exists()


def test_a_provider_500_at_token_exchange_asks_to_try_again(
    athlete, slug, backend, case, rsps
):
    state, verifier = start_connect(athlete, slug)
    case.token_exchange(rsps, backend, redirect_uri(slug), verifier)
    answer_with(rsps, backend.token_endpoint, status=500, body={"error": "oops"})
    response = return_from_provider(athlete, slug, state)
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:connections")
    [message] = flashed(response)
    assert backend.name in message
    assert "try again" in message
    assert not ProviderConnection.objects.exists()


def test_a_timeout_at_token_exchange_asks_to_try_again(
    athlete, slug, backend, case, rsps
):
    state, verifier = start_connect(athlete, slug)
    case.token_exchange(rsps, backend, redirect_uri(slug), verifier)
    answer_with(rsps, backend.token_endpoint, body=requests.ReadTimeout("slow"))
    response = return_from_provider(athlete, slug, state)
    [message] = flashed(response)
    assert "try again" in message
    assert not ProviderConnection.objects.exists()


def test_an_account_linked_to_another_user_is_refused(
    athlete, user, other_user, slug, backend, case, rsps
):
    state, verifier = start_connect(athlete, slug)
    expected = expect_connect(rsps, case, backend, verifier)
    theirs = make_connection(
        other_user, slug, provider_user_id=expected["provider_user_id"]
    )
    response = return_from_provider(athlete, slug, state)
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:connections")
    [message] = flashed(response)
    assert "already linked to another Trainlytics user" in message
    assert not ProviderConnection.objects.filter(user=user).exists()
    theirs_now = ProviderConnection.objects.get(pk=theirs.pk)
    assert theirs_now.access_token == theirs.access_token


def test_coros_result_other_than_0000_shows_the_providers_words(athlete, rsps):
    backend = get_backend("coros")
    state, verifier = start_connect(athlete, "coros")
    load_case("coros").token_exchange(rsps, backend, redirect_uri("coros"), verifier)
    answer_with(
        rsps,
        backend.token_endpoint,
        status=200,
        body={"result": "5021", "message": "authorization code expired"},
    )
    response = return_from_provider(athlete, "coros", state)
    assert response.status_code == 302
    [message] = flashed(response)
    assert "authorization code expired" in message
    assert not ProviderConnection.objects.exists()


def test_wahoo_token_cap_tells_the_athlete_what_to_do(athlete, rsps):
    backend = get_backend("wahoo")
    state, verifier = start_connect(athlete, "wahoo")
    load_case("wahoo").token_exchange(rsps, backend, redirect_uri("wahoo"), verifier)
    answer_with(
        rsps,
        backend.token_endpoint,
        status=400,
        body={"error": "Too many unrevoked access tokens exist for this app and user."},
    )
    response = return_from_provider(athlete, "wahoo", state)
    [message] = flashed(response)
    assert "Wahoo app" in message
    assert "reconnect" in message
    assert not ProviderConnection.objects.exists()


def test_wahoo_reconnect_revokes_the_previous_grant_before_exchanging_the_code(
    athlete, user, rsps
):
    backend = get_backend("wahoo")
    case = load_case("wahoo")
    old = make_connection(user, "wahoo", access_token="wahoo-access-previous")
    state, verifier = start_connect(athlete, "wahoo")
    # Registered first: DELETE /v1/permissions revokes every token of the app for
    # the athlete, so it must come before the new grant exists.
    case.revoke(rsps, backend, Credentials.from_connection(old))
    expected = expect_connect(rsps, case, backend, verifier)
    response = return_from_provider(athlete, "wahoo", state)
    assert flashed(response) == ["Connected Wahoo."]
    methods = [call.request.method for call in rsps.calls]
    assert methods[0] == "DELETE"
    assert methods.count("DELETE") == 1
    connection = ProviderConnection.objects.get(pk=old.pk)
    assert connection.access_token == expected["access_token"]


def test_wahoo_reconnect_whose_old_grant_cannot_be_revoked_still_connects(
    athlete, user, rsps
):
    backend = get_backend("wahoo")
    case = load_case("wahoo")
    old = make_connection(user, "wahoo", access_token="wahoo-access-dead")
    state, verifier = start_connect(athlete, "wahoo")
    case.revoke(rsps, backend, Credentials.from_connection(old))
    answer_with(rsps, backend.revoke_endpoint, status=401, body={"error": "revoked"})
    expected = expect_connect(rsps, case, backend, verifier)
    response = return_from_provider(athlete, "wahoo", state)
    assert flashed(response) == ["Connected Wahoo."]
    assert (
        ProviderConnection.objects.get(pk=old.pk).access_token
        == (expected["access_token"])
    )


@pytest.mark.parametrize("slug", ["wahoo", "strava"])
def test_a_first_connect_revokes_nothing(athlete, user, slug, rsps):
    backend = get_backend(slug)
    state, verifier = start_connect(athlete, slug)
    expect_connect(rsps, load_case(slug), backend, verifier)
    return_from_provider(athlete, slug, state)
    assert [c.request.method for c in rsps.calls if c.request.method == "DELETE"] == []
    assert ProviderConnection.objects.filter(user=user, provider=slug).exists()


def test_strava_reconnect_leaves_the_previous_grant_alone(athlete, user, rsps):
    # Strava's deauthorize ends the athlete's whole authorisation, new code included.
    backend = get_backend("strava")
    old = make_connection(user, "strava", access_token="strava-access-previous")
    state, verifier = start_connect(athlete, "strava")
    expect_connect(rsps, load_case("strava"), backend, verifier)
    return_from_provider(athlete, "strava", state)
    assert backend.revoke_endpoint not in [c.request.url for c in rsps.calls]
    assert ProviderConnection.objects.get(pk=old.pk).access_token != (
        "strava-access-previous"
    )


def test_wahoo_token_cap_at_reconnect_explains_and_keeps_nothing_new(
    athlete, user, rsps
):
    backend = get_backend("wahoo")
    case = load_case("wahoo")
    old = make_connection(user, "wahoo", access_token="wahoo-access-previous")
    state, verifier = start_connect(athlete, "wahoo")
    case.revoke(rsps, backend, Credentials.from_connection(old))
    case.token_exchange(rsps, backend, redirect_uri("wahoo"), verifier)
    answer_with(
        rsps,
        backend.token_endpoint,
        status=400,
        body={"error": "Too many unrevoked access tokens exist for this app and user."},
    )
    response = return_from_provider(athlete, "wahoo", state)
    assert response.status_code == 302
    [message] = flashed(response)
    assert "remove Trainlytics from the connected apps" in message
    assert "sign-in" not in message
    assert ProviderConnection.objects.get(pk=old.pk).access_token == (
        "wahoo-access-previous"
    )


# -- who may call it -------------------------------------------------------------------


def test_callback_for_an_unknown_provider_is_404(athlete):
    assert athlete.get(callback_url("myspace"), {"state": "x"}).status_code == 404


def test_anonymous_callback_redirects_to_login(client):
    response = client.get(callback_url("strava"), {"state": "x", "code": CODE})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_polar_profile_comes_from_registration_when_the_user_is_new(
    athlete, user, rsps
):
    backend, case = get_backend("polar"), load_case("polar")
    state, verifier = start_connect(athlete, "polar")
    expect_connect(rsps, case, backend, verifier)
    # Before registration Polar does not know the user yet.
    answer_with(rsps, f"{backend.api_url}/v3/users/", status=404, body={})
    return_from_provider(athlete, "polar", state)
    connection = ProviderConnection.objects.get(user=user, provider="polar")
    assert connection.provider_profile["member-id"] == str(user.pk)

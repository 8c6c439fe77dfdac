"""Consent pages and token endpoints of the sandbox providers."""

import base64
import time

import pytest

from providers.backends.base import new_code_verifier, pkce_challenge
from providers.sandbox import data, tokens

from .helpers import approve, authorize_params, bearer, client_form, issue, query

pytestmark = [pytest.mark.urls("providers.sandbox.tests.urls"), pytest.mark.django_db]

STRAVA_AUTHORIZE = "/sandbox/strava/oauth/authorize"
STRAVA_TOKEN = "/sandbox/strava/oauth/token"
REDIRECT = "http://testserver/providers/callback/"


def strava_code(client, scope="read,activity:read_all", granted=None):
    params = authorize_params("strava", scope=scope)
    granted = granted if granted is not None else scope.split(",")
    return query(approve(client, STRAVA_AUTHORIZE, params, granted=granted))["code"]


def test_consent_page_shows_the_requested_scopes_and_approve_and_deny_buttons(client):
    params = authorize_params("strava", scope="read,activity:read_all")
    page = client.get(STRAVA_AUTHORIZE, params)
    html = page.content.decode()
    assert page.status_code == 200
    assert "activity:read_all" in html
    assert '<button type="submit" name="decision" value="approve">Approve' in html
    assert '<button type="submit" name="decision" value="deny">Deny' in html


def test_consent_refuses_an_unknown_client_id(client):
    params = authorize_params("strava", client_id="someone-else")
    assert client.get(STRAVA_AUTHORIZE, params).status_code == 400


def test_garmin_consent_refuses_a_request_without_pkce_challenge(client):
    page = client.get("/sandbox/garmin/oauth2Confirm", authorize_params("garmin"))
    assert page.status_code == 400


def test_deny_sends_the_athlete_back_with_access_denied_and_the_state(client):
    params = authorize_params("wahoo", scope="user_read workouts_read")
    answer = approve(client, "/sandbox/wahoo/oauth/authorize", params, decision="deny")
    assert answer.status_code == 302
    assert query(answer) == {"error": "access_denied", "state": "s-1"}


def test_strava_redirect_reports_only_the_scopes_the_athlete_left_ticked(client):
    params = authorize_params("strava", scope="read,activity:read_all")
    answer = approve(client, STRAVA_AUTHORIZE, params, granted=["read"])
    assert query(answer)["scope"] == "read"
    assert query(answer)["state"] == "s-1"


def test_strava_code_exchange_answers_athlete_and_both_expiry_fields(client):
    code = strava_code(client)
    body = client.post(
        STRAVA_TOKEN, client_form("strava", code=code, grant_type="authorization_code")
    ).json()
    assert body["athlete"]["id"] == int(
        data.provider_user_id("strava", data.ATHLETES[0])
    )
    assert body["expires_in"] == 6 * 3600
    assert abs(body["expires_at"] - (time.time() + 6 * 3600)) < 5
    assert body["refresh_token"] and body["access_token"]


def test_authorization_code_works_only_once(client):
    code = strava_code(client)
    form = client_form("strava", code=code, grant_type="authorization_code")
    assert client.post(STRAVA_TOKEN, form).status_code == 200
    second = client.post(STRAVA_TOKEN, form)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"


def test_token_endpoint_refuses_a_wrong_client_secret(client):
    form = client_form(
        "strava", code=strava_code(client), grant_type="authorization_code"
    )
    form["client_secret"] = "guess"
    assert client.post(STRAVA_TOKEN, form).status_code == 401


def test_refresh_rotates_and_the_spent_refresh_token_is_refused(client):
    old = issue("strava", "refresh", scopes=["read"], lifetime=None)
    form = client_form("strava", refresh_token=old, grant_type="refresh_token")
    first = client.post(STRAVA_TOKEN, form)
    assert first.status_code == 200
    assert first.json()["refresh_token"] != old
    assert "athlete" not in first.json()
    again = client.post(STRAVA_TOKEN, form)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_tampered_token_is_refused(client):
    token = issue("strava", scopes=["read"])
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert (
        client.get("/sandbox/strava/api/v3/athlete", **bearer(forged)).status_code
        == 401
    )
    # Nor is another provider's token accepted.
    wahoo = issue("wahoo", scopes=["user_read"])
    assert (
        client.get("/sandbox/strava/api/v3/athlete", **bearer(wahoo)).status_code == 401
    )


def test_strava_deauthorize_kills_every_token_of_the_athlete(client):
    token = issue("strava", scopes=["read"])
    other = issue("strava", scopes=["read"])
    assert (
        client.post(
            "/sandbox/strava/oauth/deauthorize", {"access_token": token}
        ).status_code
        == 200
    )
    assert (
        client.get("/sandbox/strava/api/v3/athlete", **bearer(other)).status_code == 401
    )


def garmin_code(client, verifier, granted=("ACTIVITY_EXPORT",)):
    params = authorize_params(
        "garmin", code_challenge=pkce_challenge(verifier), code_challenge_method="S256"
    )
    answer = approve(
        client, "/sandbox/garmin/oauth2Confirm", params, granted=list(granted)
    )
    return query(answer)["code"]


def test_garmin_exchange_refuses_a_wrong_code_verifier(client):
    code = garmin_code(client, new_code_verifier())
    form = client_form(
        "garmin",
        code=code,
        grant_type="authorization_code",
        redirect_uri=REDIRECT,
        code_verifier=new_code_verifier(),
    )
    answer = client.post("/sandbox/garmin/di-oauth2-service/oauth/token", form)
    assert answer.status_code == 400
    assert answer.json()["error_description"] == "PKCE verification failed"


def test_garmin_exchange_with_the_right_verifier_answers_24_hour_rotating_tokens(
    client,
):
    verifier = new_code_verifier()
    form = client_form(
        "garmin",
        code=garmin_code(client, verifier),
        grant_type="authorization_code",
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    body = client.post("/sandbox/garmin/di-oauth2-service/oauth/token", form).json()
    assert body["expires_in"] == 86400
    assert body["refresh_token_expires_in"] > 89 * 86400
    assert "userId" not in body
    permissions = client.get(
        "/sandbox/garmin/wellness-api/rest/user/permissions",
        **bearer(body["access_token"]),
    ).json()
    assert permissions == ["ACTIVITY_EXPORT"]


def test_polar_token_endpoint_wants_http_basic_not_a_secret_in_the_body(client):
    params = authorize_params("polar")
    code = query(approve(client, "/sandbox/polar/oauth2/authorization", params))["code"]
    form = {"code": code, "grant_type": "authorization_code", "redirect_uri": REDIRECT}
    refused = client.post(
        "/sandbox/polar/v2/oauth2/token", client_form("polar", **form)
    )
    assert refused.status_code == 401
    basic = base64.b64encode(b"sandbox-polar-client:sandbox-polar-secret").decode()
    answer = client.post(
        "/sandbox/polar/v2/oauth2/token", form, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    body = answer.json()
    assert body["x_user_id"] == 60_000_000_001
    assert "refresh_token" not in body


def test_coros_refresh_extends_the_same_access_token_and_answers_only_result(client):
    access = issue("coros", lifetime=60, grant="g-coros")
    refresh = issue("coros", "refresh", lifetime=None, grant="g-coros")
    form = client_form("coros", refresh_token=refresh, grant_type="refresh_token")
    answer = client.post("/sandbox/coros/oauth2/refresh-token", form)
    assert answer.json() == {"result": "0000", "message": "OK"}
    in_three_weeks = time.time() + 21 * 86400
    assert tokens.read("coros", "access", access, now=in_three_weeks)["g"] == "g-coros"
    # The refresh token does not rotate: it still works.
    assert (
        client.post("/sandbox/coros/oauth2/refresh-token", form).json()["result"]
        == "0000"
    )


def test_coros_token_errors_are_http_200_with_a_non_0000_result(client):
    form = client_form("coros", code="nonsense", grant_type="authorization_code")
    answer = client.post("/sandbox/coros/oauth2/accesstoken", form)
    assert answer.status_code == 200
    assert answer.json()["result"] != "0000"


def test_wahoo_verifies_pkce_when_a_challenge_was_sent(client):
    verifier = new_code_verifier()
    params = authorize_params(
        "wahoo",
        scope="workouts_read",
        code_challenge=pkce_challenge(verifier),
        code_challenge_method="S256",
    )
    code = query(approve(client, "/sandbox/wahoo/oauth/authorize", params))["code"]
    form = client_form("wahoo", code=code, grant_type="authorization_code")
    assert client.post("/sandbox/wahoo/oauth/token", form).status_code == 400
    code = query(approve(client, "/sandbox/wahoo/oauth/authorize", params))["code"]
    form.update(code=code, code_verifier=verifier)
    body = client.post("/sandbox/wahoo/oauth/token", form).json()
    assert body["expires_in"] == 7200
    assert body["scope"] == "workouts_read"


def test_google_refresh_answers_no_new_refresh_token_and_the_old_one_keeps_working(
    client,
):
    refresh = issue("fitbit", "refresh", lifetime=None)
    form = client_form("fitbit", refresh_token=refresh, grant_type="refresh_token")
    first = client.post("/sandbox/fitbit/token", form).json()
    assert "refresh_token" not in first
    assert first["expires_in"] == 3599
    assert client.post("/sandbox/fitbit/token", form).status_code == 200


def test_google_revoke_of_the_refresh_token_ends_the_grant(client):
    refresh = issue("fitbit", "refresh", lifetime=None)
    access = issue("fitbit")
    assert client.post("/sandbox/fitbit/revoke", {"token": refresh}).status_code == 200
    identity = client.get("/sandbox/fitbit/v4/users/me/identity", **bearer(access))
    assert identity.status_code == 401
    form = client_form("fitbit", refresh_token=refresh, grant_type="refresh_token")
    assert client.post("/sandbox/fitbit/token", form).json()["error"] == "invalid_grant"

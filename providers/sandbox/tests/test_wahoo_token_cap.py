"""The sandbox's Wahoo token cap (providers.md §6.2, §6.3): at most 10 unrevoked
access tokens per app and athlete; a refreshed token's predecessor is revoked when
the new one is first used; DELETE /v1/permissions revokes them all."""

import pytest

from providers.sandbox import token_cap
from providers.sandbox.base import client_id_for

from .helpers import (
    approve,
    authorize_params,
    bearer,
    client_form,
    query,
    wahoo_token,
)

pytestmark = [pytest.mark.urls("providers.sandbox.tests.urls"), pytest.mark.django_db]
TOKEN_URL = "/sandbox/wahoo/oauth/token"
USER_URL = "/sandbox/wahoo/v1/user"
PERMISSIONS_URL = "/sandbox/wahoo/v1/permissions"
CLIENT = client_id_for("wahoo")


def refresh(client, refresh_token):
    form = client_form("wahoo", refresh_token=refresh_token, grant_type="refresh_token")
    return client.post(TOKEN_URL, form)


def test_the_eleventh_token_is_refused_with_wahoos_400(client):
    for _ in range(token_cap.CAP):
        assert wahoo_token(client).status_code == 200
    refused = wahoo_token(client)
    assert refused.status_code == 400
    assert refused.json()["error"].startswith(
        "Too many unrevoked access tokens exist for this app and user"
    )
    assert token_cap.unrevoked(CLIENT, 1) == token_cap.CAP


def test_the_cap_counts_each_athlete_apart(client):
    for _ in range(token_cap.CAP):
        wahoo_token(client, athlete=1)
    assert wahoo_token(client, athlete=2).status_code == 200
    assert token_cap.unrevoked(CLIENT, 2) == 1


def test_a_refreshed_token_revokes_its_predecessor_only_when_first_used(client):
    first = wahoo_token(client).json()
    second = refresh(client, first["refresh_token"]).json()
    # Both count until the new one calls the API.
    assert token_cap.unrevoked(CLIENT, 1) == 2
    assert client.get(USER_URL, **bearer(first["access_token"])).status_code == 200
    assert client.get(USER_URL, **bearer(second["access_token"])).status_code == 200
    assert token_cap.unrevoked(CLIENT, 1) == 1
    assert client.get(USER_URL, **bearer(first["access_token"])).status_code == 401
    assert client.get(USER_URL, **bearer(second["access_token"])).status_code == 200


def test_refreshing_without_using_the_tokens_reaches_the_cap(client):
    answer = wahoo_token(client).json()
    for _ in range(token_cap.CAP - 1):
        answer = refresh(client, answer["refresh_token"]).json()
    refused = refresh(client, answer["refresh_token"])
    assert refused.status_code == 400
    assert "Too many unrevoked access tokens" in refused.json()["error"]
    # The refusal does not spend the refresh token: after a revocation it works.
    client.get(USER_URL, **bearer(answer["access_token"]))
    assert refresh(client, answer["refresh_token"]).status_code == 200


def test_deleting_permissions_revokes_every_token_and_frees_the_cap(client):
    answers = [wahoo_token(client).json() for _ in range(token_cap.CAP)]
    latest = answers[-1]["access_token"]
    assert client.delete(PERMISSIONS_URL, **bearer(latest)).status_code == 204
    assert token_cap.unrevoked(CLIENT, 1) == 0
    for answer in answers:
        assert client.get(USER_URL, **bearer(answer["access_token"])).status_code == 401
    refused = refresh(client, answers[0]["refresh_token"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert wahoo_token(client).status_code == 200


def test_a_code_issued_before_the_revocation_can_still_be_exchanged(client):
    old = wahoo_token(client).json()
    params = authorize_params("wahoo", scope="user_read workouts_read")
    code = query(approve(client, "/sandbox/wahoo/oauth/authorize", params))["code"]
    client.delete(PERMISSIONS_URL, **bearer(old["access_token"]))
    form = client_form(
        "wahoo",
        code=code,
        grant_type="authorization_code",
        redirect_uri=params["redirect_uri"],
    )
    assert client.post(TOKEN_URL, form).status_code == 200


def test_the_control_page_shows_the_count_and_removes_the_app(client):
    for _ in range(3):
        wahoo_token(client, athlete=2)
    html = client.get("/sandbox/").content.decode()
    assert "3 of 10 unrevoked Wahoo access tokens" in html
    answer = client.post("/sandbox/", {"athlete": 2, "action": "wahoo-remove-app"})
    assert answer.status_code == 302
    assert token_cap.unrevoked(CLIENT, 2) == 0

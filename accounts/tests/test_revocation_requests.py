"""Deleting an account revokes each grant at its provider, as each documents it
(providers.md §2.3, §3.3, §4.4, §5.3, §6.3, §7.2), after the deletion commits."""

from datetime import timedelta

import pytest
import responses
from django.test import TestCase
from django.utils import timezone
from responses import matchers

from accounts.deletion import delete_account
from accounts.models import PendingRevocation, RevocationStatus
from providers.tests.factories import make_connection

ACCESS, REFRESH = "access-token-1", "refresh-token-1"


def bearer(token=ACCESS):
    return matchers.header_matcher({"Authorization": f"Bearer {token}"})


def form(**fields):
    return matchers.urlencoded_params_matcher(fields)


# What each provider's revocation looks like on the wire.
EXPECTED = {
    "strava": [
        (
            "POST",
            "https://www.strava.com/oauth/deauthorize",
            [form(access_token=ACCESS)],
        )
    ],
    "garmin": [
        (
            "DELETE",
            "https://apis.garmin.com/wellness-api/rest/user/registration",
            [bearer()],
        )
    ],
    "polar": [("DELETE", "https://www.polaraccesslink.com/v3/users/4711", [bearer()])],
    "coros": [
        ("POST", "https://open.coros.com/oauth2/deauthorize", [form(token=ACCESS)])
    ],
    "wahoo": [("DELETE", "https://api.wahooligan.com/v1/permissions", [bearer()])],
    "fitbit": [
        (
            "DELETE",
            "https://health.googleapis.com/v4/projects/proj/subscribers/subs"
            "/subscriptions/4711",
            [bearer()],
        ),
        # Revoking the refresh token ends the whole Google grant.
        ("POST", "https://oauth2.googleapis.com/revoke", [form(token=REFRESH)]),
    ],
}
ANSWERS = {"coros": {"json": {"result": "0000", "message": "OK"}}}


def delete_and_run_revocations(user):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return delete_account(user)


@pytest.fixture(autouse=True)
def google_subscriber(settings):
    settings.FITBIT_PROJECT_ID, settings.FITBIT_SUBSCRIBER_ID = "proj", "subs"


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_deleting_an_account_revokes_the_grant_as_the_provider_documents(
    user, provider
):
    make_connection(
        user,
        provider,
        provider_user_id="4711",
        access_token=ACCESS,
        refresh_token=REFRESH,
    )
    with responses.RequestsMock() as rsps:
        for method, url, match in EXPECTED[provider]:
            rsps.add(method, url, match=match, **ANSWERS.get(provider, {}))

        [revocation] = delete_and_run_revocations(user)

    revocation.refresh_from_db()
    assert revocation.status == RevocationStatus.REVOKED
    assert (revocation.access_token, revocation.refresh_token) == ("", "")
    assert revocation.finished_at is not None


def test_every_connection_of_the_athlete_is_revoked(user):
    for provider in ("strava", "wahoo"):
        make_connection(user, provider, access_token=ACCESS, refresh_token=REFRESH)
    with responses.RequestsMock() as rsps:
        for provider in ("strava", "wahoo"):
            method, url, match = EXPECTED[provider][0]
            rsps.add(method, url, match=match)

        delete_and_run_revocations(user)

    statuses = PendingRevocation.objects.values_list("status", flat=True)
    assert list(statuses) == [RevocationStatus.REVOKED] * 2


def test_an_expired_access_token_is_refreshed_before_revoking(user, settings):
    make_connection(
        user,
        "strava",
        access_token="stale",
        refresh_token="old-refresh",
        token_expires_at=timezone.now() - timedelta(hours=1),
    )
    with responses.RequestsMock() as rsps:
        rsps.post(
            settings.PROVIDERS["strava"]["REFRESH_URL"],
            match=[
                matchers.urlencoded_params_matcher(
                    {"grant_type": "refresh_token", "refresh_token": "old-refresh"},
                    allow_blank=True,
                    strict_match=False,
                )
            ],
            json={
                "access_token": "fresh",
                "refresh_token": "new-refresh",
                "expires_in": 21600,
                "token_type": "Bearer",
            },
        )
        rsps.post(
            "https://www.strava.com/oauth/deauthorize",
            match=[form(access_token="fresh")],
        )

        [revocation] = delete_and_run_revocations(user)

    revocation.refresh_from_db()
    assert revocation.status == RevocationStatus.REVOKED


def test_a_connection_whose_provider_already_withdrew_access_needs_no_call(user):
    make_connection(user, "strava", access_token="", refresh_token="")

    with responses.RequestsMock():
        assert delete_and_run_revocations(user) == []

    assert not PendingRevocation.objects.exists()

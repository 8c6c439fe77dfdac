"""A revocation that fails never blocks the deletion: it is recorded and retried."""

from datetime import timedelta

import pytest
import requests
import responses
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import TestCase
from django.utils import timezone
from responses import matchers

from accounts import revocations
from accounts.deletion import delete_account
from accounts.models import PendingRevocation, RevocationStatus
from providers.tests.factories import make_connection
from sync.signals import scheduled_pass

DEAUTHORIZE = "https://www.strava.com/oauth/deauthorize"
ACCESS = "access-secret-42"


@pytest.fixture
def strava(user):
    return make_connection(user, "strava", access_token=ACCESS, refresh_token="r-42")


def delete_with_revocation_answer(user, **answer):
    with responses.RequestsMock() as rsps:
        rsps.post(DEAUTHORIZE, **answer)
        with TestCase.captureOnCommitCallbacks(execute=True):
            [revocation] = delete_account(user)
    revocation.refresh_from_db()
    return revocation


def scheduled_pass_now():
    """sync_due's pass, and the tasks it enqueued, as db_worker would run them."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        scheduled_pass.send(None, now=timezone.now())


def time_passes(revocation, hours=2):
    """As if `hours` had passed since the failed attempt."""
    earlier = {
        name: F(name) - timedelta(hours=hours)
        for name in ("next_attempt_at", "created_at", "claimed_at")
    }
    PendingRevocation.objects.filter(pk=revocation.pk).update(**earlier)


def succeed_later(revocation):
    """The scheduled pass once the revocation is due, the provider answering 200."""
    time_passes(revocation)
    with responses.RequestsMock() as rsps:
        rsps.post(
            DEAUTHORIZE,
            match=[matchers.urlencoded_params_matcher({"access_token": ACCESS})],
        )
        scheduled_pass_now()
    revocation.refresh_from_db()
    return revocation


@pytest.mark.parametrize(
    "answer",
    [{"status": 500}, {"body": requests.ConnectionError("refused")}],
    ids=["server error", "connection error"],
)
def test_a_failing_revocation_still_deletes_and_is_retried_until_it_succeeds(
    user, strava, answer
):
    before = timezone.now()

    revocation = delete_with_revocation_answer(user, **answer)

    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert revocation.status == RevocationStatus.PENDING
    assert revocation.attempts == 1
    assert revocation.last_error
    assert revocation.next_attempt_at >= before + revocations.retry_delay()
    # The tokens are kept, encrypted, for the next attempt.
    assert revocation.access_token == ACCESS

    retried = succeed_later(revocation)

    assert retried.status == RevocationStatus.REVOKED
    assert retried.attempts == 2
    assert (retried.access_token, retried.refresh_token) == ("", "")


def test_a_revocation_is_not_retried_before_it_is_due(user, strava):
    revocation = delete_with_revocation_answer(user, status=503)

    with responses.RequestsMock():  # no call may be made
        scheduled_pass_now()

    revocation.refresh_from_db()
    assert (revocation.status, revocation.attempts) == (RevocationStatus.PENDING, 1)


def test_the_recorded_error_never_holds_a_token(user, strava):
    echo = {"message": f"token {ACCESS} is malformed"}

    revocation = delete_with_revocation_answer(user, status=400, json=echo)

    assert ACCESS not in revocation.last_error
    assert "[token]" in revocation.last_error


def test_a_grant_the_provider_no_longer_knows_is_gone_and_its_tokens_wiped(
    user, strava
):
    revocation = delete_with_revocation_answer(user, status=401)

    assert revocation.status == RevocationStatus.GONE
    assert (revocation.access_token, revocation.refresh_token) == ("", "")


def test_the_wait_between_attempts_doubles_up_to_a_bound(settings):
    settings.REVOCATION_RETRY_DELAY, settings.REVOCATION_MAX_DELAY = 60, 3600

    waits = [revocations.backoff(n).total_seconds() for n in (1, 2, 3, 7, 30)]

    assert waits == [60, 120, 240, 3600, 3600]


def test_a_revocation_fails_for_good_once_its_attempts_are_spent(
    user, strava, settings
):
    settings.REVOCATION_MAX_ATTEMPTS = 2
    revocation = delete_with_revocation_answer(user, status=500)
    time_passes(revocation)
    with responses.RequestsMock() as rsps:
        rsps.post(DEAUTHORIZE, status=500)
        scheduled_pass_now()

    revocation.refresh_from_db()
    assert (revocation.status, revocation.attempts) == (RevocationStatus.FAILED, 2)
    assert revocation.next_attempt_at is None


def test_staff_retry_gives_a_failed_revocation_another_attempt(user, strava, settings):
    settings.REVOCATION_MAX_ATTEMPTS = 1
    revocation = delete_with_revocation_answer(user, status=500)
    assert revocation.status == RevocationStatus.FAILED

    with responses.RequestsMock() as rsps:
        rsps.post(DEAUTHORIZE)
        with TestCase.captureOnCommitCallbacks(execute=True):
            retried, skipped = revocations.retry_now([revocation])

    revocation.refresh_from_db()
    assert (len(retried), skipped) == (1, [])
    assert revocation.status == RevocationStatus.REVOKED


def test_an_attempt_whose_worker_died_is_tried_again(user, strava):
    revocation = delete_with_revocation_answer(user, status=500)
    PendingRevocation.objects.filter(pk=revocation.pk).update(
        status=RevocationStatus.REVOKING, claimed_at=timezone.now()
    )

    retried = succeed_later(revocation)

    assert retried.status == RevocationStatus.REVOKED


def test_a_rotated_refresh_token_is_kept_when_the_revocation_then_fails(user, settings):
    make_connection(
        user,
        "wahoo",
        access_token="stale",
        refresh_token="old-refresh",
        token_expires_at=timezone.now() - timedelta(minutes=5),
    )
    with responses.RequestsMock() as rsps:
        rsps.post(
            settings.PROVIDERS["wahoo"]["REFRESH_URL"],
            json={
                "access_token": "fresh",
                "refresh_token": "new-refresh",
                "expires_in": 7200,
                "token_type": "Bearer",
            },
        )
        rsps.delete("https://api.wahooligan.com/v1/permissions", status=502)
        with TestCase.captureOnCommitCallbacks(execute=True):
            [revocation] = delete_account(user)

    revocation.refresh_from_db()
    assert revocation.status == RevocationStatus.PENDING
    # Wahoo's refresh tokens are single-use: the old one is spent.
    assert (revocation.access_token, revocation.refresh_token) == (
        "fresh",
        "new-refresh",
    )

"""Staff see the revocations still to do, and can retry them; never a token."""

import pytest
import responses
from django.urls import reverse

from accounts.models import PendingRevocation, RevocationStatus
from providers.tests.factories import make_user

ACCESS, REFRESH = "access-secret-9", "refresh-secret-9"
CHANGELIST = reverse("admin:accounts_pendingrevocation_changelist")


@pytest.fixture
def staff_client(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def failed(db):
    return PendingRevocation.objects.create(
        provider="strava",
        provider_user_id="48213377",
        access_token=ACCESS,
        refresh_token=REFRESH,
        status=RevocationStatus.FAILED,
        attempts=10,
        last_error="strava: server error HTTP 500",
    )


def test_the_list_shows_failed_revocations_and_their_error_but_no_token(
    staff_client, failed
):
    page = staff_client.get(CHANGELIST, {"status": "failed"}).content.decode()

    assert "48213377" in page
    assert "strava: server error HTTP 500" in page
    assert ACCESS not in page and REFRESH not in page


def test_the_detail_page_shows_no_token(staff_client, failed):
    url = reverse("admin:accounts_pendingrevocation_change", args=[failed.pk])

    page = staff_client.get(url).content.decode()

    assert "48213377" in page
    assert ACCESS not in page and REFRESH not in page


def test_retry_now_revokes_a_failed_revocation(
    staff_client, failed, django_capture_on_commit_callbacks
):
    with responses.RequestsMock() as rsps:
        rsps.post("https://www.strava.com/oauth/deauthorize")
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                CHANGELIST,
                {"action": "retry_now", "_selected_action": [failed.pk]},
            )

    failed.refresh_from_db()
    assert failed.status == RevocationStatus.REVOKED
    assert failed.access_token == ""

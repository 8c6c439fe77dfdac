"""A provider telling us the athlete withdrew our access (issue 17).

Strava (athlete `authorized: "false"`), Garmin (`deregistrations`) and Google Health
(`userRevokedAccess`) send such a notice; Polar, COROS and Wahoo document none. Each
goes through one path (processing.Context.withdraw): the connection is revoked, the
provider's activities (and their streams and loads) are deleted at once, grouped
sessions re-elect their canonical copy, and the dashboard says what happened.
"""

import pytest
from django.urls import reverse
from django.utils import formats

from accounts.models import AccessWithdrawal
from analytics.models import ActivityStreams, TrainingLoad
from providers.models import ConnectionStatus
from providers.tests.factories import make_connection
from sync.models import Activity, ActivityGroup, WebhookStatus, WebhookSubscription

from .grouping_helpers import MORNING, later, record, visible
from .webhook_helpers import URLCONF, activity_ids, deliver, events, webhook_runs

pytestmark = pytest.mark.urls(URLCONF)


@pytest.fixture(autouse=True)
def webhook_settings(db, settings):
    settings.STRAVA_WEBHOOK_VERIFY_TOKEN = "verify-me"
    settings.FITBIT_WEBHOOK_SECRET = "google-hook-secret"
    WebhookSubscription.objects.create(
        provider="strava", external_id="120475", callback_url="https://x/"
    )


def strava_deauthorization(account):
    body = {
        "aspect_type": "update",
        "event_time": 1761466800,
        "object_id": int(account),
        "object_type": "athlete",
        "owner_id": int(account),
        "subscription_id": 120475,
        "updates": {"authorized": "false"},
    }
    return "/webhooks/strava/", body, {}


def garmin_deregistration(account):
    return "/webhooks/garmin/", {"deregistrations": [{"userId": account}]}, {}


def google_revocation(account):
    body = [{"data": {"healthUserId": account, "dataType": "userRevokedAccess"}}]
    return "/webhooks/fitbit/", body, {"Authorization": "Bearer google-hook-secret"}


NOTICES = {
    "strava": strava_deauthorization,
    "garmin": garmin_deregistration,
    "fitbit": google_revocation,
}


@pytest.fixture
def athlete(user):
    """Three copies of one morning run, grouped, and a lone session per provider."""
    c = {
        provider: make_connection(user, provider, provider_user_id=f"{n}4711")
        for n, provider in enumerate(["garmin", "strava", "fitbit"], start=1)
    }
    record(c["garmin"], "g", MORNING, 3600)
    record(c["strava"], "s", MORNING, 3600, calories_kcal=700.0)
    record(c["fitbit"], "f", later(MORNING, seconds=20), 3590, calories_kcal=650.0)
    for days, (provider, connection) in enumerate(c.items(), start=2):
        lone = record(connection, f"{provider}-lone", later(MORNING, days=days), 900)
        ActivityStreams.objects.create(activity=lone, samples=3)
        TrainingLoad.objects.create(
            activity=lone,
            user=user,
            day=lone.start_time.date(),
            load=20,
            method="trimp",
        )
    return c


def withdraw(client, connection):
    url, body, headers = NOTICES[connection.provider](connection.provider_user_id)
    assert deliver(client, url, body, headers=headers).status_code in (200, 204)
    connection.refresh_from_db()


@pytest.mark.parametrize("provider", sorted(NOTICES))
def test_a_withdrawal_revokes_and_deletes_that_providers_activities_at_once(
    client, athlete, provider
):
    connection = athlete[provider]

    withdraw(client, connection)

    assert connection.status == ConnectionStatus.REVOKED
    assert (connection.access_token, connection.refresh_token) == ("", "")
    assert activity_ids(provider) == []
    others = {"garmin", "strava", "fitbit"} - {provider}
    for other in others:
        assert len(activity_ids(other)) == 2
    # The lone session's streams went with it; the other two providers' stay.
    assert ActivityStreams.objects.count() == 2
    [event] = events(provider)
    assert event.status == WebhookStatus.PROCESSED
    assert webhook_runs(connection)[-1].error_details["deleted"] == 2
    withdrawal = AccessWithdrawal.objects.get(provider=provider)
    assert (withdrawal.user_id, withdrawal.activities_deleted) == (
        connection.user_id,
        2,
    )


@pytest.mark.parametrize(
    ("provider", "shown"),
    [("garmin", [("fitbit", "f")]), ("strava", [("garmin", "g")])],
)
def test_a_group_that_loses_its_copy_re_elects_its_canonical_copy(
    client, user, athlete, provider, shown
):
    withdraw(client, athlete[provider])

    morning = [v for v in visible(user) if not v[1].endswith("-lone")]
    assert morning == shown
    group = ActivityGroup.objects.get()
    assert group.canonical.provider == shown[0][0]
    assert Activity.objects.filter(group=group).count() == 2


def test_the_dashboard_says_what_happened(client, user, athlete):
    withdraw(client, athlete["garmin"])
    client.force_login(user)

    page = client.get(reverse("sync:dashboard")).content.decode()

    withdrawal = AccessWithdrawal.objects.get()
    day = formats.date_format(withdrawal.withdrawn_at.astimezone(user.tzinfo))
    assert f"Garmin access was withdrawn on {day}; 2 activities from Garmin" in page
    assert "Reconnect Garmin to sync again." in page


def test_the_notice_goes_once_the_athlete_reconnects(client, user, athlete):
    garmin = athlete["garmin"]
    withdraw(client, garmin)
    garmin.status = ConnectionStatus.ACTIVE
    garmin.save()
    client.force_login(user)

    page = client.get(reverse("sync:dashboard")).content.decode()

    assert "access was withdrawn" not in page


def test_a_repeated_notice_keeps_what_the_first_one_deleted(client, athlete):
    strava = athlete["strava"]
    withdraw(client, strava)
    # Strava retries a delivery it thinks was lost; the copy differs in its time.
    url, body, headers = strava_deauthorization(strava.provider_user_id)
    deliver(client, url, {**body, "event_time": 1761466900}, headers=headers)

    assert AccessWithdrawal.objects.get().activities_deleted == 2
    assert len(events("strava")) == 2


def test_another_athletes_activities_are_untouched(client, athlete, other_user):
    theirs = make_connection(other_user, "garmin", provider_user_id="999")
    record(theirs, "theirs", MORNING, 3600)

    withdraw(client, athlete["garmin"])

    assert activity_ids("garmin") == ["theirs"]

"""strava_webhook and polar_webhook: what we send, what we store, what we print."""

from io import StringIO

import pytest
import responses
from django.core.management import CommandError, call_command
from django.db import connection
from responses import matchers

from sync.models import WebhookSubscription

from .webhook_helpers import URLCONF

pytestmark = [pytest.mark.urls(URLCONF), pytest.mark.django_db]

STRAVA = "https://www.strava.com/api/v3/push_subscriptions"
POLAR = "https://www.polaraccesslink.com/v3/webhooks"
STRAVA_CLIENT = {
    "client_id": "strava-client-id",
    "client_secret": "strava-client-secret",
}
# HTTP Basic of polar-client-id:polar-client-secret
POLAR_BASIC = {
    "Authorization": "Basic cG9sYXItY2xpZW50LWlkOnBvbGFyLWNsaWVudC1zZWNyZXQ="
}


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://trainlytics.example"
    settings.STRAVA_WEBHOOK_VERIFY_TOKEN = "verify-me"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_strava_subscribe_sends_our_callback_and_stores_the_id():
    with responses.RequestsMock() as rsps:
        rsps.post(
            STRAVA,
            json={"id": 120475},
            match=[
                matchers.urlencoded_params_matcher(
                    {
                        **STRAVA_CLIENT,
                        "callback_url": "https://trainlytics.example/webhooks/strava/",
                        "verify_token": "verify-me",
                    }
                )
            ],
        )
        output = run("strava_webhook", "subscribe")

    stored = WebhookSubscription.objects.get(provider="strava")
    assert stored.external_id == "120475"
    assert "120475" in output
    assert "strava-client-secret" not in output


def test_strava_subscribe_refuses_without_a_verify_token(settings):
    settings.STRAVA_WEBHOOK_VERIFY_TOKEN = ""

    with responses.RequestsMock(), pytest.raises(CommandError):
        run("strava_webhook", "subscribe")


def test_strava_list_prints_the_subscriptions():
    with responses.RequestsMock() as rsps:
        rsps.get(
            STRAVA,
            json=[{"id": 120475, "callback_url": "https://trainlytics.example/x/"}],
            match=[matchers.query_param_matcher(STRAVA_CLIENT)],
        )
        output = run("strava_webhook", "list")

    assert "120475 https://trainlytics.example/x/" in output


def test_strava_unsubscribe_deletes_ours_and_forgets_it():
    WebhookSubscription.objects.create(
        provider="strava", external_id="120475", callback_url="https://t.example/"
    )
    with responses.RequestsMock() as rsps:
        rsps.delete(
            f"{STRAVA}/120475",
            status=204,
            match=[matchers.query_param_matcher(STRAVA_CLIENT)],
        )
        run("strava_webhook", "unsubscribe")

    assert not WebhookSubscription.objects.exists()


def test_strava_unsubscribe_without_a_stored_subscription_says_so():
    with responses.RequestsMock(), pytest.raises(CommandError, match="pass its id"):
        run("strava_webhook", "unsubscribe")


def test_polar_create_stores_the_signing_secret_encrypted_and_never_prints_it():
    answer = {
        "data": {
            "id": "abdf33",
            "events": ["EXERCISE"],
            "url": "https://trainlytics.example/webhooks/polar/",
            "signature_secret_key": "53c6c8f4-1d2f-4b24-a5a8-7e2b1f0c9d11",
        }
    }
    with responses.RequestsMock() as rsps:
        rsps.post(
            POLAR,
            status=201,
            json=answer,
            match=[
                matchers.json_params_matcher(
                    {
                        "events": ["EXERCISE"],
                        "url": "https://trainlytics.example/webhooks/polar/",
                    }
                ),
                matchers.header_matcher(POLAR_BASIC),
            ],
        )
        output = run("polar_webhook", "create")

    stored = WebhookSubscription.objects.get(provider="polar")
    assert stored.signing_secret == "53c6c8f4-1d2f-4b24-a5a8-7e2b1f0c9d11"
    assert "53c6c8f4" not in output
    with connection.cursor() as cursor:
        cursor.execute("SELECT signing_secret FROM webhook_subscriptions")
        [(at_rest,)] = cursor.fetchall()
    assert "53c6c8f4" not in at_rest


def test_polar_create_without_a_secret_in_the_answer_fails():
    with responses.RequestsMock() as rsps:
        rsps.post(POLAR, status=201, json={"data": {"id": "abdf33"}})
        with pytest.raises(CommandError, match="signing secret"):
            run("polar_webhook", "create")

    assert not WebhookSubscription.objects.exists()


def test_polar_delete_removes_the_webhook_and_its_secret():
    WebhookSubscription.objects.create(
        provider="polar",
        external_id="abdf33",
        callback_url="https://t.example/",
        signing_secret="s",
    )
    with responses.RequestsMock() as rsps:
        rsps.delete(
            f"{POLAR}/abdf33", status=204, match=[matchers.header_matcher(POLAR_BASIC)]
        )
        run("polar_webhook", "delete")

    assert not WebhookSubscription.objects.exists()

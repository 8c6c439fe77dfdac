"""Webhook events for staff: retry state in the list, a filter, and "retry now"."""

from datetime import timedelta

import pytest
import responses
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import formats, timezone

from providers.tests.factories import make_connection, make_user
from sync.models import WebhookEvent, WebhookStatus

EVENTS_URL = reverse("admin:sync_webhookevent_changelist")
DETAIL_URL = "https://www.strava.com/api/v3/activities/7"
DETAIL = {
    "id": 7,
    "name": "Lunch run",
    "sport_type": "Run",
    "start_date": "2026-10-26T11:00:00Z",
    "start_date_local": "2026-10-26T12:00:00Z",
    "elapsed_time": 1800,
}


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def athlete(db):
    return make_connection(provider="strava", provider_user_id="48213377")


def event(connection, key, **fields):
    return WebhookEvent.objects.create(
        provider="strava",
        dedupe_key=key,
        event_type="activity.create",
        connection=connection,
        payload={"object_type": "activity", "aspect_type": "create", "object_id": 7},
        **fields,
    )


def listed(client, **params):
    return {
        e.dedupe_key for e in client.get(EVENTS_URL, params).context["cl"].result_list
    }


def test_the_list_shows_status_attempts_next_attempt_and_last_error(staff, athlete):
    when = timezone.now() + timedelta(minutes=2)
    event(
        athlete,
        "waiting",
        status=WebhookStatus.RETRY,
        attempts=2,
        next_attempt_at=when,
        error="strava: server error HTTP 503",
    )
    page = staff.get(EVENTS_URL)
    html = page.content.decode()
    assert "Retry scheduled" in html
    assert '<td class="field-attempts">2</td>' in html
    assert "strava: server error HTTP 503" in html
    assert '<td class="field-short_error">strava: server error HTTP 503</td>' in html
    shown = formats.localize(timezone.localtime(when))
    assert f'<td class="field-next_attempt_at nowrap">{shown}</td>' in html
    assert athlete.access_token not in html


def test_events_filter_by_retry_state(staff, athlete, settings):
    settings.SYNC_MAX_ATTEMPTS = 3
    past, soon = (
        timezone.now() - timedelta(minutes=1),
        timezone.now() + timedelta(hours=1),
    )
    event(athlete, "due", status="retry", attempts=1, next_attempt_at=past)
    event(athlete, "waiting", status="retry", attempts=2, next_attempt_at=soon)
    event(athlete, "gave-up", status="failed", attempts=3, error="HTTP 503")
    event(athlete, "refused", status="failed", attempts=1, error="HTTP 404")
    event(athlete, "done", status="processed", attempts=1)
    assert listed(staff, retry="due") == {"due"}
    assert listed(staff, retry="waiting") == {"waiting"}
    assert listed(staff, retry="retried") == {"waiting", "gave-up"}
    assert listed(staff, retry="gave_up") == {"gave-up"}


def test_retry_now_processes_failed_events_and_skips_the_others(
    staff, athlete, django_capture_on_commit_callbacks
):
    failed = event(athlete, "failed", status="failed", attempts=4, error="HTTP 503")
    done = event(athlete, "done", status="processed", attempts=1)
    data = {"action": "retry_now", ACTION_CHECKBOX_NAME: [failed.pk, done.pk]}
    with responses.RequestsMock() as rsps:
        rsps.get(DETAIL_URL, json=DETAIL)
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(EVENTS_URL, data, follow=True)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["1 event queued for retry; 1 skipped: not failed or waiting."]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("processed", 5, "")
    done.refresh_from_db()
    assert done.attempts == 1

"""Activities, workouts and webhook events in the admin: filters, search, payloads."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.tests.factories import make_user
from sync.models import Activity, WebhookEvent, Workout
from sync.tests.fleet import build_fleet
from sync.tests.test_admin import MAX_QUERIES

ACTIVITIES_URL = reverse("admin:sync_activity_changelist")
WORKOUTS_URL = reverse("admin:sync_workout_changelist")
EVENTS_URL = reverse("admin:sync_webhookevent_changelist")


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records(db):
    fleet = build_fleet(connections=1_000, runs_each=0)
    now = timezone.now()
    Activity.objects.bulk_create(
        Activity(
            user_id=c.user_id,
            connection=c,
            provider=c.provider,
            provider_activity_id=f"act-{i}-{n}",
            sport_type="run" if n % 2 else "ride",
            name=f"Session {i}-{n}",
            start_time=now - timedelta(days=n, hours=i % 24),
            activity_data={"id": f"act-{i}-{n}", "laps": [n]},
        )
        for i, c in enumerate(fleet)
        for n in range(3)
    )
    Workout.objects.bulk_create(
        Workout(user_id=c.user_id, title=f"Intervals {i}", scheduled_for=now)
        for i, c in enumerate(fleet[:300])
    )
    WebhookEvent.objects.bulk_create(
        WebhookEvent(
            provider=c.provider,
            dedupe_key=f"evt-{i}",
            event_type="activity.create",
            provider_user_id=c.provider_user_id,
            connection=c if i % 3 else None,
            payload={"object_id": i, "owner_id": c.provider_user_id},
            status="failed" if i % 5 == 0 else "processed",
        )
        for i, c in enumerate(fleet)
    )
    return fleet


LISTS = [
    (ACTIVITIES_URL, {}),
    (ACTIVITIES_URL, {"provider__exact": "wahoo"}),
    (ACTIVITIES_URL, {"sport_type__exact": "run"}),
    (ACTIVITIES_URL, {"q": "fleet7@example.com"}),
    (ACTIVITIES_URL, {"q": "act-7-1"}),
    (ACTIVITIES_URL, {"start_time__year": timezone.now().year}),
    (WORKOUTS_URL, {}),
    (WORKOUTS_URL, {"status__exact": "planned"}),
    (WORKOUTS_URL, {"q": "Intervals 12"}),
    (EVENTS_URL, {}),
    (EVENTS_URL, {"status__exact": "failed"}),
    (EVENTS_URL, {"provider__exact": "polar"}),
    (EVENTS_URL, {"event_type__exact": "activity.create"}),
    (EVENTS_URL, {"q": "fleet10@example.com"}),
    (EVENTS_URL, {"q": "evt-42"}),
]


def test_record_lists_filters_and_search_stay_within_a_query_budget(
    staff, records, django_assert_max_num_queries
):
    for url, params in LISTS:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = staff.get(f"{url}?{urlencode(params)}")
        assert response.status_code == 200, (url, params)
        assert response.context["cl"].result_count > 0, (url, params)


def test_searches_find_the_right_rows(staff, records):
    activities = staff.get(ACTIVITIES_URL, {"q": "act-7-1"}).context["cl"]
    assert [a.provider_activity_id for a in activities.result_list] == ["act-7-1"]
    events = staff.get(EVENTS_URL, {"q": "fleet10@example.com"}).context["cl"]
    assert [e.dedupe_key for e in events.result_list] == ["evt-10"]


def test_raw_payloads_are_pretty_printed_read_only(staff, records):
    activity = Activity.objects.get(provider_activity_id="act-3-2")
    event = WebhookEvent.objects.get(dedupe_key="evt-3")
    for url, text in [
        (reverse("admin:sync_activity_change", args=[activity.pk]), "&quot;laps&quot;"),
        (reverse("admin:sync_webhookevent_change", args=[event.pk]), "&quot;owner_id"),
    ]:
        html = staff.get(url).content.decode()
        assert "<pre>{\n  &quot;" in html
        assert text in html
        assert "<textarea" not in html
        assert "fleet-access-token" not in html


def test_webhook_subscription_secret_is_masked(admin_client):
    from sync.models import WebhookSubscription

    subscription = WebhookSubscription.objects.create(
        provider="polar",
        external_id="wh-1",
        callback_url="https://app.example.com/webhooks/polar/",
        signing_secret="polar-signing-secret-9f3a",
    )
    changelist = admin_client.get(reverse("admin:sync_webhooksubscription_changelist"))
    page = admin_client.get(
        reverse("admin:sync_webhooksubscription_change", args=[subscription.pk])
    )
    assert changelist.status_code == page.status_code == 200
    for response in (changelist, page):
        assert b"polar-signing-secret" not in response.content
    assert "…9f3a" in page.content.decode()

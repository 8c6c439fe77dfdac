"""Workout deliveries and calendar feeds for staff (planning/admin.py)."""

from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from planning import services
from planning.models import CalendarFeed, DeliveryStatus, WorkoutDelivery, feed_digest
from providers.tests.factories import make_connection, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]
DELIVERIES = reverse("admin:planning_workoutdelivery_changelist")


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def deliveries(user):
    garmin = make_connection(user, "garmin")
    wahoo = make_connection(user, "wahoo")
    workout = services.create_workout(
        user, title="Tempo", scheduled_for=date(2026, 5, 3)
    )
    failed = WorkoutDelivery.objects.create(
        workout=workout,
        user=user,
        connection=garmin,
        provider="garmin",
        status=DeliveryStatus.FAILED,
        attempts=4,
        error_message="Garmin refused the workout: Invalid sport",
    )
    sent = WorkoutDelivery.objects.create(
        workout=workout,
        user=user,
        connection=wahoo,
        provider="wahoo",
        status=DeliveryStatus.SENT,
    )
    return failed, sent


def test_the_list_shows_status_attempts_and_error_and_filters_by_status(
    staff, deliveries
):
    page = staff.get(DELIVERIES, {"status": "failed"})

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [deliveries[0]]
    assert "Garmin refused the workout: Invalid sport" in page.content.decode()


def test_retry_now_queues_failed_deliveries_and_skips_the_others(
    staff, deliveries, django_capture_on_commit_callbacks
):
    failed, sent = deliveries
    with django_capture_on_commit_callbacks() as queued:
        answer = staff.post(
            DELIVERIES,
            {"action": "retry_now", ACTION_CHECKBOX_NAME: [failed.pk, sent.pk]},
            follow=True,
        )

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 0)
    assert len(queued) == 1
    messages = [str(m) for m in get_messages(answer.wsgi_request)]
    assert messages == ["1 delivery queued; 1 skipped: not failed."]


def test_deliveries_cannot_be_added_or_edited_by_hand(staff, deliveries):
    add = reverse("admin:planning_workoutdelivery_add")
    change = reverse("admin:planning_workoutdelivery_change", args=[deliveries[0].pk])

    assert staff.get(add).status_code == 403
    assert staff.post(change, {"status": "sent"}).status_code == 403


def test_a_calendar_feed_never_shows_its_digest(staff, user):
    feed = CalendarFeed.objects.create(
        user=user, token_digest=feed_digest(CalendarFeed.new_token())
    )
    detail = reverse("admin:planning_calendarfeed_change", args=[feed.pk])

    pages = [
        staff.get(reverse("admin:planning_calendarfeed_changelist")),
        staff.get(detail),
    ]

    for page in pages:
        assert page.status_code == 200
        assert feed.token_digest not in page.content.decode()
    assert user.email in pages[0].content.decode()

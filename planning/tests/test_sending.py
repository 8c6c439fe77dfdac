"""Sending workouts to devices (planning/sending.py, planning/retries.py): the
claim, the failure taxonomy and retry budget of syncs, updates and deletes."""

from datetime import date, timedelta

import pytest
import responses
from django.utils import timezone
from responses import matchers

from planning import delivery, retries, services
from planning.models import DeliveryStatus, WorkoutDelivery
from planning.sending import run_delivery
from providers.models import ConnectionStatus
from providers.sports import SportType
from providers.tests.factories import make_connection
from sync.signals import scheduled_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]

API = "https://apis.garmin.com/training-api"
STRUCTURE_TEXT = {"steps": [{"kind": "interval", "duration_s": 600}]}
SENT_EXTERNAL = {"workout_id": 81, "schedule_id": 12}


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def garmin(user):
    return make_connection(user, "garmin", scopes=["ACTIVITY_EXPORT", "WORKOUT_IMPORT"])


@pytest.fixture
def workout(user):
    return services.create_workout(
        user,
        title="Tempo",
        sport_type=SportType.RUN,
        scheduled_for=date(2026, 5, 3),
        structure=STRUCTURE_TEXT,
    )


def pending(workout, connection, **fields):
    return WorkoutDelivery.objects.create(
        workout=workout,
        user=workout.user,
        connection=connection,
        provider=connection.provider,
        **fields,
    )


def sent(workout, connection):
    """A delivery as a first send leaves it (run for real, so the digest is real)."""
    with responses.RequestsMock() as mock:
        mock.post(f"{API}/workout", json={"workoutId": 81})
        mock.post(f"{API}/schedule", json=12)
        return run_delivery(pending(workout, connection).pk)


def garmin_accepts(rsps, title="Tempo"):
    rsps.post(
        f"{API}/workout",
        json={"workoutId": 81},
        match=[
            matchers.json_params_matcher({"workoutName": title}, strict_match=False)
        ],
    )
    rsps.post(
        f"{API}/schedule",
        json=12,
        match=[matchers.json_params_matcher({"workoutId": 81, "date": "2026-05-03"})],
    )


def make_due(row):
    WorkoutDelivery.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_pending_delivery_is_sent_and_keeps_the_providers_ids(workout, garmin, rsps):
    garmin_accepts(rsps)

    row = run_delivery(pending(workout, garmin).pk)

    assert row.status == DeliveryStatus.SENT
    assert row.external == SENT_EXTERNAL
    assert row.sent_at is not None
    assert row.sent_digest
    assert row.error_message == ""
    assert row.next_attempt_at is None
    assert row.attempts == 1


def test_a_second_worker_cannot_claim_a_delivery_being_sent(workout, garmin, rsps):
    row = pending(workout, garmin)
    second = []

    def meanwhile(request):
        second.append(run_delivery(row.pk))
        return 200, {}, '{"workoutId": 81}'

    rsps.add_callback(responses.POST, f"{API}/workout", callback=meanwhile)
    rsps.post(f"{API}/schedule", json=12)

    run_delivery(row.pk)

    assert second == [None]
    assert len(rsps.calls) == 2
    assert WorkoutDelivery.objects.get(pk=row.pk).attempts == 1


def test_a_sent_or_failed_delivery_is_not_sent_by_a_stray_task(workout, garmin):
    row = pending(workout, garmin, status=DeliveryStatus.FAILED)
    with responses.RequestsMock():  # any call would fail the test
        assert run_delivery(row.pk) is None
        assert run_delivery(row.pk + 1000) is None


def test_a_server_error_is_tried_again_with_a_doubling_delay(
    workout, garmin, rsps, settings
):
    settings.SYNC_RETRY_DELAY = 30
    rsps.post(f"{API}/workout", status=503)
    row = pending(workout, garmin)

    first = run_delivery(row.pk)
    make_due(first)
    second = run_delivery(row.pk)

    assert first.status == second.status == DeliveryStatus.PENDING
    assert "Garmin had a temporary problem" in second.error_message
    assert second.attempts == 2
    wait = second.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) < wait <= timedelta(seconds=60)


def test_a_server_error_on_the_last_attempt_fails_the_delivery(
    workout, garmin, rsps, settings
):
    settings.SYNC_MAX_ATTEMPTS = 2
    rsps.post(f"{API}/workout", status=500)
    row = pending(workout, garmin)

    run_delivery(row.pk)
    make_due(row)
    row = run_delivery(row.pk)

    assert row.status == DeliveryStatus.FAILED
    assert row.error_message == (
        "Garmin could not take the workout after 2 attempts. Send it again later."
    )
    assert row.next_attempt_at is None


def test_a_rate_limit_waits_for_the_window_without_spending_an_attempt(
    workout, garmin, rsps
):
    rsps.post(f"{API}/workout", status=429, headers={"Retry-After": "600"})

    row = run_delivery(pending(workout, garmin).pk)

    assert row.status == DeliveryStatus.PENDING
    assert row.attempts == 0
    wait = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=590) < wait <= timedelta(seconds=600)
    assert "slow down" in row.error_message


def test_a_refused_grant_flags_the_connection_and_fails_the_delivery(
    workout, user, rsps
):
    garmin = make_connection(
        user, "garmin", scopes=["WORKOUT_IMPORT"], refresh_token=None
    )
    rsps.post(f"{API}/workout", status=401)

    row = run_delivery(pending(workout, garmin).pk)

    garmin.refresh_from_db()
    assert garmin.status == ConnectionStatus.REAUTH_REQUIRED
    assert row.status == DeliveryStatus.FAILED
    assert row.error_message == (
        "Garmin no longer accepts Trainlytics' access. Reconnect Garmin, then send "
        "the workout again."
    )
    assert garmin.access_token not in row.error_message


def test_a_refused_token_is_refreshed_once_before_giving_up(workout, garmin, rsps):
    from providers.registry import get_backend

    rsps.post(f"{API}/workout", status=401)
    rsps.post(
        get_backend("garmin").refresh_endpoint,
        status=400,
        json={"error": "invalid_grant"},
    )

    row = run_delivery(pending(workout, garmin).pk)

    garmin.refresh_from_db()
    assert garmin.status == ConnectionStatus.REAUTH_REQUIRED
    assert row.status == DeliveryStatus.FAILED


def test_a_payload_the_provider_rejects_fails_at_once_in_its_words(
    workout, garmin, rsps
):
    rsps.post(f"{API}/workout", status=400, json={"errorMessage": "Invalid sport"})

    row = run_delivery(pending(workout, garmin).pk)

    assert row.status == DeliveryStatus.FAILED
    assert row.error_message == "Garmin refused the workout: Invalid sport"
    assert row.attempts == 1


def test_a_connection_needing_reconnect_fails_without_a_call(workout, garmin):
    garmin.status = ConnectionStatus.REAUTH_REQUIRED
    garmin.save()

    with responses.RequestsMock():
        row = run_delivery(pending(workout, garmin).pk)

    assert row.status == DeliveryStatus.FAILED
    assert "Reconnect Garmin" in row.error_message


def test_deleting_the_workout_removes_the_copy_and_then_the_row(workout, garmin, rsps):
    row = sent(workout, garmin)
    services.delete_workout(workout)
    rsps.delete(f"{API}/schedule/12", status=204)
    rsps.delete(f"{API}/workout/81", status=204)

    assert WorkoutDelivery.objects.get(pk=row.pk).status == DeliveryStatus.DELETING
    assert run_delivery(row.pk) is None
    assert not WorkoutDelivery.objects.filter(pk=row.pk).exists()


def test_a_failed_removal_keeps_the_row_to_try_again(workout, garmin, rsps):
    row = sent(workout, garmin)
    services.delete_workout(workout)
    rsps.delete(f"{API}/schedule/12", status=502)

    row = run_delivery(row.pk)

    assert row.status == DeliveryStatus.DELETING
    assert row.external == SENT_EXTERNAL
    assert row.workout is None


def test_an_edit_sends_the_workout_again_as_an_update(workout, garmin, rsps):
    row = sent(workout, garmin)
    services.update_workout(workout, title="Long tempo")
    rsps.put(
        f"{API}/workout/81",
        json={},
        match=[
            matchers.json_params_matcher(
                {"workoutName": "Long tempo"}, strict_match=False
            )
        ],
    )
    rsps.put(f"{API}/schedule/12", json={})

    assert WorkoutDelivery.objects.get(pk=row.pk).status == DeliveryStatus.PENDING
    updated = run_delivery(row.pk)

    assert updated.status == DeliveryStatus.SENT
    assert updated.external == SENT_EXTERNAL
    assert updated.sent_digest != row.sent_digest


def test_a_save_that_changes_nothing_sends_nothing(workout, garmin):
    row = sent(workout, garmin)
    services.update_workout(workout, title="Tempo")

    with responses.RequestsMock():
        again = run_delivery(row.pk)

    assert again.status == DeliveryStatus.SENT
    assert again.sent_digest == row.sent_digest


def test_an_edit_made_while_sending_is_sent_after(workout, garmin, rsps):
    row = pending(workout, garmin)

    def edit_meanwhile(request):
        services.update_workout(workout, title="Edited meanwhile")
        return 200, {}, '{"workoutId": 81}'

    rsps.add_callback(responses.POST, f"{API}/workout", callback=edit_meanwhile)
    rsps.post(f"{API}/schedule", json=12)

    after = run_delivery(row.pk)

    assert after.status == DeliveryStatus.PENDING
    assert after.external == SENT_EXTERNAL
    assert after.next_attempt_at is None


def test_request_send_delivers_after_commit(
    workout, garmin, rsps, django_capture_on_commit_callbacks
):
    garmin_accepts(rsps)

    with django_capture_on_commit_callbacks(execute=True):
        row = delivery.request_send(workout, "garmin")

    assert WorkoutDelivery.objects.get(pk=row.pk).status == DeliveryStatus.SENT


def test_the_scheduled_pass_requeues_a_delivery_whose_worker_was_lost(
    workout, garmin, rsps, django_capture_on_commit_callbacks
):
    lease_ended = timezone.now() - timedelta(minutes=10)
    row = pending(workout, garmin, attempts=1, next_attempt_at=lease_ended)
    garmin_accepts(rsps)

    with django_capture_on_commit_callbacks(execute=True):
        scheduled_pass.send(None, now=timezone.now())

    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert row.attempts == 2


def test_a_lost_worker_on_the_last_attempt_fails_the_delivery(
    workout, garmin, settings
):
    settings.SYNC_MAX_ATTEMPTS = 2
    lease_ended = timezone.now() - timedelta(minutes=10)
    row = pending(workout, garmin, attempts=2, next_attempt_at=lease_ended)

    outcome = retries.requeue_due_deliveries()

    row.refresh_from_db()
    assert outcome == {"requeued": 0, "failed": 1}
    assert row.status == DeliveryStatus.FAILED
    assert row.error_message == retries.WORKER_LOST


def test_retry_now_gives_a_failed_delivery_a_fresh_budget(workout, garmin):
    failed = pending(workout, garmin, status=DeliveryStatus.FAILED, attempts=4)
    sent_one = pending(
        services.duplicate_workout(workout), garmin, status=DeliveryStatus.SENT
    )

    retried, skipped = retries.retry_now([failed, sent_one])

    failed.refresh_from_db()
    assert (retried, skipped) == ([failed], [sent_one])
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 0)

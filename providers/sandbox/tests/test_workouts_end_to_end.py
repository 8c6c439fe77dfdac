"""A workout sent, updated and removed through the sandbox over HTTP: our real
backends and planning/sending.py against the sandbox on pytest-django's
live_server, connected through the sandbox consent page (test_end_to_end.py)."""

from datetime import date

import pytest

from planning import delivery, services
from planning.models import DeliveryStatus, WorkoutDelivery
from providers.registry import get_backend
from providers.sandbox import data
from providers.sandbox.models import ReceivedWorkout
from providers.sports import SportType
from providers.tests.planned import STRUCTURE
from trainlytics.settings import sandbox_provider_conf

from .test_end_to_end import connect

pytestmark = [
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def live(live_server, settings):
    settings.DEBUG = True  # live_server is http on localhost, as in `make run`
    settings.PROVIDERS = {
        **settings.PROVIDERS,
        "garmin": sandbox_provider_conf("garmin", live_server.url),
        "wahoo": sandbox_provider_conf("wahoo", live_server.url),
    }
    return live_server


@pytest.mark.parametrize("slug", ["garmin", "wahoo"])
def test_a_workout_is_sent_updated_and_removed_through_the_sandbox(
    slug, live, client, user
):
    connect(client, get_backend(slug), user, athlete=data.ATHLETES[0])
    workout = services.create_workout(
        user,
        title="Threshold intervals",
        sport_type=SportType.RUN,
        scheduled_for=date(2026, 5, 3),
        structure=STRUCTURE,
    )

    sent = delivery.request_send(workout, slug)  # runs at once: autocommit, inline

    sent = WorkoutDelivery.objects.get(pk=sent.pk)
    assert sent.status == DeliveryStatus.SENT, sent.error_message
    assert ReceivedWorkout.objects.filter(athlete_id=1).count() == 2
    assert not ReceivedWorkout.objects.exclude(athlete_id=1).exists()

    services.update_workout(workout, title="Longer intervals")
    assert WorkoutDelivery.objects.get(pk=sent.pk).status == DeliveryStatus.SENT
    assert ReceivedWorkout.objects.filter(name="Longer intervals").count() == 2

    services.delete_workout(workout)
    assert not WorkoutDelivery.objects.filter(pk=sent.pk).exists()
    assert not ReceivedWorkout.objects.exists()

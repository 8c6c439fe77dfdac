"""Every planning page is the athlete's own: another athlete's workout is a 404 on
every route, and every route but the token-opened feed needs a login."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from providers.tests.factories import make_connection
from sync.models import Workout

from .helpers import done, plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]
STEPS = {"steps": [{"kind": "interval", "duration_s": 600}]}
# (route name, method, form data) for every route about one workout.
WORKOUT_ROUTES = [
    ("workout", "get", {}),
    ("workout-edit", "get", {}),
    ("workout-edit", "post", {"title": "Mine now", "sport_type": "run"}),
    ("workout-duplicate", "post", {"date": "2026-05-04"}),
    ("workout-move", "post", {"date": "2026-05-04"}),
    ("workout-delete", "get", {}),
    ("workout-delete", "post", {}),
    ("workout-link", "post", {}),
    ("workout-unlink", "post", {}),
    ("workout-auto-match", "post", {}),
    ("workout-send", "post", {"provider": "garmin"}),
]
OTHER_ROUTES = [
    ("calendar", "get"),
    ("workout-new", "get"),
    ("workout-new", "post"),
    ("time-zone", "post"),
    ("feed-create", "post"),
    ("feed-remove", "post"),
]


@pytest.fixture
def theirs(other_user):
    """Another athlete's workout, done by one of their sessions."""
    workout = plan(other_user, title="Theirs", structure=STEPS)
    done(
        make_connection(other_user, "strava"),
        1,
        datetime(2026, 5, 3, 7, tzinfo=UTC),
        600,
    )
    workout.refresh_from_db()
    return workout


@pytest.mark.parametrize(("name", "method", "data"), WORKOUT_ROUTES)
def test_another_athletes_workout_is_not_found_and_left_alone(
    client, user, theirs, name, method, data
):
    client.force_login(user)
    if name == "workout-link":
        data = {"activity": theirs.completed_activity_id}
    before = Workout.objects.filter(pk=theirs.pk).values().get()

    response = getattr(client, method)(
        reverse(f"planning:{name}", args=[theirs.pk]), data
    )

    assert response.status_code == 404
    assert Workout.objects.filter(pk=theirs.pk).values().get() == before
    assert Workout.objects.count() == 1
    assert not Workout.objects.filter(user=user).exists()


@pytest.mark.parametrize(("name", "method", "data"), WORKOUT_ROUTES)
def test_workout_routes_need_a_login(client, user, name, method, data):
    workout = plan(user)
    response = getattr(client, method)(
        reverse(f"planning:{name}", args=[workout.pk]), data
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method"), OTHER_ROUTES)
def test_the_other_routes_need_a_login(client, db, name, method):
    response = getattr(client, method)(reverse(f"planning:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("workout-duplicate", "get"),
        ("workout-move", "get"),
        ("workout-link", "get"),
        ("workout-unlink", "get"),
        ("workout-auto-match", "get"),
        ("workout-send", "get"),
    ],
)
def test_changes_are_posts_only(client, user, name, method):
    client.force_login(user)
    workout = plan(user)
    response = getattr(client, method)(reverse(f"planning:{name}", args=[workout.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["time-zone", "feed-create", "feed-remove"])
def test_calendar_settings_are_posts_only(client, user, name):
    client.force_login(user)
    assert client.get(reverse(f"planning:{name}")).status_code == 405


def test_an_id_past_any_integer_is_not_found(client, user):
    client.force_login(user)
    response = client.get(reverse("planning:workout", args=[2**70]))
    assert response.status_code == 404


def test_linking_an_activity_id_past_any_integer_is_refused(client, user):
    client.force_login(user)
    workout = plan(user)
    response = client.post(
        reverse("planning:workout-link", args=[workout.pk]), {"activity": str(2**70)}
    )
    assert response.status_code == 302
    workout.refresh_from_db()
    assert workout.completed_activity is None

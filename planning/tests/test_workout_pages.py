from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from planning import delivery
from planning.models import DeliveryStatus, WorkoutDelivery
from providers.sports import SportType
from providers.tests.factories import make_connection
from sync.models import Workout, WorkoutStatus

from .helpers import done, plan
from .page_helpers import flashed, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]
MORNING = datetime(2026, 5, 3, 7, 0, tzinfo=UTC)
STRUCTURE = {
    "steps": [
        {"kind": "warmup", "duration_s": 600, "target": {"type": "hr_zone", "zone": 1}},
        {
            "kind": "repeat",
            "count": 5,
            "steps": [
                {
                    "kind": "interval",
                    "duration_s": 180,
                    "target": {"type": "hr_zone", "zone": 4},
                },
                {"kind": "recovery", "duration_s": 120},
            ],
        },
        {"kind": "cooldown", "distance_m": 2000.0},
    ]
}


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def strava(user):
    return make_connection(user, "strava")


def url(name, workout):
    return reverse(f"planning:{name}", args=[workout.pk])


def test_the_detail_shows_the_plan_its_steps_and_the_session_that_did_it(
    logged_in, user, strava
):
    workout = plan(
        user,
        title="VO2",
        structure=STRUCTURE,
        target={"type": "power", "min_w": 250, "max_w": 280},
    )
    activity = done(strava, 1, MORNING, 3000, name="Lunch intervals")
    html = logged_in.get(url("workout", workout)).content.decode()
    page = text(html)
    assert "Warm-up 10min at heart-rate zone 1 (Z1)" in page
    assert (
        "5 \N{MULTIPLICATION SIGN} Interval 3min at heart-rate zone 4 (Z4) "
        "Recovery 2min" in page
    )
    assert "Cool-down 2km" in page
    assert "Target power 250-280W" in page
    assert "Planned 35:00 · 2.00 km" in page
    assert f'href="/activities/{activity.pk}/"' in html
    assert "07:00 · Lunch intervals · Run · 50:00" in page
    assert 'href="/calendar/?week=2026-W18">Back to the calendar' in html


def test_duplicating_copies_the_plan_to_the_chosen_day(logged_in, user):
    workout = plan(user, title="Tempo", structure=STRUCTURE)
    response = logged_in.post(url("workout-duplicate", workout), {"date": "2026-05-09"})
    copy = Workout.objects.exclude(pk=workout.pk).get(user=user)
    assert response["Location"] == url("workout", copy)
    assert flashed(response) == ["Copied to Sat 9 May 2026."]
    assert (copy.title, copy.scheduled_for) == ("Tempo", date(2026, 5, 9))
    assert copy.structure == workout.structure


def test_duplicating_without_a_date_copies_to_the_same_day(logged_in, user):
    workout = plan(user, title="Twice")
    logged_in.post(url("workout-duplicate", workout), {"date": ""})
    assert (
        list(Workout.objects.values_list("scheduled_for", flat=True))
        == [workout.scheduled_for] * 2
    )


def test_moving_changes_the_day_and_goes_to_its_week(logged_in, user):
    workout = plan(user)
    response = logged_in.post(url("workout-move", workout), {"date": "2026-05-12"})
    assert response["Location"] == "/calendar/?week=2026-W20"
    workout.refresh_from_db()
    assert workout.scheduled_for == date(2026, 5, 12)


@pytest.mark.parametrize("name", ["workout-move", "workout-duplicate"])
@pytest.mark.parametrize("bad", ["12 May", "2026-02-30", "1850-01-01"])
def test_a_bad_date_to_move_or_copy_to_says_so_and_changes_nothing(
    logged_in, user, name, bad
):
    workout = plan(user)
    response = logged_in.post(url(name, workout), {"date": bad})
    assert response["Location"] == url("workout", workout)
    assert flashed(response)[0].startswith(("Give the", "The date must be"))
    assert list(Workout.objects.values_list("scheduled_for", flat=True)) == [
        workout.scheduled_for
    ]


def test_deleting_asks_first_then_deletes(logged_in, user):
    workout = plan(user, title="Doomed")
    page = logged_in.get(url("workout-delete", workout))
    assert "Delete “Doomed”" in page.content.decode()
    assert Workout.objects.filter(pk=workout.pk).exists()
    response = logged_in.post(url("workout-delete", workout))
    assert response["Location"] == "/calendar/?week=2026-W18"
    assert flashed(response) == ["Deleted “Doomed”."]
    assert not Workout.objects.filter(pk=workout.pk).exists()


def test_linking_takes_one_of_that_days_sessions_and_keeps_it(logged_in, user, strava):
    easy = plan(user, title="Easy", planned_duration_s=1800)
    long = plan(user, title="Long", planned_duration_s=7200)
    short_one = done(strava, 1, MORNING, 1800)
    long.refresh_from_db()
    assert long.completed_activity is None
    response = logged_in.post(url("workout-link", long), {"activity": short_one.pk})
    assert flashed(response) == [
        "Linked: this workout counts as done by that activity."
    ]
    long.refresh_from_db()
    easy.refresh_from_db()
    assert (long.completed_activity_id, long.match_manual) == (short_one.pk, True)
    assert easy.completed_activity is None


@pytest.mark.parametrize("whose", ["another day", "another athlete", "nonsense"])
def test_linking_refuses_what_is_not_that_days_session(
    logged_in, user, other_user, strava, whose
):
    workout = plan(user)
    choice = {
        "another day": lambda: done(strava, 1, MORNING - timedelta(days=1), 60).pk,
        "another athlete": lambda: (
            done(make_connection(other_user, "strava"), 2, MORNING, 60).pk
        ),
        "nonsense": lambda: "x",
    }[whose]()
    response = logged_in.post(url("workout-link", workout), {"activity": choice})
    assert flashed(response) == ["Choose one of that day's activities."]
    workout.refresh_from_db()
    assert workout.completed_activity is None


def test_unlinking_then_matching_automatically_again(logged_in, user, strava):
    workout = plan(user, planned_duration_s=3600)
    activity = done(strava, 1, MORNING, 3600)
    logged_in.post(url("workout-unlink", workout))
    workout.refresh_from_db()
    assert (workout.completed_activity, workout.match_manual) == (None, True)
    assert workout.status == WorkoutStatus.PLANNED
    html = logged_in.get(url("workout", workout)).content.decode()
    assert "Match automatically again" in html

    response = logged_in.post(url("workout-auto-match", workout))
    assert flashed(response) == ["Matched automatically to that day's activity."]
    workout.refresh_from_db()
    assert (workout.completed_activity_id, workout.match_manual) == (activity.pk, False)


def test_sending_without_steps_shows_why_it_cannot(logged_in, user):
    workout = plan(user)
    response = logged_in.post(url("workout-send", workout), {"provider": "garmin"})
    assert flashed(response) == [
        "Add steps to the workout before sending it to a device."
    ]
    assert not WorkoutDelivery.objects.exists()


@pytest.fixture
def garmin_sender(user, monkeypatch):
    """Garmin takes workouts; the wait for the task is left out."""
    garmin = make_connection(user, "garmin")
    monkeypatch.setattr(
        delivery,
        "senders",
        lambda u: [delivery.Sender("garmin", "Garmin", garmin, True)],
    )
    monkeypatch.setattr(delivery, "enqueue", lambda d, run_after=None: None)
    return garmin


def test_sending_asks_for_a_delivery_and_says_so(logged_in, user, garmin_sender):
    workout = plan(user, structure=STRUCTURE)
    html = logged_in.get(url("workout", workout)).content.decode()
    assert '<input type="hidden" name="provider" value="garmin">' in html
    assert '<button type="submit">Send to Garmin</button>' in html
    response = logged_in.post(url("workout-send", workout), {"provider": "garmin"})
    assert flashed(response) == ["Sending to Garmin…"]
    sent = WorkoutDelivery.objects.get(workout=workout)
    assert (sent.provider, sent.status) == ("garmin", DeliveryStatus.PENDING)


def test_a_sender_not_ready_is_a_disabled_button_with_the_reason(
    logged_in, user, monkeypatch
):
    wahoo = make_connection(user, "wahoo")
    reason = "Wahoo is turned off; turn it on first."
    monkeypatch.setattr(
        delivery,
        "senders",
        lambda u: [delivery.Sender("wahoo", "Wahoo", wahoo, False, reason)],
    )
    workout = plan(user, structure=STRUCTURE)
    html = logged_in.get(url("workout", workout)).content.decode()
    assert 'disabled aria-describedby="send-wahoo-why">Send to Wahoo</button>' in html
    assert f'<span class="muted" id="send-wahoo-why">{reason}</span>' in html


def test_the_detail_lists_each_delivery_with_its_problem(logged_in, user):
    workout = plan(user, structure=STRUCTURE)
    WorkoutDelivery.objects.create(
        workout=workout,
        user=user,
        connection=make_connection(user, "garmin"),
        provider="garmin",
        status=DeliveryStatus.FAILED,
        error_message="Garmin said: the workout has too many steps.",
    )
    page = text(logged_in.get(url("workout", workout)).content.decode())
    assert "Garmin Failed — Garmin said: the workout has too many steps." in page


def test_a_session_line_links_to_the_activity_page(logged_in, user, strava):
    activity = done(strava, 1, MORNING, 1800, SportType.SWIM)
    html = logged_in.get(reverse("planning:calendar"), {"week": "2026-W18"}).content
    assert f'<a href="/activities/{activity.pk}/">Pool swim</a>'.encode() in html

import re
from datetime import UTC, date, datetime, time

import icalendar
import pytest
from django.urls import reverse

from planning import ics
from planning.models import CalendarFeed, feed_digest

from .helpers import plan
from .page_helpers import flashed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_days")]
ADDRESS = re.compile(r"http://testserver/calendar/([\w-]+)\.ics")
STEPS = {
    "steps": [
        {"kind": "warmup", "duration_s": 600},
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
    ]
}


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def make_feed(client):
    """Ask for a feed address; return its token as the page showed it, once."""
    response = client.post(reverse("planning:feed-create"), follow=True)
    assert response.redirect_chain == [("/calendar/", 302)]
    return ADDRESS.search(response.content.decode()).group(1)


def read(client, token):
    return client.get(reverse("planning:feed", args=[token]))


def events(response):
    """The feed's events by summary, once the parser found nothing wrong in it."""
    calendar = icalendar.Calendar.from_ical(response.content)
    assert (calendar["VERSION"], calendar["PRODID"]) == ("2.0", ics.PRODID)
    assert all(not component.errors for component in calendar.walk())
    found = calendar.walk("VEVENT")
    # RFC 5545 §3.6.1: each event has exactly one UID, DTSTAMP and DTSTART.
    assert all({"UID", "DTSTAMP", "DTSTART"} <= set(e) for e in found)
    return {str(e["SUMMARY"]): e for e in found}


def test_the_feed_lists_the_plan_as_events_a_parser_reads(logged_in, client, user):
    user.time_zone = "Europe/Paris"
    user.save()
    allday = plan(user, title="Easy, then; strides", planned_distance_m=8000)
    timed = plan(
        user,
        day=date(2026, 5, 5),
        title="Intervals",
        scheduled_time=time(18, 30),
        structure=STEPS,
        target={"type": "hr_zone", "zone": 4},
        description="Track\\lane 1",
    )
    token = make_feed(logged_in)
    client.logout()  # calendar apps have no session

    response = read(client, token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    assert set(found) == {"Easy, then; strides", "Intervals"}
    first = found["Easy, then; strides"]
    assert first["UID"] == f"workout-{allday.pk}@trainlytics"
    assert first.decoded("DTSTART") == date(2026, 5, 3)
    assert first.decoded("DTEND") == date(2026, 5, 4)
    assert first["STATUS"] == "CONFIRMED"
    assert "Planned: 8.00 km" in first["DESCRIPTION"]
    second = found["Intervals"]
    # 18:30 in Paris in May is 16:30 UTC; 35 minutes of steps.
    assert second.decoded("DTSTART") == datetime(2026, 5, 5, 16, 30, tzinfo=UTC)
    assert second.decoded("DTEND") == datetime(2026, 5, 5, 17, 5, tzinfo=UTC)
    assert second.decoded("DTSTAMP").tzinfo is not None
    assert str(second["DESCRIPTION"]) == (
        "Run: planned\nPlanned: 35:00\nTarget: Z4\n\n"
        "warmup 10min\n5x 3min Z4 + recovery 2min\n\nTrack\\lane 1"
    )
    assert str(second["URL"]) == f"http://testserver/calendar/workouts/{timed.pk}/"


def test_the_feed_is_folded_at_75_octets_with_crlf_line_ends(logged_in, user):
    plan(user, title="Très long entraînement " * 8, description="é" * 200)
    body = read(logged_in, make_feed(logged_in)).content
    assert body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)  # no bare line feeds
    assert max(len(line) for line in lines) == 75
    for line in lines:
        line.decode()  # never cut inside a character
    summary = events(read(logged_in, make_feed(logged_in)))
    assert ("Très long entraînement " * 8).strip() in summary


def test_fold_and_escape_follow_rfc_5545():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = ics.fold("X:" + "é" * 50).split("\r\n")
    # 74 octets: one more two-octet "é" would pass 75.
    assert [len(p.encode()) for p in folded] == [74, 29]
    assert folded[1].startswith(" ")


def test_the_status_of_each_workout_shows_in_the_feed(logged_in, user):
    plan(user, day=date(2026, 4, 20), title="Gone")  # its day is over: skipped
    found = events(read(logged_in, make_feed(logged_in)))
    assert found["Gone (missed)"]["STATUS"] == "CANCELLED"


def test_the_feed_holds_only_the_athletes_workouts_near_today(
    logged_in, user, other_user
):
    plan(user, title="Soon")
    plan(user, day=date(2025, 12, 1), title="Long ago")  # before 90 days back
    plan(user, day=date(2027, 6, 1), title="Far ahead")  # after 365 days on
    plan(other_user, title="Someone else's")
    assert set(events(read(logged_in, make_feed(logged_in)))) == {"Soon"}


def test_only_the_tokens_digest_is_stored_and_the_page_never_shows_it(logged_in, user):
    token = make_feed(logged_in)
    feed = CalendarFeed.objects.get(user=user)
    assert feed.token_digest == feed_digest(token) != token
    html = logged_in.get(reverse("planning:calendar")).content.decode()
    assert token not in html
    assert "Replace the address" in html


def test_replacing_the_address_revokes_the_old_one(logged_in):
    old = make_feed(logged_in)
    new = make_feed(logged_in)
    assert read(logged_in, old).status_code == 404
    assert read(logged_in, new).status_code == 200


def test_removing_the_feed_revokes_its_address(logged_in, user):
    token = make_feed(logged_in)
    response = logged_in.post(reverse("planning:feed-remove"))
    assert flashed(response) == ["Calendar feed removed; its address no longer works."]
    assert read(logged_in, token).status_code == 404
    assert not CalendarFeed.objects.filter(user=user).exists()


def test_an_unknown_token_is_not_found(client, db):
    assert read(client, "not-a-token-anyone-was-given").status_code == 404


def test_a_feed_notes_when_it_was_read(logged_in, user):
    token = make_feed(logged_in)
    assert CalendarFeed.objects.get(user=user).last_fetched_at is None
    read(logged_in, token)
    assert CalendarFeed.objects.get(user=user).last_fetched_at is not None


def test_the_feed_of_a_deactivated_athlete_is_closed(logged_in, user):
    token = make_feed(logged_in)
    user.is_active = False
    user.save()
    assert read(logged_in, token).status_code == 404


def test_the_feed_speaks_the_athletes_units(logged_in, client, user, monkeypatch):
    from sync import display

    monkeypatch.setitem(display._lookup, "units", lambda user_id: "imperial")
    plan(
        user,
        day=date.today(),
        title="Tempo",
        planned_distance_m=16_093.44,
        structure={
            "steps": [
                {
                    "kind": "interval",
                    "distance_m": 4828.032,
                    "target": {
                        "type": "pace",
                        "min_s_per_km": 270,
                        "max_s_per_km": 286,
                    },
                }
            ]
        },
    )
    token = make_feed(logged_in)
    client.logout()
    description = str(events(read(client, token))["Tempo"]["DESCRIPTION"])
    assert "10.00 mi" in description
    assert "3mi 7:15-7:40/mi" in description
    assert "km" not in description

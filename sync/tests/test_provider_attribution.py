"""The providers' display rules on the pages that show their data.

Strava (https://developers.strava.com/guidelines/): "Powered by Strava" where Strava
data is shown, "View on Strava" on every Strava activity, Strava data only for its
owner. Garmin (https://developer.garmin.com/brand-guidelines/): "Garmin" + device.
"""

import re

import pytest
from django.urls import reverse

from providers.tests.factories import make_connection
from sync.attribution import garmin_attribution
from sync.models import Activity
from sync.tests.test_dashboard import make_activity

from .grouping_helpers import MORNING, connections, later, record

POWERED_BY = 'alt="Powered by Strava"'


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def strava_link(provider_activity_id):
    return (
        '<a class="view-on-strava" '
        f'href="https://www.strava.com/activities/{provider_activity_id}" '
        'target="_blank" rel="noopener">View on Strava</a>'
    )


def feed(client):
    return client.get(reverse("sync:activities")).content.decode()


def feed_rows(client):
    """Each feed row's HTML by the activity's name."""
    rows = re.findall(r'<tr class="activity">(.*?)</tr>', feed(client), re.S)
    return {re.search(r'/">(.*?)</a>', row).group(1): row for row in rows}


def detail(client, activity):
    response = client.get(reverse("sync:activity", args=[activity.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pair(user):
    """A Garmin run (the main copy) and Strava's copy of it."""
    c = connections(user, "garmin", "strava")
    garmin = record(
        c["garmin"], "g1", MORNING, 3600, name="Long run", device_name="Forerunner 965"
    )
    strava = record(c["strava"], "9876543210", later(MORNING, seconds=20), 3590)
    garmin, strava = (Activity.objects.get(pk=a.pk) for a in (garmin, strava))
    assert garmin.is_canonical and not strava.is_canonical
    return garmin, strava


# -- the activity feed ----------------------------------------------------------------


def test_each_strava_activity_in_the_feed_links_to_strava_in_a_new_tab(logged_in, user):
    strava = make_connection(user, "strava")
    make_activity(user, strava, name="Ride", provider_activity_id="111")
    make_activity(user, strava, name="Run", provider_activity_id="222", days_ago=1)
    rows = feed_rows(logged_in)
    assert strava_link("111") in rows["Ride"]
    assert strava_link("222") in rows["Run"]
    assert strava_link("222") not in rows["Ride"]


def test_a_session_whose_strava_copy_is_not_the_main_one_links_to_that_copy(
    logged_in, pair
):
    assert strava_link("9876543210") in feed_rows(logged_in)["Long run"]


def test_activities_without_a_strava_copy_have_no_strava_link_or_logo(logged_in, user):
    make_activity(user, make_connection(user, "polar"), name="Polar run")
    page = feed(logged_in)
    assert "Polar run" in page
    assert "strava.com" not in page
    assert "View on Strava" not in page
    assert POWERED_BY not in page


def test_the_feed_shows_powered_by_strava_once_when_it_lists_strava_activities(
    logged_in, user
):
    strava = make_connection(user, "strava")
    make_activity(user, strava, provider_activity_id="1")
    make_activity(user, strava, provider_activity_id="2")
    assert feed(logged_in).count(POWERED_BY) == 1


def test_the_feed_attributes_a_garmin_row_to_its_device(logged_in, user):
    garmin = make_connection(user, "garmin")
    make_activity(user, garmin, name="Tempo", device_name="Forerunner 965")
    make_activity(user, garmin, name="Easy", days_ago=1)
    rows = feed_rows(logged_in)
    assert '<span class="attribution">Garmin Forerunner 965</span>' in rows["Tempo"]
    # Without a device its badge, "Garmin", is the attribution.
    assert 'class="attribution"' not in rows["Easy"]
    assert "badge-garmin" in rows["Easy"]


def test_the_feed_escapes_the_device_name(logged_in, user):
    garmin = make_connection(user, "garmin")
    make_activity(user, garmin, name="Tempo", device_name="<b>Edge</b>")
    assert "Garmin &lt;b&gt;Edge&lt;/b&gt;" in feed_rows(logged_in)["Tempo"]


# -- the activity page -----------------------------------------------------------------


def test_a_strava_activity_page_links_to_strava_and_shows_the_logo(logged_in, user):
    activity = make_activity(
        user, make_connection(user, "strava"), provider_activity_id="555"
    )
    page = detail(logged_in, activity)
    assert strava_link("555") in page
    assert POWERED_BY in page
    assert "/static/img/strava-powered-by.svg" in page


def test_a_grouped_page_attributes_garmin_and_links_the_strava_copy(logged_in, pair):
    garmin, _ = pair
    page = detail(logged_in, garmin)
    assert '<li class="attribution-garmin">Garmin Forerunner 965</li>' in page
    assert strava_link("9876543210") in page
    assert page.count("View on Strava") == 1
    assert POWERED_BY in page


def test_a_garmin_activity_without_a_device_is_attributed_to_garmin(logged_in, user):
    activity = make_activity(user, make_connection(user, "garmin"))
    page = detail(logged_in, activity)
    assert '<li class="attribution-garmin">Garmin</li>' in page
    assert "View on Strava" not in page
    assert POWERED_BY not in page


def test_other_providers_pages_carry_no_attribution(logged_in, user):
    activity = make_activity(user, make_connection(user, "wahoo"), device_name="ELEMNT")
    page = detail(logged_in, activity)
    assert 'class="attribution' not in page
    assert POWERED_BY not in page


@pytest.mark.parametrize(
    ("device", "shown"),
    [
        ("Forerunner 965", "Garmin Forerunner 965"),
        ("  fēnix 8 ", "Garmin fēnix 8"),
        ("Garmin Edge 540", "Garmin Edge 540"),
        ("", "Garmin"),
        (None, "Garmin"),
    ],
)
def test_garmin_attribution_names_the_brand_once_then_the_device(device, shown):
    assert garmin_attribution(device) == shown


# -- the dashboard --------------------------------------------------------------------


def test_the_dashboards_strava_card_shows_powered_by_strava(logged_in, user):
    make_activity(user, make_connection(user, "strava"))
    page = logged_in.get(reverse("sync:dashboard")).content.decode()
    card = re.search(r'id="card-strava">(.*?)</li>', page, re.S).group(1)
    assert POWERED_BY in card
    assert page.count(POWERED_BY) == 1


def test_the_dashboard_without_strava_has_no_strava_logo(logged_in, user):
    make_activity(user, make_connection(user, "polar"))
    page = logged_in.get(reverse("sync:dashboard")).content.decode()
    assert POWERED_BY not in page


# -- Strava data only for its owner ----------------------------------------------------
# Already covered elsewhere, with another athlete's Strava objects:
# sync/tests/test_permissions.py (activity page, card status, history, toggle, sync now,
# GET /api/activities/{id}, the connections API: 404), test_feed.py
# test_feed_hides_other_users_activities, test_duplicates_pages.py (split and merge),
# analytics/tests/test_api_streams.py and test_activity_streams_block.py (streams),
# planning/tests/test_calendar_access.py (linking their session to a workout).
# Below: the lists those leave out.


@pytest.fixture
def theirs(other_user):
    return make_activity(
        other_user,
        make_connection(other_user, "strava"),
        name="Their Strava ride",
        provider_activity_id="4242",
    )


def test_the_activities_api_never_lists_another_athletes_strava_activity(
    logged_in, user, theirs
):
    make_activity(user, make_connection(user, "polar"), name="Mine")
    body = logged_in.get("/api/activities").json()
    assert [item["name"] for item in body["items"]] == ["Mine"]


def test_the_calendar_never_shows_another_athletes_strava_session(
    logged_in, user, theirs
):
    make_activity(user, make_connection(user, "polar"), name="Mine")
    page = logged_in.get(reverse("planning:calendar")).content.decode()
    assert "Mine" in page
    assert "Their Strava ride" not in page
    assert "4242" not in page


def test_analytics_carries_powered_by_strava_only_with_strava_sessions(client, user):
    client.force_login(user)
    assert "Powered by Strava" not in client.get("/analytics/").content.decode()

    strava = make_connection(user, "strava")
    record(strava, "s-analytics", MORNING, 1800)
    assert "Powered by Strava" in client.get("/analytics/").content.decode()

"""One session recorded by several providers, as the athlete sees and corrects it
(issue 10): feed badges, the detail page's copies side by side, split and merge."""

import re

import pytest
from django.core.management import call_command
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from providers.sports import SportType
from sync.models import Activity

from .grouping_helpers import MORNING, connections, later, partition, record, visible


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def pair(user):
    """A Garmin run and Strava's copy of it: the watch lacks calories and heart rate,
    Strava has both."""
    c = connections(user, "garmin", "strava", "fitbit")
    garmin = record(
        c["garmin"],
        "g1",
        MORNING,
        3600,
        name="Long run",
        distance_m=15000.0,
        elevation_gain_m=210.0,
        device_name="Forerunner 965",
        activity_data={"summaryId": "g1"},
    )
    strava = record(
        c["strava"],
        "s1",
        later(MORNING, seconds=20),
        3590,
        name="Sunday long run",
        distance_m=14900.0,
        avg_hr_bpm=148.6,
        calories_kcal=1012.0,
        activity_data={"id": "s1", "type": "Run"},
    )
    return c, Activity.objects.get(pk=garmin.pk), Activity.objects.get(pk=strava.pk)


def feed_rows(client, **params):
    html = client.get(reverse("sync:activities"), params).content.decode()
    return re.findall(r'<tr class="activity">(.*?)</tr>', html, re.S)


def badges(row_html):
    return re.findall(r'class="badge badge-(\w+)"', row_html)


def detail(client, activity):
    return client.get(reverse("sync:activity", args=[activity.pk]))


def post(client, name, activity, **data):
    url = reverse(f"sync:activity-{name}", args=[activity.pk])
    return client.post(url, data, follow=True)


def test_feed_shows_a_garmin_strava_pair_once_with_both_badges(logged_in, pair):
    [row] = feed_rows(logged_in)
    assert badges(row) == ["garmin", "strava"]
    assert "Long run" in row


def test_feed_shows_a_triple_once_with_all_three_badges(logged_in, user, pair):
    c, *_ = pair
    record(c["fitbit"], "f1", later(MORNING, seconds=45), 3550)
    [row] = feed_rows(logged_in)
    assert badges(row) == ["garmin", "fitbit", "strava"]


def test_feed_filtered_by_provider_lists_its_copy_with_the_sessions_badges(
    logged_in, pair
):
    [row] = feed_rows(logged_in, provider="strava")
    assert "Sunday long run" in row
    assert badges(row) == ["strava", "garmin"]


def test_feed_fills_the_canonical_copys_missing_heart_rate_from_strava(logged_in, pair):
    [row] = feed_rows(logged_in)
    assert "149 bpm" in row
    # The Garmin copy's own elevation stays; nothing is taken where it has a value.
    assert "210 m" in row


def feed_queries(client):
    with CaptureQueriesContext(db_connection) as captured:
        client.get(reverse("sync:activities"))
    return len(captured.captured_queries)


def test_feed_badges_cost_one_query_whatever_the_number_of_sessions(
    logged_in, user, pair
):
    c, *_ = pair
    two = feed_queries(logged_in)
    for day in range(1, 9):
        start = later(MORNING, days=day)
        record(c["garmin"], f"g-{day}", start, 3000)
        record(c["strava"], f"s-{day}", later(start, seconds=5), 3000)
        record(c["fitbit"], f"f-{day}", later(start, seconds=9), 3000)
    assert len(feed_rows(logged_in)) == 9
    assert feed_queries(logged_in) == two


def test_feed_reads_group_members_only_when_the_page_has_duplicates(logged_in, user):
    c = connections(user, "garmin", "strava")
    record(c["garmin"], "g", MORNING, 1800)
    alone = feed_queries(logged_in)
    record(c["strava"], "s", later(MORNING, seconds=5), 1800)
    assert feed_queries(logged_in) == alone + 1


def test_detail_shows_every_copy_side_by_side_with_its_raw_payload(logged_in, pair):
    _, garmin, _ = pair
    html = detail(logged_in, garmin).content.decode()
    assert "Recorded by 2 providers" in html
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert badges(header) == ["garmin", "strava"]
    assert header.index("main copy") < header.index("badge-strava")
    assert "<td>14.90 km</td>" in html and "<td>15.00 km</td>" in html
    assert "<td>Forerunner 965</td>" in html
    assert "<td>1,012 kcal</td>" in html  # grouped thousands, as the locale writes them
    assert html.count("<details>") == 2
    assert "&quot;summaryId&quot;: &quot;g1&quot;" in html
    assert "&quot;type&quot;: &quot;Run&quot;" in html


def test_detail_summary_takes_missing_metrics_from_the_other_copy(logged_in, pair):
    _, garmin, _ = pair
    html = detail(logged_in, garmin).content.decode()
    summary = re.search(r'<dl class="fields">(.*?)</dl>', html, re.S).group(1)
    assert "<dd>1,012 kcal</dd>" in summary
    assert "<dd>149 bpm</dd>" in summary
    assert "<dd>Forerunner 965</dd>" in summary


def test_opening_a_non_canonical_copy_redirects_to_the_session(logged_in, pair):
    _, garmin, strava = pair
    response = detail(logged_in, strava)
    assert response.status_code == 302
    assert response["Location"] == reverse("sync:activity", args=[garmin.pk])


def test_split_via_post_takes_the_copy_out_and_survives_regrouping_and_resync(
    logged_in, user, pair
):
    c, garmin, strava = pair
    html = detail(logged_in, garmin).content.decode()
    split_url = reverse("sync:activity-split", args=[strava.pk])
    assert f'action="{split_url}"' in html
    assert "csrfmiddlewaretoken" in html

    response = post(logged_in, "split", strava)

    assert response.redirect_chain == [
        (reverse("sync:activity", args=[garmin.pk]), 302)
    ]
    assert "The Strava copy is now an activity of its own." in response.content.decode()
    expected = {frozenset({("garmin", "g1")}), frozenset({("strava", "s1")})}
    assert partition(user) == expected
    call_command("regroup_activities")
    record(c["strava"], "s1", strava.start_time, 3590, avg_hr_bpm=150.0)
    assert partition(user) == expected
    assert len(feed_rows(logged_in)) == 2


def test_split_of_the_canonical_copy_goes_back_to_the_rest_of_the_session(
    logged_in, user, pair
):
    c, garmin, _ = pair
    record(c["fitbit"], "f1", later(MORNING, seconds=45), 3550)

    response = post(logged_in, "split", garmin)

    fitbit = Activity.objects.get(provider="fitbit")
    assert response.redirect_chain[-1][0] == reverse("sync:activity", args=[fitbit.pk])
    assert visible(user) == [("fitbit", "f1"), ("garmin", "g1")]


def test_split_of_a_lone_copy_shows_why_it_cannot(logged_in, user):
    garmin = record(connections(user, "garmin")["garmin"], "lone", MORNING, 1800)
    response = post(logged_in, "split", garmin)
    assert "not grouped with another copy" in response.content.decode()


def test_merge_via_post_joins_a_missed_pair_and_survives_regrouping(
    logged_in, user, pair
):
    _, garmin, _ = pair
    # Started 40 minutes late on the phone: too far apart to be matched.
    wahoo = connections(user, "wahoo")["wahoo"]
    late = record(wahoo, "w1", later(MORNING, minutes=40), 2400, SportType.RUN)
    html = detail(logged_in, garmin).content.decode()
    candidates = re.search(r'<ul class="candidates">(.*?)</ul>', html, re.S).group(1)
    assert badges(candidates) == ["wahoo"]
    assert f'name="other" value="{late.pk}"' in candidates

    response = post(logged_in, "merge", garmin, other=late.pk)

    assert "the Wahoo copy is part of this activity" in response.content.decode()
    session = frozenset({("garmin", "g1"), ("strava", "s1"), ("wahoo", "w1")})
    assert session in partition(user)
    call_command("regroup_activities")
    record(wahoo, "w1", later(MORNING, minutes=40), 2400)
    assert session in partition(user)
    [row] = feed_rows(logged_in)
    assert badges(row) == ["garmin", "wahoo", "strava"]


def test_merge_candidates_leave_out_the_sessions_providers_and_far_activities(
    logged_in, user, pair
):
    c, garmin, _ = pair
    # Minutes off the hour, so none is taken for a time-zone slip and grouped.
    near = record(c["fitbit"], "near", later(MORNING, hours=-2, minutes=7), 1800)
    record(c["fitbit"], "far", later(MORNING, hours=9, minutes=7), 1800)
    record(c["strava"], "other-strava", later(MORNING, hours=2, minutes=7), 1800)
    html = detail(logged_in, garmin).content.decode()
    candidates = re.search(r'<ul class="candidates">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'name="other" value="(\d+)"', candidates) == [str(near.pk)]


def test_forbidden_merge_shows_the_error_and_changes_nothing(logged_in, user, pair):
    _, garmin, strava = pair
    post(logged_in, "split", strava)
    polar = connections(user, "polar")["polar"]
    late = record(polar, "p1", later(MORNING, minutes=30), 1200)
    post(logged_in, "merge", strava, other=late.pk)
    before = partition(user)

    response = post(logged_in, "merge", garmin, other=late.pk)

    html = response.content.decode()
    assert "cannot be merged: you split a copy" in html
    assert response.redirect_chain[0][0] == reverse("sync:activity", args=[garmin.pk])
    assert partition(user) == before


def test_merge_without_a_chosen_copy_is_not_found(logged_in, pair):
    _, garmin, _ = pair
    assert post(logged_in, "merge", garmin, other="abc").status_code == 404
    assert post(logged_in, "merge", garmin).status_code == 404


def test_another_athletes_activity_is_not_found_for_detail_split_and_merge(
    logged_in, user, other_user, pair
):
    _, garmin, _ = pair
    theirs = connections(other_user, "strava", "polar")
    their_strava = record(theirs["strava"], "x1", MORNING, 3600)
    their_polar = record(theirs["polar"], "x2", later(MORNING, seconds=10), 3600)
    assert detail(logged_in, their_strava).status_code == 404
    assert post(logged_in, "split", their_strava).status_code == 404
    assert post(logged_in, "merge", their_strava, other=garmin.pk).status_code == 404
    assert post(logged_in, "merge", garmin, other=their_polar.pk).status_code == 404
    assert partition(other_user) == {frozenset({("strava", "x1"), ("polar", "x2")})}


def test_split_and_merge_refuse_get(logged_in, pair):
    _, garmin, strava = pair
    split_url = reverse("sync:activity-split", args=[strava.pk])
    merge_url = reverse("sync:activity-merge", args=[garmin.pk])
    assert logged_in.get(split_url).status_code == 405
    assert logged_in.get(merge_url).status_code == 405
    assert partition(garmin.user) == {frozenset({("garmin", "g1"), ("strava", "s1")})}

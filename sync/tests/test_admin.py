"""Staff admin at scale: 1,000 connections and 10,000 runs, queries bounded, tokens
never rendered, non-staff refused."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.tests.factories import make_user
from sync.health import normalise_error
from sync.models import SyncHistory
from sync.tests.fleet import (
    CONNECTIONS,
    FINISHED,
    access_token,
    build_fleet,
    failure,
    refresh_token,
)

MAX_QUERIES = 15

CONNECTIONS_URL = reverse("admin:providers_providerconnection_changelist")
HISTORY_URL = reverse("admin:sync_synchistory_changelist")
HEALTH_URL = reverse("admin:sync_health")


@pytest.fixture
def fleet(db):
    return build_fleet()


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


def get_bounded(client, url, params, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"{url}?{urlencode(params)}")
    assert response.status_code == 200, (url, params)
    return response


CONNECTION_QUERIES = [
    {},
    {"provider__exact": "polar"},
    {"status__exact": "reauth_required"},
    {"is_active__exact": "0"},
    {"last_result": "failed"},
    {"last_result": "none"},
    {"synced_24h": "no"},
    {"synced_24h": "yes"},
    {"q": "fleet42@example.com"},
    {"q": "10042"},
    {"o": "-7"},
]


def test_connection_list_filters_and_search_stay_within_a_query_budget(
    staff, fleet, django_assert_max_num_queries
):
    for params in CONNECTION_QUERIES:
        get_bounded(staff, CONNECTIONS_URL, params, django_assert_max_num_queries)


def test_connection_list_shows_the_last_result_of_each_connection(staff, fleet):
    page = staff.get(CONNECTIONS_URL, {"q": "fleet3@example.com"})
    rows = page.context["cl"].result_list
    assert [row.last_result for row in rows] == [
        SyncHistory.objects.filter(connection=fleet[3]).first().status
    ]


def test_last_result_filter_matches_the_newest_run(staff, fleet):
    page = staff.get(CONNECTIONS_URL, {"last_result": "failed"})
    shown = page.context["cl"].queryset
    expected = [
        c.pk
        for c in fleet
        if SyncHistory.objects.filter(connection=c).first().status == "failed"
    ][:50]
    assert expected
    assert set(expected) <= set(shown.values_list("pk", flat=True))
    assert page.context["cl"].result_count == CONNECTIONS // len(FINISHED)


def test_no_success_in_a_day_filter_finds_connections_without_one(staff, db):
    fleet = build_fleet(connections=3, runs_each=0)
    SyncHistory.objects.create(
        connection=fleet[0],
        sync_type="manual",
        status="success",
        completed_at=timezone.now() - timedelta(hours=2),
    )
    SyncHistory.objects.create(
        connection=fleet[1],
        sync_type="manual",
        status="success",
        completed_at=timezone.now() - timedelta(hours=30),
    )
    page = staff.get(CONNECTIONS_URL, {"synced_24h": "no"})
    assert set(page.context["cl"].queryset) == {fleet[1], fleet[2]}


HISTORY_QUERIES = [
    {},
    {"status__exact": "failed"},
    {"connection__provider__exact": "garmin"},
    {"sync_type__exact": "scheduled"},
    {"started_at__year": timezone.now().year},
    {"q": "fleet42@example.com"},
    {"q": "activity 4203"},
    {"status__exact": "failed", "error": normalise_error(failure(1))},
]


def test_history_list_filters_and_search_stay_within_a_query_budget(
    staff, fleet, django_assert_max_num_queries
):
    for params in HISTORY_QUERIES:
        get_bounded(staff, HISTORY_URL, params, django_assert_max_num_queries)


def test_error_group_filter_lists_every_failed_run_of_the_group(staff, fleet):
    SyncHistory.objects.filter(pk=SyncHistory.objects.first().pk).update(
        status="failed", error_message="Polar refused the token"
    )
    page = staff.get(HISTORY_URL, {"error": normalise_error(failure(7))})
    failed = SyncHistory.objects.filter(status="failed")
    assert page.context["cl"].result_count == failed.count() - 1


def test_change_pages_render_in_few_queries(
    staff, fleet, django_assert_max_num_queries
):
    connection = fleet[5]
    run = SyncHistory.objects.filter(connection=connection).first()
    for url in [
        reverse("admin:providers_providerconnection_change", args=[connection.pk]),
        reverse("admin:sync_synchistory_change", args=[run.pk]),
    ]:
        with django_assert_max_num_queries(MAX_QUERIES):
            assert staff.get(url).status_code == 200


def test_connection_page_shows_only_the_latest_twenty_runs(staff, db):
    connection = build_fleet(connections=1, runs_each=25)[0]
    url = reverse("admin:providers_providerconnection_change", args=[connection.pk])
    inline = staff.get(url).context["inline_admin_formsets"][0]
    shown = [form.original for form in inline]
    newest = list(SyncHistory.objects.filter(connection=connection)[:20])
    assert shown == newest


def test_no_token_appears_in_any_admin_page(staff, fleet):
    connection = fleet[0]
    stuck = SyncHistory.objects.filter(connection=connection).first()
    SyncHistory.objects.filter(pk=stuck.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=2)
    )
    pages = [
        CONNECTIONS_URL,
        f"{CONNECTIONS_URL}?status__exact=reauth_required",
        reverse("admin:providers_providerconnection_change", args=[connection.pk]),
        HISTORY_URL,
        reverse(
            "admin:sync_synchistory_change",
            args=[SyncHistory.objects.filter(connection=connection).first().pk],
        ),
        HEALTH_URL,
        reverse("admin:index"),
    ]
    for url in pages:
        html = staff.get(url).content.decode()
        assert "fleet-access-token" not in html, url
        assert "fleet-refresh-token" not in html, url
    change = staff.get(pages[2]).content.decode()
    assert f"…{access_token(0)[-4:]}" in change
    assert f"…{refresh_token(0)[-4:]}" in change


ADMIN_PAGES = [
    CONNECTIONS_URL,
    HISTORY_URL,
    HEALTH_URL,
    reverse("admin:sync_activity_changelist"),
    reverse("admin:sync_workout_changelist"),
    reverse("admin:sync_webhookevent_changelist"),
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_athletes_are_sent_to_the_admin_login(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_the_admin_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_staff_without_permissions_are_refused(client, db, url):
    client.force_login(make_user("helper@example.com", is_staff=True))
    assert client.get(url).status_code == 403


def test_health_page_links_from_the_admin_index(staff):
    assert f'href="{HEALTH_URL}"' in staff.get(reverse("admin:index")).content.decode()

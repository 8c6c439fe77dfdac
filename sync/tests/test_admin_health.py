"""The admin's sync health page: staff only, fixed query count, links that filter."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from providers.tests.factories import make_connection, make_user
from sync.models import SyncHistory
from sync.tests import failing_runs
from sync.tests.fleet import build_fleet

HEALTH_URL = reverse("admin:sync_health")
HISTORY_URL = reverse("admin:sync_synchistory_changelist")


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


def test_health_page_costs_the_same_for_a_large_fleet(
    staff, django_assert_max_num_queries
):
    build_fleet(connections=1_000, runs_each=10)
    with django_assert_max_num_queries(12):
        page = staff.get(HEALTH_URL)
    assert page.status_code == 200
    report = page.context["report"]
    assert sum(row["week"]["runs"] for row in report["providers"]) == (
        SyncHistory.objects.filter(
            started_at__gte=timezone.now() - timedelta(days=7)
        ).count()
    )
    assert len(report["reauth"]) == 50


def test_error_groups_link_to_the_history_filtered_to_that_group(staff, db):
    connection, other = make_connection(), make_connection()
    for number, who in [(123, connection), (456, other), (789, other)]:
        SyncHistory.objects.create(
            connection=who,
            sync_type="scheduled",
            status="failed",
            error_message=f"Strava 500 for activity {number} at 2026-01-0{number % 9}",
        )
    SyncHistory.objects.create(
        connection=connection,
        sync_type="scheduled",
        status="failed",
        error_message="Polar refused",
    )
    page = staff.get(HEALTH_URL)
    group = page.context["report"]["errors"][0]
    assert (group.message, group.count, group.connections) == (
        "Strava <n> for activity <n> at <time>",
        3,
        2,
    )
    html = unescape(page.content.decode())
    start = html.index(f'href="{HISTORY_URL}?')
    link = html[start + len('href="') : html.index('"', start + len('href="'))]
    history = staff.get(link)
    shown = {run.error_message for run in history.context["cl"].result_list}
    assert len(shown) == 3
    assert all(message.startswith("Strava 500") for message in shown)


def test_health_page_lists_reauth_connections_stuck_runs_and_the_queue(
    staff, db, settings
):
    settings.SYNC_RUN_TIMEOUT = 600
    flagged = make_connection(
        make_user("flagged@example.com"), status="reauth_required"
    )
    stuck = SyncHistory.objects.create(
        connection=make_connection(make_user("stuck@example.com")),
        sync_type="scheduled",
        status="running",
        started_at=timezone.now() - timedelta(minutes=11),
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [stuck.pk], "kwargs": {}},
        task_path="sync.tasks.sync_connection",
        backend_name="default",
        run_after=get_date_max(),
    )
    html = staff.get(HEALTH_URL).content.decode()
    assert "flagged@example.com" in html
    assert reverse("admin:providers_providerconnection_change", args=[flagged.pk]) in (
        html
    )
    assert reverse("admin:sync_synchistory_change", args=[stuck.pk]) in html
    assert '<td id="queue-waiting">1</td>' in html
    assert '<td id="queue-due">1</td>' in html


def group_links(html):
    prefix = f'href="{HISTORY_URL}?status__exact=failed&error='
    links, start = [], html.find(prefix)
    while start != -1:
        end = html.index('"', start + len('href="'))
        links.append(html[start + len('href="') : end])
        start = html.find(prefix, end)
    return links


def test_every_failed_run_the_runner_wrote_is_behind_one_group_link(
    staff, db, settings
):
    failed_runs = failing_runs.produce_failures(settings)
    page = staff.get(HEALTH_URL)
    groups = page.context["report"]["errors"]
    links = group_links(unescape(page.content.decode()))
    assert len(links) == len(groups)
    listed = []
    for group, link in zip(groups, links, strict=True):
        runs = staff.get(link).context["cl"].result_list
        assert len(runs) == group.count, group.message
        listed.extend(run.pk for run in runs)
    assert len(set(listed)) == len(listed) == failed_runs


def test_the_groups_past_the_top_ten_are_counted_in_one_row(staff, db):
    connection = make_connection()
    for number in range(12):
        SyncHistory.objects.create(
            connection=connection,
            sync_type="scheduled",
            status="failed",
            started_at=timezone.now() - timedelta(minutes=number),
            error_message=f"kind-{'abcdefghijkl'[number]} refused",
        )
    html = staff.get(HEALTH_URL).content.decode()
    assert "kind-a refused" in html and "kind-k refused" not in html
    row = html[html.index('<tr id="errors-other">') :]
    assert "2 more error groups" in row[: row.index("</tr>")]
    assert f'href="{HISTORY_URL}?status__exact=failed"' in row

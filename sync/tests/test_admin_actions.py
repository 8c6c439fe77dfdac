"""Sync admin actions: each calls the sync services, is logged, and says what it did."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from providers.tests.factories import make_connection, make_user
from sync.models import SyncHistory, SyncStatus
from sync.tests.fakes import raw_page
from sync.tests.fleet import build_fleet

CONNECTIONS_URL = reverse("admin:providers_providerconnection_changelist")
HISTORY_URL = reverse("admin:sync_synchistory_changelist")


@pytest.fixture
def staff(client, db):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))
    return client


def act(client, url, action, objects):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects]}
    return client.post(url, data, follow=True)


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def logged(obj):
    return list(
        LogEntry.objects.filter(object_id=str(obj.pk), action_flag=CHANGE).values_list(
            "change_message", flat=True
        )
    )


def test_sync_now_queues_a_run_per_idle_connection_and_skips_the_rest(staff, db):
    idle = make_connection()
    busy = make_connection()
    active_run = SyncHistory.objects.create(
        connection=busy, sync_type="scheduled", status=SyncStatus.RUNNING
    )
    off = make_connection(is_active=False)
    flagged = make_connection(status="reauth_required")
    response = act(staff, CONNECTIONS_URL, "sync_now", [idle, busy, off, flagged])
    assert flashed(response) == [
        "1 sync queued; 1 skipped: a run is already active; "
        "2 skipped: switched off or needing reconnect."
    ]
    assert SyncHistory.objects.get(connection=idle).status == SyncStatus.PENDING
    assert list(SyncHistory.objects.filter(connection=busy)) == [active_run]
    assert not SyncHistory.objects.filter(connection__in=[off, flagged]).exists()
    assert logged(idle) == ["Requested a manual sync."]
    assert logged(busy) == logged(off) == []


def test_full_resync_fetches_everything_the_provider_keeps(
    staff, connection, fake_backend, django_capture_on_commit_callbacks
):
    connection.last_sync_at = timezone.now() - timedelta(hours=2)
    connection.save()
    fake_backend.pages = [raw_page(1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff, CONNECTIONS_URL, "full_resync", [connection])
    assert flashed(response) == ["1 full resync queued."]
    assert fake_backend.since_seen == [None]
    run = SyncHistory.objects.get(connection=connection)
    assert (run.status, run.activities_created) == (SyncStatus.SUCCESS, 2)
    connection.refresh_from_db()
    assert connection.last_sync_at == run.window_end
    assert logged(connection) == ["Requested a full resync."]


def test_full_resync_leaves_a_connection_with_an_active_run_alone(staff, connection):
    synced_at = timezone.now() - timedelta(hours=2)
    connection.last_sync_at = synced_at
    connection.save()
    SyncHistory.objects.create(connection=connection, sync_type="manual")
    response = act(staff, CONNECTIONS_URL, "full_resync", [connection])
    assert flashed(response) == [
        "0 full resyncs queued; 1 skipped: a run is already active."
    ]
    connection.refresh_from_db()
    assert connection.last_sync_at == synced_at


def test_retry_requests_one_new_run_per_connection_of_the_failed_runs(staff, db):
    failing, busy, fine = make_connection(), make_connection(), make_connection()
    first = SyncHistory.objects.create(
        connection=failing, sync_type="scheduled", status="failed"
    )
    second = SyncHistory.objects.create(
        connection=failing, sync_type="scheduled", status="failed"
    )
    blocked = SyncHistory.objects.create(
        connection=busy, sync_type="scheduled", status="failed"
    )
    SyncHistory.objects.create(connection=busy, sync_type="manual", status="pending")
    ok = SyncHistory.objects.create(
        connection=fine, sync_type="manual", status="success"
    )
    response = act(
        staff, HISTORY_URL, "retry_failed_runs", [first, second, blocked, ok]
    )
    assert flashed(response) == [
        "1 retry queued; 1 skipped: a run is already active; "
        "1 skipped: the run did not fail."
    ]
    new = SyncHistory.objects.get(connection=failing, status="pending")
    assert new.sync_type == "manual"
    assert SyncHistory.objects.filter(connection=busy).count() == 2
    assert SyncHistory.objects.filter(connection=fine).count() == 1
    assert logged(failing) == ["Retried a failed run."]


@pytest.mark.parametrize(
    ("url", "action"),
    [
        (CONNECTIONS_URL, "sync_now"),
        (CONNECTIONS_URL, "full_resync"),
        (CONNECTIONS_URL, "mark_reauth_required"),
        (CONNECTIONS_URL, "deactivate"),
        (HISTORY_URL, "retry_failed_runs"),
    ],
)
def test_actions_on_a_selection_cost_the_same_with_a_large_fleet(
    staff, url, action, django_assert_max_num_queries
):
    fleet = build_fleet(connections=1_000, runs_each=10)
    healthy = [c for c in fleet if c.is_active and c.status == "active"][:10]
    SyncHistory.objects.filter(connection__in=healthy).update(status="failed")
    if url == HISTORY_URL:
        selected = list(SyncHistory.objects.filter(connection__in=healthy))
    else:
        selected = healthy
    # Per selected row: the service's few writes and one admin log entry.
    with django_assert_max_num_queries(20 + 6 * len(healthy)):
        response = act(staff, url, action, selected)
    assert response.status_code == 200
    assert LogEntry.objects.count() == len(healthy)


def test_actions_need_the_change_permission(client, connection):
    viewer = make_user("viewer@example.com", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_providerconnection")
    )
    client.force_login(viewer)
    act(client, CONNECTIONS_URL, "sync_now", [connection])
    assert not SyncHistory.objects.filter(connection=connection).exists()
    assert not LogEntry.objects.exists()

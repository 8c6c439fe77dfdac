import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from providers.tests.factories import make_connection
from sync.models import Activity, SyncHistory, SyncStatus, SyncType
from sync.tests.fakes import raw_page


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_sync_now_runs_a_manual_sync_after_commit(
    logged_in, connection, fake_backend, django_capture_on_commit_callbacks
):
    fake_backend.pages = [raw_page(1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(reverse("sync:sync-now", args=[connection.pk]))
    assert response.status_code == 302
    assert flashed(response) == ["Strava sync started."]
    run = SyncHistory.objects.get(connection=connection)
    assert run.sync_type == SyncType.MANUAL
    assert run.status == SyncStatus.SUCCESS
    assert Activity.objects.filter(connection=connection).count() == 2


def test_sync_now_while_running_reports_the_existing_run(logged_in, connection):
    SyncHistory.objects.create(
        connection=connection, sync_type=SyncType.SCHEDULED, status=SyncStatus.RUNNING
    )
    response = logged_in.post(reverse("sync:sync-now", args=[connection.pk]))
    assert flashed(response) == ["A Strava sync is already in progress."]
    assert SyncHistory.objects.filter(connection=connection).count() == 1


def test_sync_now_refuses_a_connection_turned_off(logged_in, user):
    connection = make_connection(user, "polar", is_active=False)
    response = logged_in.post(reverse("sync:sync-now", args=[connection.pk]))
    assert flashed(response) == ["Polar sync is off. Turn it on to sync."]
    assert not SyncHistory.objects.exists()


def test_sync_now_of_someone_elses_connection_is_not_found(logged_in, other_user):
    connection = make_connection(other_user, "polar")
    response = logged_in.post(reverse("sync:sync-now", args=[connection.pk]))
    assert response.status_code == 404
    assert not SyncHistory.objects.exists()

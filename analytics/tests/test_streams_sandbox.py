"""Every provider's streams through the real pipeline: the sandbox on the live
server, each backend's fetch_streams, the store, and the activity page's block."""

import pytest
from django.urls import reverse

from analytics.models import ActivityStreams, StreamStatus
from analytics.streams.fetching import run_fetch
from analytics.streams.queue import request_now
from providers.registry import BACKENDS
from providers.sandbox.tests.test_end_to_end import connect, sandbox  # noqa: F401
from sync.models import Activity
from sync.services import sync_in_foreground

pytestmark = [
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]
SLUGS = [str(slug) for slug in BACKENDS]
PER_PROVIDER = 4


@pytest.mark.parametrize("slug", SLUGS)
def test_each_providers_streams_are_fetched_stored_and_shown(
    slug,
    sandbox,  # noqa: F811
    client,
    user,
):
    connection = connect(client, sandbox(slug), user)
    sync_in_foreground(connection, full=True)
    activities = list(
        Activity.objects.filter(connection=connection).order_by("-start_time")[
            :PER_PROVIDER
        ]
    )
    assert activities
    client.force_login(user)

    for activity in activities:
        row = request_now(activity)
        run_fetch(row.pk)  # again, should the task have run already: a no-op
        row = ActivityStreams.objects.get(pk=row.pk)
        assert row.status in (StreamStatus.READY, StreamStatus.UNAVAILABLE), (
            row.error_message
        )
        page = client.get(reverse("sync:activity", args=[activity.pk]))
        assert page.status_code == 200
        assert b"Detailed data" in page.content

    ready = ActivityStreams.objects.filter(status=StreamStatus.READY)
    assert ready.exists(), f"{slug}: no activity got its streams"
    for row in ready:
        assert row.samples > 0
        assert "time_s" in row.channels

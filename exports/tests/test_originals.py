"""The original FIT file a provider sent is kept as the streams are fetched."""

import pytest
from django.core.files.storage import FileSystemStorage

from analytics.models import StreamStatus
from analytics.streams import queue
from analytics.streams.fetching import run_fetch
from analytics.tests.streams_helpers import StreamsBackend, ride, session
from exports.models import OriginalActivityFile
from providers.streamfiles import parse_fit
from providers.tests.stream_fixtures import heart_rate_fit

pytestmark = pytest.mark.django_db


def fetch(activity):
    return run_fetch(queue.request_now(activity).pk)


def test_a_fit_file_behind_the_streams_is_kept_byte_for_byte(user, backends, queued):
    fit = heart_rate_fit()
    backends["polar"] = StreamsBackend("polar", results=[parse_fit(fit)])
    activity = session(user, "polar")["polar"]

    row = fetch(activity)

    assert row.status == StreamStatus.READY
    original = OriginalActivityFile.objects.get(activity=activity)
    assert original.file_format == "fit"
    assert original.size_bytes == len(fit)
    with original.file.open("rb") as f:
        assert f.read() == fit


def test_streams_that_came_without_a_file_keep_no_original(user, backends, queued):
    backends["strava"] = StreamsBackend("strava", results=[ride()])

    row = fetch(session(user, "strava")["strava"])

    assert row.status == StreamStatus.READY
    assert not OriginalActivityFile.objects.exists()


def test_fetching_again_replaces_the_original_and_its_file(
    user, backends, queued, stored_files
):
    first, second = heart_rate_fit((120, 121)), heart_rate_fit((130, 131, 132))
    backends["polar"] = StreamsBackend(
        "polar", results=[parse_fit(first), parse_fit(second)]
    )
    activity = session(user, "polar")["polar"]
    fetch(activity)
    activity.streams.status = StreamStatus.PENDING
    activity.streams.save()

    run_fetch(activity.streams.pk)

    original = OriginalActivityFile.objects.get(activity=activity)
    with original.file.open("rb") as f:
        assert f.read() == second
    assert stored_files() == [original.file.name]


def test_a_storage_failure_keeps_the_streams_and_logs(
    user, backends, queued, monkeypatch, caplog
):
    backends["polar"] = StreamsBackend("polar", results=[parse_fit(heart_rate_fit())])

    def refuse(*args, **kwargs):
        raise OSError("bucket unavailable")

    monkeypatch.setattr(FileSystemStorage, "save", refuse)
    activity = session(user, "polar")["polar"]

    row = fetch(activity)

    assert row.status == StreamStatus.READY
    assert not OriginalActivityFile.objects.exists()
    assert "could not keep the original file" in caplog.text


def test_deleting_the_activity_deletes_its_original_file(
    user, backends, queued, stored_files, django_capture_on_commit_callbacks
):
    backends["polar"] = StreamsBackend("polar", results=[parse_fit(heart_rate_fit())])
    activity = session(user, "polar")["polar"]
    fetch(activity)
    assert len(stored_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        activity.delete()

    assert stored_files() == []

"""What sync announces to other apps, and when."""

import pytest

from providers.errors import TransientProviderError
from sync.grouping.store import regroup_user
from sync.models import SyncType
from sync.services import request_sync
from sync.signals import activities_changed, announce, batched

from .fakes import START, raw_page


@pytest.fixture
def heard():
    calls = []

    def listen(sender, **kwargs):
        calls.append(kwargs)

    activities_changed.connect(listen, dispatch_uid="test.listen")
    yield calls
    activities_changed.disconnect(dispatch_uid="test.listen")


def test_a_run_announces_all_its_pages_once_at_the_end(
    connection, fake_backend, heard, django_capture_on_commit_callbacks
):
    fake_backend.pages = [raw_page(1, 3), raw_page(4, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        request_sync(connection, SyncType.MANUAL)
    assert len(heard) == 1
    assert heard[0]["user_id"] == connection.user_id
    assert len(heard[0]["starts"]) == 5


def test_a_run_that_fails_later_still_announces_the_pages_it_wrote(
    connection, fake_backend, heard, django_capture_on_commit_callbacks
):
    fake_backend.pages = [raw_page(1, 3), TransientProviderError("down")]
    with django_capture_on_commit_callbacks(execute=True):
        request_sync(connection, SyncType.MANUAL)
    assert [len(call["starts"]) for call in heard] == [3]


def test_outside_a_batch_each_write_is_announced_at_once(user, heard):
    announce(user.pk, [START])
    assert heard == [
        {"user_id": user.pk, "starts": [START], "signal": activities_changed}
    ]


def test_a_nested_batch_leaves_the_announcement_to_the_outer_one(user, heard):
    with batched():
        with batched():
            announce(user.pk, [START])
        assert heard == []
        announce(user.pk, [START])
    assert [call["starts"] for call in heard] == [[START, START]]


def test_a_full_regroup_announces_everything(user, heard):
    regroup_user(user.pk)
    assert heard[0]["everything"] is True

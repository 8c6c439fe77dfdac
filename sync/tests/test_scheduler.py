import logging
import os
import signal
import threading
import time
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from sync.management.commands import scheduler
from sync.models import SyncHistory, SyncType

COUNTS = {
    "scheduled": 0,
    "requeued": 0,
    "reaped": 0,
    "webhooks_requeued": 0,
    "webhooks_reaped": 0,
    "others": [],
}


@pytest.fixture
def passes(monkeypatch):
    """Stands in for sync_due's work (and the connection cleanup around it): records
    each pass, then runs `on_pass(number)`, which may stop the loop. A watchdog stops a
    loop that a broken test would otherwise leave running."""
    state = SimpleNamespace(calls=[], connection_checks=0, on_pass=lambda number: None)

    def fake_pass(now=None):
        state.calls.append(time.monotonic())
        state.on_pass(len(state.calls))
        return COUNTS

    def check_connections():
        state.connection_checks += 1

    monkeypatch.setattr(scheduler, "enqueue_due_syncs", fake_pass)
    monkeypatch.setattr(scheduler, "close_old_connections", check_connections)
    watchdog = threading.Timer(10, sigterm_self)
    watchdog.start()
    yield state
    watchdog.cancel()


def sigterm_self():
    os.kill(os.getpid(), signal.SIGTERM)


def test_a_pass_does_sync_dues_work_and_logs_its_counts(
    connection, fake_backend, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.INFO, logger="sync.scheduler"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("scheduler", "--once")
    run = SyncHistory.objects.get(connection=connection)
    assert run.sync_type == SyncType.SCHEDULED
    assert "scheduled=1" in caplog.text


def test_once_runs_a_single_pass_and_returns(passes):
    call_command("scheduler", "--once")
    assert len(passes.calls) == 1


def test_a_failing_pass_with_once_fails_the_command(passes):
    passes.on_pass = lambda number: 1 / 0
    with pytest.raises(ZeroDivisionError):
        call_command("scheduler", "--once")


def test_sigterm_during_a_pass_ends_the_loop_once_the_pass_is_done(passes):
    passes.on_pass = lambda number: sigterm_self()
    previous = signal.getsignal(signal.SIGTERM)
    call_command("scheduler", "--interval", "60")
    assert len(passes.calls) == 1
    assert signal.getsignal(signal.SIGTERM) == previous


def test_each_pass_of_the_loop_drops_stale_database_connections_before_and_after(
    passes,
):
    passes.on_pass = lambda number: number == 2 and sigterm_self()
    call_command("scheduler", "--interval", "1")
    assert passes.connection_checks == 4


def test_sigterm_while_sleeping_ends_the_loop_within_a_second(passes):
    started = time.monotonic()
    threading.Timer(0.3, sigterm_self).start()
    call_command("scheduler", "--interval", "3600")
    assert len(passes.calls) == 1
    assert time.monotonic() - started < 0.3 + scheduler.NAP + 0.5


def test_sigint_stops_it_too(passes):
    passes.on_pass = lambda number: os.kill(os.getpid(), signal.SIGINT)
    call_command("scheduler")
    assert len(passes.calls) == 1


def test_passes_repeat_on_the_interval_boundary(passes):
    passes.on_pass = lambda number: number == 3 and sigterm_self()
    call_command("scheduler", "--interval", "1")
    first, second, third = passes.calls
    assert 0 < second - first <= 1.1
    assert 0.9 <= third - second <= 1.1


def test_a_failed_pass_is_logged_and_the_loop_goes_on(passes, caplog):
    def fail_then_stop(number):
        if number == 1:
            raise RuntimeError("database restarting")
        sigterm_self()

    passes.on_pass = fail_then_stop
    with caplog.at_level(logging.INFO, logger="sync.scheduler"):
        call_command("scheduler", "--interval", "1")
    assert len(passes.calls) == 2
    assert "scheduler pass failed" in caplog.text
    assert "database restarting" in caplog.text


def test_the_next_boundary_is_a_whole_interval_away_at_most():
    assert scheduler.seconds_to_boundary(60, 120.0) == 60
    assert scheduler.seconds_to_boundary(60, 170.5) == 9.5


def test_an_interval_below_one_second_is_refused():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("scheduler", "--interval", "0")

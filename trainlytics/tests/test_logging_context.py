"""Log lines carry what they are about (sync run, connection, webhook event), in the
plain format and in JSON, with secrets redacted; the context never outlives its run."""

import io
import json
import logging
import threading
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils.module_loading import import_string

from analytics.streams import fetching
from planning import sending
from providers.tests.factories import make_connection
from sync.models import SyncStatus, SyncType, WebhookEvent
from sync.services import run_sync, start_sync
from sync.tests.fakes import FakeBackend, raw_page
from sync.webhooks import processing
from sync.webhooks.store import Item, record_events
from trainlytics import logcontext

from .fresh_process import run_python, with_test_settings

SECRET = "tok-9f8e7d6c5b4a"


def console_handler(log_format, stream):
    """The console handler as settings.LOGGING describes it, writing to `stream`."""
    config = settings.LOGGING
    formatter = config["formatters"][log_format]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(import_string(formatter["class"])(formatter.get("format")))
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    return handler


@pytest.fixture
def log_lines():
    """Capture what the root logger writes, at DEBUG, through the console handler;
    call the fixture's value with "json" or "plain" to pick the format."""
    root, stream, handlers = logging.getLogger(), io.StringIO(), []
    level = root.level

    def start(log_format):
        handlers.append(console_handler(log_format, stream))
        root.addHandler(handlers[-1])
        root.setLevel(logging.DEBUG)
        return lambda: stream.getvalue().splitlines()

    yield start
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(level)


class ChattyBackend(FakeBackend):
    """Logs as the HTTP libraries do under a real backend, token in the URL."""

    def iter_activities(self, http, credentials, since):
        logging.getLogger("urllib3.connectionpool").warning(
            "Retrying after connection broken: /v3/activities?access_token=%s", SECRET
        )
        logging.getLogger("requests_oauthlib.oauth2_session").info(
            "Adding token to request", extra={"access_token": SECRET}
        )
        yield from super().iter_activities(http, credentials, since)


@pytest.fixture
def chatty_backend(monkeypatch):
    backend = ChattyBackend([raw_page(1, 2), RuntimeError(f"?token={SECRET}")])
    monkeypatch.setattr("sync.services.runner.get_backend", lambda slug: backend)
    return backend


def test_every_json_line_a_sync_run_writes_carries_its_run_and_connection(
    user, chatty_backend, log_lines
):
    connection = make_connection(user, "strava")
    sync = start_sync(connection, SyncType.MANUAL)
    lines = log_lines("json")

    run_sync(sync.pk)

    sync.refresh_from_db()
    assert sync.status == SyncStatus.FAILED  # the RuntimeError: logged with traceback
    entries = [json.loads(line) for line in lines()]
    assert len(entries) >= 3
    for entry in entries:
        assert entry["sync_run"] == sync.pk and entry["connection"] == connection.pk
        assert entry["provider"] == "strava"
    loggers = {entry["logger"] for entry in entries}
    assert {"urllib3.connectionpool", "sync.services.runner"} <= loggers
    assert "RuntimeError" in entries[-1]["exception"]
    assert SECRET not in "\n".join(lines())


def test_a_json_line_has_time_level_logger_message_and_redacted_extras(log_lines):
    lines = log_lines("json")
    logging.getLogger("trainlytics.test").warning(
        "callback /oauth/?code=%s", SECRET, extra={"next": f"/x?token={SECRET}"}
    )
    (entry,) = [json.loads(line) for line in lines()]
    assert entry["time"].endswith("Z") and "T" in entry["time"]
    assert (entry["level"], entry["logger"]) == ("WARNING", "trainlytics.test")
    assert entry["message"] == "callback /oauth/?code=[redacted]"
    assert entry["next"] == "/x?token=[redacted]"


def test_a_line_logged_outside_any_run_has_no_context(log_lines):
    lines = log_lines("json")
    with logcontext.bind(sync_run=1, connection=2):
        pass
    logging.getLogger("trainlytics.test").info("between runs")
    (entry,) = [json.loads(line) for line in lines()]
    assert "sync_run" not in entry and "connection" not in entry


def test_the_plain_format_appends_the_context(log_lines):
    lines = log_lines("plain")
    with logcontext.bind(sync_run=12, connection=3):
        logging.getLogger("sync.test").info("page %s stored", 2)
    logging.getLogger("sync.test").info("idle")
    during, after = lines()
    assert during.endswith(" INFO sync.test page 2 stored [sync_run=12 connection=3]")
    assert after.endswith(" INFO sync.test idle")


def test_a_webhook_events_lines_carry_the_event_and_its_connection(
    user, monkeypatch, log_lines
):
    connection = make_connection(user, "strava", provider_user_id="77")
    with TestCase.captureOnCommitCallbacks(execute=False):
        record_events("strava", [Item("activity.create", "77", {"object_id": 5})])
    event = WebhookEvent.objects.get()
    handler_log = logging.getLogger("sync.webhooks.handlers")
    monkeypatch.setitem(
        processing.HANDLERS, "strava", lambda context: handler_log.info("handling")
    )
    lines = log_lines("json")

    processing.process_event(event.pk)

    entries = [json.loads(line) for line in lines()]
    assert entries and all(
        (e["webhook_event"], e["connection"]) == (event.pk, connection.pk)
        for e in entries
    )


def test_the_context_is_reset_when_the_block_raises_and_restored_when_nested():
    with pytest.raises(ValueError), logcontext.bind(sync_run=1, connection=2):
        with logcontext.bind(webhook_event=3):
            assert logcontext.current() == {
                "sync_run": 1,
                "connection": 2,
                "webhook_event": 3,
            }
        assert logcontext.current() == {"sync_run": 1, "connection": 2}
        raise ValueError
    assert logcontext.current() == {}


def test_another_thread_does_not_see_this_threads_context():
    seen = []
    with logcontext.bind(sync_run=1):
        thread = threading.Thread(target=lambda: seen.append(logcontext.current()))
        thread.start()
        thread.join()
    assert seen == [{}]


def _run_python(code, **env):
    return run_python(code, with_test_settings(**env), check=False)


def test_log_format_json_configures_json_lines_at_start():
    code = (
        "import django, logging; django.setup();"
        "from trainlytics.logcontext import bind\n"
        "with bind(sync_run=5, connection=6):\n"
        f"    logging.getLogger('urllib3').warning('GET /?token={SECRET}')"
    )
    result = _run_python(code, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert (entry["sync_run"], entry["connection"]) == (5, 6)
    assert entry["message"] == "GET /?token=[redacted]"


def test_an_unknown_log_format_fails_at_start():
    result = _run_python("import trainlytics.settings_test", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'plain' or 'json', not 'xml'" in result.stderr


def test_a_streams_fetch_and_a_workout_delivery_log_what_they_work_on(
    monkeypatch, log_lines
):
    row = SimpleNamespace(pk=8, activity_id=80)
    delivery = SimpleNamespace(pk=9, connection_id=90, provider="garmin")
    monkeypatch.setattr(fetching, "_claim", lambda *args: row)
    monkeypatch.setattr(sending, "_claim", lambda *args: delivery)
    for module, name in ((fetching, "_fetch_claimed"), (sending, "_deliver_claimed")):
        monkeypatch.setattr(module, name, lambda claimed: logging.info("working"))
    lines = log_lines("json")

    fetching.run_fetch(8)
    sending.run_delivery(9)

    streams, sent = [json.loads(line) for line in lines()]
    assert (streams["streams"], streams["activity"]) == (8, 80)
    assert (sent["delivery"], sent["connection"], sent["provider"]) == (9, 90, "garmin")

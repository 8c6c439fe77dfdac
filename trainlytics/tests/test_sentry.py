"""Sentry is off without SENTRY_DSN; with it, nothing secret leaves in an event.

Events go to a transport that keeps envelopes in memory: no network."""

import logging
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import path
from sentry_sdk.transport import Transport

from trainlytics import logcontext
from trainlytics import sentry as error_reporting

from .fresh_process import run_python, with_test_settings

SECRETS = {
    "code": "oauth-code-31337",
    "query_token": "qs-token-5f4e3d2c1b",
    "header_token": "hdr-token-9a8b7c6d5e",
    "cookie": "cookie-session-0f1e2d",
}


def boom(request):
    """A view that fails holding a token: in a local, in a URL, in the message."""
    token = request.headers["Authorization"].removeprefix("Bearer ")
    next_page = f"https://provider.test/v3/list?access_token={token}&page=2"
    raise RuntimeError(f"provider refused {next_page}")


urlpatterns = [path("boom/", boom)]


class MemoryTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def sent(self):
        return b"\n".join(envelope.serialize() for envelope in self.envelopes)

    def events(self):
        found = (envelope.get_event() for envelope in self.envelopes)
        return [event for event in found if event is not None]


@pytest.fixture
def sentry():
    transport = MemoryTransport()
    error_reporting.init(
        "https://public@127.0.0.1:9/1",
        environment="test",
        release=settings.VERSION,
        traces_sample_rate=0,
        transport=transport,
    )
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def get_through_wsgi(path, query, **headers):
    """A request through Django's WSGI handler, as gunicorn sends it (the test
    client's handler is not the one Sentry's Django integration wraps)."""
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "localhost"}
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, *args: statuses.append(status))
    b"".join(response)
    return statuses[0]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_error_in_a_view_reaches_sentry_without_any_secret(sentry):
    status = get_through_wsgi(
        "/boom/",
        f"code={SECRETS['code']}&access_token={SECRETS['query_token']}",
        authorization=f"Bearer {SECRETS['header_token']}",
        cookie=f"sessionid={SECRETS['cookie']}",
    )
    sentry_sdk.flush()

    assert status.startswith("500")
    events = sentry.events()
    assert events, "the error was not reported"
    event = events[0]
    assert event["release"] == settings.VERSION
    request = event["request"]
    assert request["query_string"] == "code=[redacted]&access_token=[redacted]"
    assert request["headers"]["Authorization"] == "[redacted]"
    assert request["headers"]["Cookie"] == "[redacted]"
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert "access_token=[redacted]&page=2" in exception["value"]
    assert exception["stacktrace"]["frames"][-1]["vars"]["token"] == "[redacted]"
    sent = sentry.sent()
    for name, secret in SECRETS.items():
        assert secret.encode() not in sent, name


def test_breadcrumbs_and_logged_errors_are_scrubbed_and_tagged_with_the_context(
    sentry,
):
    sentry_sdk.add_breadcrumb(
        category="httplib", data={"url": f"https://x.test/?token={SECRETS['code']}"}
    )
    with logcontext.bind(sync_run=41, connection=7):
        logging.getLogger("sync.test").error(
            "refresh refused: %s", f'{{"refresh_token": "{SECRETS["query_token"]}"}}'
        )
    sentry_sdk.flush()

    (event,) = sentry.events()
    assert event["tags"]["sync_run"] == "41" and event["tags"]["connection"] == "7"
    assert event["logentry"]["params"] == []
    assert event["logentry"]["formatted"].endswith('"refresh_token": "[redacted]"}')
    sent = sentry.sent()
    assert SECRETS["code"].encode() not in sent
    assert SECRETS["query_token"].encode() not in sent


def _sentry_state(**env):
    code = (
        "import django, sentry_sdk; django.setup();"
        "c = sentry_sdk.get_client();"
        "print(c.is_active(), c.should_send_default_pii(), c.options['release'],"
        " c.options['traces_sample_rate'], c.options['environment'])"
    )
    return run_python(code, with_test_settings(**env)).stdout.split()


def test_without_a_dsn_sentry_is_not_started():
    assert _sentry_state(SENTRY_DSN="")[0] == "False"


def test_a_dsn_starts_sentry_without_personal_data_or_tracing():
    state = _sentry_state(
        SENTRY_DSN="https://public@127.0.0.1:9/1", SENTRY_ENVIRONMENT="staging"
    )
    assert state == ["True", "False", settings.VERSION, "0.0", "staging"]

"""Failed runs as the runner really writes them: run_sync against Strava answers
served by `responses` (what the health page's grouping must cover)."""

from datetime import timedelta

import responses
from django.utils import timezone
from responses import matchers

from providers.backends.base import Credentials
from providers.registry import get_backend
from providers.tests.contracts.common import refresh_grant
from providers.tests.factories import make_connection
from sync.models import SyncHistory
from sync.services import run_sync, start_sync

BAD_REQUEST = {
    "message": "Bad Request",
    "errors": [{"resource": "Activity", "field": "after", "code": "invalid"}],
}
# No "message": the provider's words are the JSON of its errors, regex specials and all.
ERRORS_ONLY = {
    "errors": [
        {"resource": "Athlete", "field": "per_page (1-200)", "code": "a|b*[c]$"},
        {"resource": "Activity", "field": "before", "code": "< 2026-01-01T00:00:00Z"},
    ]
}
# A proxy's error page: longer than the grouping key, line breaks past it.
HTML_PAGE = (
    "<html><head><title>404 Not Found</title></head>"
    + "<!-- padding -->" * 12
    + "\r\n<body>\n<h1>Not Found</h1>\r\n</body></html>"
)

EXPECTED = {
    # key: (runs, connections)
    "strava: HTTP <n>: Bad Request": (2, 2),
    "strava: server error HTTP <n>": (1, 1),
    "Internal error: the sync stopped unexpectedly (logged).": (1, 1),
}


def _list_url():
    return f"{get_backend('strava').api_url}/athlete/activities"


def _sync(connection, rsps, status, **answer):
    rsps.get(
        _list_url(),
        status=status,
        match=[
            matchers.header_matcher(
                {"Authorization": f"Bearer {connection.access_token}"}
            ),
            matchers.query_param_matcher({"page": "1"}, strict_match=False),
        ],
        **answer,
    )
    sync = start_sync(connection, "manual")
    run_sync(sync.pk)
    rsps.reset()
    return SyncHistory.objects.get(pk=sync.pk)


def _server_error_until_given_up(connection, rsps, settings):
    settings.SYNC_MAX_ATTEMPTS, settings.SYNC_RETRY_DELAY = 2, 0
    sync = _sync(connection, rsps, 500, json={"message": "Internal Server Error"})
    rsps.get(_list_url(), status=500, json={"message": "Internal Server Error"})
    SyncHistory.objects.filter(pk=sync.pk).update(next_attempt_at=timezone.now())
    run_sync(sync.pk)
    rsps.reset()


def _refresh_answering_no_token(rsps):
    connection = make_connection(token_expires_at=timezone.now() - timedelta(hours=1))
    backend = get_backend("strava")
    rsps.post(
        backend.refresh_endpoint,
        json={"token_type": "Bearer"},
        match=[refresh_grant(backend, Credentials.from_connection(connection))],
    )
    sync = start_sync(connection, "manual")
    run_sync(sync.pk)  # oauthlib's MissingTokenError: an internal failure
    rsps.reset()


def produce_failures(settings):
    """Every kind of failed run the runner writes, plus runs that did not fail.

    Returns the failed runs' count.
    """
    fresh = {"token_expires_at": timezone.now() + timedelta(hours=6)}
    with responses.RequestsMock() as rsps:
        for _ in range(2):
            _sync(make_connection(**fresh), rsps, 400, json=BAD_REQUEST)
        _sync(make_connection(**fresh), rsps, 400, json=ERRORS_ONLY)
        _sync(make_connection(**fresh), rsps, 404, body=HTML_PAGE)
        _server_error_until_given_up(make_connection(**fresh), rsps, settings)
        _refresh_answering_no_token(rsps)
        _sync(make_connection(**fresh), rsps, 429, json={"message": "Rate Limit"})
        _sync(make_connection(**fresh), rsps, 200, json=[])
    return SyncHistory.objects.filter(status="failed").count()

"""Our backends' fetch_streams against the sandbox over HTTP: every provider serves
each session's recording in its own shape, and what we parse is as long as the
session, with the channels the sport records."""

from datetime import UTC, datetime, timedelta

import pytest

from providers.backends.base import Credentials
from providers.http import make_session
from providers.registry import get_backend
from providers.sandbox import data, fitbit, stream_files
from providers.sandbox.models import PolarRegistration
from providers.sandbox.stream_series import series_for
from providers.streamfiles import parse_gpx
from providers.streams import StreamRequest
from trainlytics.settings import sandbox_provider_conf

from .helpers import bearer, issue

pytestmark = [
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]
ATHLETE = data.ATHLETES[0]
SCOPES = {
    "strava": ["read", "activity:read_all"],
    "garmin": ["ACTIVITY_EXPORT"],
    "polar": ["accesslink.read_all"],
    "coros": [],
    "wahoo": ["workouts_read"],
    "fitbit": [fitbit.SCOPE, get_backend("fitbit").scopes[1]],
}


@pytest.fixture
def sandbox(live_server, settings):
    def point(slug):
        providers = dict(settings.PROVIDERS)
        providers[slug] = sandbox_provider_conf(slug, live_server.url)
        settings.PROVIDERS = providers
        return get_backend(slug)

    return point


def credentials(slug, scopes=None):
    token = issue(
        slug, athlete=ATHLETE.id, scopes=SCOPES[slug] if scopes is None else scopes
    )
    return Credentials(token, provider_user_id=data.provider_user_id(slug, ATHLETE))


def shortest_recorded(backend, creds, http, sport_has_distance=True, days=28):
    """(raw payload, ActivityData) of the shortest activity listed for the last
    `days`, with a distance or (sport_has_distance=False) without."""
    since = datetime.now(UTC) - timedelta(days=days)
    listed = [
        (raw, backend.normalize(raw))
        for page in backend.iter_activities(http, creds, since)
        for raw in page
    ]
    kept = [
        (r, a) for r, a in listed if (a.distance_m is not None) == sport_has_distance
    ]
    return min(kept, key=lambda pair: pair[1].elapsed_time_s)


def fetch(backend, creds, http, raw, activity):
    request = StreamRequest(activity.provider_activity_id, raw, activity.start_time)
    return backend.fetch_streams(http, creds, request)


@pytest.mark.parametrize(
    "slug", ["strava", "garmin", "polar", "coros", "wahoo", "fitbit"]
)
def test_each_sandbox_provider_serves_a_series_as_long_as_the_session(slug, sandbox):
    backend, creds, http = sandbox(slug), credentials(slug), make_session(slug)
    PolarRegistration.objects.create(athlete_id=ATHLETE.id, member_id="m-1")
    raw, activity = shortest_recorded(backend, creds, http)

    stream = fetch(backend, creds, http, raw, activity)

    assert backend.has_streams
    assert len(stream.time_s) == activity.elapsed_time_s
    assert stream.time_s[-1] == activity.elapsed_time_s - 1
    assert stream.heartrate_bpm is not None
    assert stream.distance_m[-1] == pytest.approx(activity.distance_m, rel=0.01)


def test_a_session_reads_the_same_whichever_provider_format_carries_it(sandbox):
    backend, creds, http = (
        sandbox("strava"),
        credentials("strava"),
        make_session("strava"),
    )
    raw, activity = shortest_recorded(backend, creds, http)

    stream = fetch(backend, creds, http, raw, activity)

    session = next(
        s for s in data.sessions(ATHLETE, "strava") if s.start == activity.start_time
    )
    assert stream.heartrate_bpm == list(series_for(session).heartrate_bpm)
    if session.sport != "swim":
        assert stream.latitude[0] == pytest.approx(series_for(session).latitude[0])


def test_a_strength_session_has_heart_rate_but_no_route(sandbox):
    backend, creds, http = (
        sandbox("strava"),
        credentials("strava"),
        make_session("strava"),
    )
    raw, activity = shortest_recorded(
        backend, creds, http, sport_has_distance=False, days=data.HISTORY_DAYS - 1
    )

    stream = fetch(backend, creds, http, raw, activity)

    assert stream.heartrate_bpm is not None
    assert stream.latitude is None and stream.distance_m is None


def test_google_health_refuses_the_export_without_the_location_scope(client):
    token = issue("fitbit", athlete=ATHLETE.id, scopes=[fitbit.SCOPE])
    url = (
        "/sandbox/fitbit/v4/users/me/dataTypes/exercise/dataPoints/1:exportExerciseTcx"
    )

    answer = client.get(url, {"alt": "media"}, **bearer(token))

    assert answer.status_code == 403


def test_coros_file_url_is_refused_without_its_signature(sandbox, client):
    backend, creds, http = sandbox("coros"), credentials("coros"), make_session("coros")
    raw, _ = shortest_recorded(backend, creds, http)
    path = raw["fitUrl"].split("?")[0].split("/sandbox/", 1)[1]

    assert client.get(f"/sandbox/{path}").status_code == 404
    assert client.get(f"/sandbox/{path}", {"signature": "forged"}).status_code == 404


def test_polar_gpx_of_a_session_with_a_route_parses_to_the_same_track():
    session = next(
        s for s in data.sessions(ATHLETE, "polar") if s.sport in ("run", "ride")
    )

    track = parse_gpx(stream_files.gpx_file(session))

    assert len(track.time_s) == session.elapsed_s
    assert track.heartrate_bpm == list(series_for(session).heartrate_bpm)
    assert track.latitude == list(series_for(session).latitude)

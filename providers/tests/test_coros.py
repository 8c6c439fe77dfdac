"""COROS quirks: result codes, non-rotating refresh, date windows, 15-minute zones."""

from datetime import UTC, date, datetime, timedelta

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.coros import CorosBackend, list_windows, three_months_before
from providers.errors import MalformedPayloadError, ProviderError, ReauthRequiredError
from providers.http import make_session
from providers.sports import SportType
from providers.tests.contracts.coros import CREDENTIALS, OK, OPEN_ID, payload

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HOST = "https://open.coros.com"
REDIRECT = "https://app.example.com/providers/coros/callback/"
FAILED = {"result": "5002", "message": "access token invalid"}


@pytest.fixture
def backend():
    return CorosBackend()


@pytest.fixture
def credentials():
    return Credentials(**CREDENTIALS)


def workout(label):
    items = payload("coros_workouts.json")["data"]
    return {item["labelId"]: item for item in items}[label]


def test_outdoor_run_normalises_every_field(backend):
    raw = workout("418173292602490880")
    activity = backend.normalize(raw)
    assert activity.provider_activity_id == "418173292602490880"
    assert activity.sport_type == SportType.RUN  # 801
    assert activity.start_time == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert activity.utc_offset_s == 7200  # 8 quarter-hours
    assert activity.elapsed_time_s == 3125
    assert activity.distance_m == 10012.3
    assert activity.calories_kcal == pytest.approx(712.345)  # 712345 cal
    for metric in ("moving_time_s", "elevation_gain_m", "avg_hr_bpm", "max_hr_bpm"):
        assert getattr(activity, metric) is None
    assert activity.activity_data == raw


def test_start_after_the_dst_change_carries_the_winter_offset(backend):
    activity = backend.normalize(workout("418173292602490881"))
    assert activity.start_time == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert activity.utc_offset_s == 3600
    assert activity.sport_type == SportType.RIDE  # 901


def test_triathlon_with_legs_is_multisport(backend):
    activity = backend.normalize(workout("418173292602490882"))
    assert activity.sport_type == SportType.MULTISPORT
    assert len(activity.activity_data["triathlonItemList"]) == 3
    assert activity.distance_m == 25750.0


def test_workout_without_distance_keeps_it_none(backend):
    activity = backend.normalize(workout("418173292602490883"))
    assert activity.sport_type == SportType.STRENGTH  # 232
    assert activity.distance_m is None
    assert activity.calories_kcal == 250


def test_unknown_sport_code_is_other_and_missing_calories_stay_none(backend):
    activity = backend.normalize(workout("418173292602490884"))
    assert activity.sport_type == SportType.OTHER  # 7703
    assert activity.utc_offset_s == 8 * 3600  # 32 quarter-hours
    assert activity.calories_kcal is None


def test_workout_without_start_time_is_rejected(backend):
    (raw,) = payload("coros_malformed.json")["data"]
    with pytest.raises(MalformedPayloadError, match="418173292602490899: no startTime"):
        backend.normalize(raw)


@pytest.mark.parametrize(
    ("today", "earliest"),
    [
        (date(2026, 11, 25), date(2026, 8, 25)),
        (date(2026, 2, 10), date(2025, 11, 10)),
        (date(2026, 5, 31), date(2026, 3, 1)),  # no 31 February: never earlier
    ],
)
def test_three_months_before_never_reaches_further_back(today, earliest):
    assert three_months_before(today) == earliest


def test_windows_span_at_most_30_days_up_to_today():
    since = datetime(2026, 10, 1, 22, 0, tzinfo=UTC)
    assert list_windows(since, date(2026, 11, 25)) == [
        (date(2026, 10, 1), date(2026, 10, 30)),
        (date(2026, 10, 31), date(2026, 11, 25)),
    ]


def test_windows_start_no_earlier_than_three_months_ago():
    long_ago = datetime(2025, 1, 1, tzinfo=UTC)
    for since in (None, long_ago):
        windows = list_windows(since, date(2026, 11, 25))
        assert windows[0][0] == date(2026, 8, 25)
        assert windows[-1][1] == date(2026, 11, 25)
        assert len(windows) == 4
        for start, end in windows:
            assert (end - start).days <= 29


def listing(rsps, credentials, start, end, body):
    rsps.get(
        f"{HOST}/v2/coros/sport/list",
        json=body,
        match=[
            matchers.query_param_matcher(
                {
                    "token": credentials.access_token,
                    "openId": OPEN_ID,
                    "startDate": start,
                    "endDate": end,
                }
            )
        ],
    )


def test_listing_walks_each_window_with_query_token(backend, credentials, rsps):
    body = payload("coros_workouts.json")
    listing(rsps, credentials, "20261011", "20261109", body)
    listing(rsps, credentials, "20261110", "20261125", {**OK, "data": []})
    since = NOW - timedelta(days=45)
    http = make_session("coros")
    pages = list(backend.iter_activities(http, credentials, since, now=NOW))
    assert pages == [body["data"]]
    assert http.calls == 2


def test_listing_failure_code_raises_with_coros_message_but_no_token(
    backend, credentials, rsps
):
    listing(rsps, credentials, "20261115", "20261125", FAILED)
    since = NOW - timedelta(days=10)
    with pytest.raises(ProviderError) as caught:
        list(backend.iter_activities(make_session("coros"), credentials, since, NOW))
    assert "5002" in str(caught.value)
    assert caught.value.provider_message == "5002 access token invalid"
    assert credentials.access_token not in str(caught.value)
    assert not isinstance(caught.value, ReauthRequiredError)


def token_request(rsps, backend, body):
    rsps.post(
        backend.token_endpoint,
        json=body,
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "authorization_code",
                    "code": "auth-code-123",
                    "redirect_uri": REDIRECT,
                    "client_id": backend.client_id,
                    "client_secret": backend.client_secret,
                }
            )
        ],
    )


def test_token_exchange_failure_code_raises(backend, rsps):
    token_request(rsps, backend, {"result": "1001", "message": "code expired"})
    with pytest.raises(ProviderError, match="1001: code expired"):
        backend.exchange_code("auth-code-123", REDIRECT)


def test_token_exchange_reads_camel_case_expiry(backend, rsps):
    token_request(
        rsps,
        backend,
        {
            "access_token": "a1",
            "refresh_token": "r1",
            "openId": OPEN_ID,
            "expiresIn": 600,
        },
    )
    tokens = backend.exchange_code("auth-code-123", REDIRECT)
    assert tokens.provider_user_id == OPEN_ID
    remaining = tokens.expires_at - datetime.now(UTC)
    assert timedelta(seconds=500) < remaining <= timedelta(seconds=600)


def test_token_exchange_without_expiry_assumes_30_days(backend, rsps):
    token_request(
        rsps, backend, {"access_token": "a1", "refresh_token": "r1", "openId": OPEN_ID}
    )
    tokens = backend.exchange_code("auth-code-123", REDIRECT)
    remaining = tokens.expires_at - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < remaining <= timedelta(days=30)


def refresh_request(rsps, backend, credentials, body):
    rsps.post(
        backend.refresh_endpoint,
        json=body,
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "client_id": backend.client_id,
                    "client_secret": backend.client_secret,
                    "grant_type": "refresh_token",
                    "refresh_token": credentials.refresh_token,
                }
            )
        ],
    )


def test_refresh_keeps_both_tokens_and_extends_by_30_days(backend, credentials, rsps):
    refresh_request(rsps, backend, credentials, OK)
    tokens = backend.refresh(credentials)
    assert (tokens.access_token, tokens.refresh_token) == (None, None)
    remaining = tokens.expires_at - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < remaining <= timedelta(days=30)


def test_refresh_failure_code_raises(backend, credentials, rsps):
    refresh_request(rsps, backend, credentials, FAILED)
    with pytest.raises(ProviderError, match="5002"):
        backend.refresh(credentials)


def test_refresh_without_refresh_token_asks_for_reconnect(backend, rsps):
    credentials = Credentials(access_token="a1", provider_user_id=OPEN_ID)
    with pytest.raises(ReauthRequiredError):
        backend.refresh(credentials)
    assert len(rsps.calls) == 0


def test_revoke_failure_code_raises(backend, credentials, rsps):
    rsps.post(
        backend.revoke_endpoint,
        json=FAILED,
        match=[matchers.urlencoded_params_matcher({"token": credentials.access_token})],
    )
    with pytest.raises(ProviderError, match="5002"):
        backend.revoke(credentials)

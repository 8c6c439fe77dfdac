"""Polar quirks: registration, no refresh, local start times, ISO durations."""

from datetime import UTC, datetime

import pytest
from responses import matchers

from providers.backends.base import Credentials
from providers.backends.polar import PolarBackend, parse_duration
from providers.errors import (
    MalformedPayloadError,
    ProviderError,
    ReauthRequiredError,
    TransientProviderError,
)
from providers.http import make_session
from providers.sports import SportType
from providers.tests.contracts.polar import (
    CREDENTIALS,
    PROFILE,
    USER_ID,
    bearer,
    payload,
)

API = "https://www.polaraccesslink.com/v3"


@pytest.fixture
def backend():
    return PolarBackend()


@pytest.fixture
def credentials():
    return Credentials(**CREDENTIALS)


def exercise(exercise_id):
    return {item["id"]: item for item in payload("polar_exercises.json")}[exercise_id]


def test_exercise_normalises_every_field(backend):
    raw = exercise("Ab12Cd34")
    activity = backend.normalize(raw)
    assert activity.provider_activity_id == "Ab12Cd34"
    assert activity.sport_type == SportType.RUN
    assert activity.start_time == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert activity.utc_offset_s == 7200
    assert activity.elapsed_time_s == 3724  # PT1H2M3.5S
    assert activity.moving_time_s is None
    assert activity.distance_m == 10020.5
    assert activity.elevation_gain_m is None  # not in Polar's summary
    assert (activity.avg_hr_bpm, activity.max_hr_bpm) == (147, 175)
    assert activity.calories_kcal == 702
    assert activity.device_name == "Polar Vantage V3"
    assert activity.activity_data == raw


def test_same_local_time_after_the_dst_change_is_an_hour_later_in_utc(backend):
    activity = backend.normalize(exercise("Ef56Gh78"))
    assert activity.start_time == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert activity.utc_offset_s == 3600
    assert activity.elapsed_time_s == 2700
    # The detailed sport wins over the generic CYCLING.
    assert activity.sport_type == SportType.MOUNTAIN_BIKE_RIDE


def test_manual_entry_without_heart_rate_or_distance_keeps_them_none(backend):
    activity = backend.normalize(exercise("Ij90Kl12"))
    assert activity.sport_type == SportType.STRENGTH
    assert activity.device_name == "Polar Flow app"
    assert activity.elapsed_time_s == 1800
    assert activity.calories_kcal == 180
    assert (activity.distance_m, activity.avg_hr_bpm, activity.max_hr_bpm) == (
        None,
        None,
        None,
    )


def test_triathlon_is_multisport_and_unknown_sports_are_other(backend):
    assert backend.normalize(exercise("Mn34Op56")).sport_type == SportType.MULTISPORT
    assert backend.normalize(exercise("Qr78St90")).sport_type == SportType.OTHER


def test_exercise_without_start_time_is_rejected(backend):
    (raw,) = payload("polar_malformed.json")
    with pytest.raises(MalformedPayloadError, match="Uv12Wx34: no start_time"):
        backend.normalize(raw)


def test_exercise_without_utc_offset_is_rejected_rather_than_guessed(backend):
    raw = exercise("Ab12Cd34")
    del raw["start_time_utc_offset"]
    with pytest.raises(MalformedPayloadError, match="start_time_utc_offset"):
        backend.normalize(raw)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("PT1H2M3.5S", 3723.5),
        ("PT45M", 2700),
        ("PT0S", 0),
        ("P1DT2H", 93600),
        (None, None),
    ],
)
def test_iso_durations_become_seconds(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["PT", "P", "1H", "PT1.5H", "01:02:03"])
def test_garbled_durations_are_malformed(value):
    with pytest.raises(MalformedPayloadError, match="duration"):
        parse_duration(value)


def test_user_ids_past_32_bits_stay_exact_strings(backend):
    tokens = backend.parse_token(
        {"access_token": "a", "token_type": "bearer", "x_user_id": 12345678901234567}
    )
    assert tokens.provider_user_id == "12345678901234567"
    assert tokens.refresh_token is None


def test_refresh_asks_for_reconnect_without_calling_polar(backend, credentials, rsps):
    with pytest.raises(ReauthRequiredError) as caught:
        backend.refresh(credentials)
    assert "Reconnect Polar" in caught.value.user_message
    assert len(rsps.calls) == 0


def register(rsps, credentials, user, **response):
    rsps.post(
        f"{API}/users",
        match=[
            bearer(credentials),
            matchers.json_params_matcher({"member-id": str(user.pk)}),
        ],
        **response,
    )


def test_registration_sends_our_user_id_and_returns_polars_user(
    backend, credentials, rsps, user
):
    register(rsps, credentials, user, status=200, json=PROFILE)
    assert backend.after_connect(credentials, None, user) == PROFILE


def test_registration_conflict_means_already_registered(
    backend, credentials, rsps, user
):
    register(rsps, credentials, user, status=409, json={"message": "Conflict"})
    assert backend.after_connect(credentials, None, user) is None


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, ProviderError), (403, ReauthRequiredError), (503, TransientProviderError)],
)
def test_registration_failures_raise(backend, credentials, rsps, user, status, error):
    register(rsps, credentials, user, status=status, json={"message": "no"})
    with pytest.raises(error):
        backend.after_connect(credentials, None, user)


def test_fetch_account_before_registration_returns_the_token_user_id(
    backend, credentials, rsps
):
    rsps.get(f"{API}/users/{USER_ID}", status=404, match=[bearer(credentials)])
    account = backend.fetch_account(credentials)
    assert (account.provider_user_id, account.profile) == (USER_ID, {})


def test_fetch_account_with_a_rejected_token_needs_reauth(backend, credentials, rsps):
    rsps.get(f"{API}/users/{USER_ID}", status=401, match=[bearer(credentials)])
    with pytest.raises(ReauthRequiredError):
        backend.fetch_account(credentials)


def test_first_sync_keeps_every_exercise_once(backend, credentials, rsps):
    exercises = payload("polar_exercises.json")
    rsps.get(
        f"{API}/exercises",
        json=[*exercises, exercises[0]],
        match=[bearer(credentials)],
    )
    (page,) = backend.iter_activities(make_session("polar"), credentials, None)
    assert [item["id"] for item in page] == [item["id"] for item in exercises]


def test_exercises_uploaded_before_since_are_left_out(backend, credentials, rsps):
    rsps.get(
        f"{API}/exercises",
        json=payload("polar_exercises.json"),
        match=[bearer(credentials)],
    )
    since = datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    (page,) = backend.iter_activities(make_session("polar"), credentials, since)
    assert [item["id"] for item in page] == ["Ij90Kl12", "Mn34Op56", "Qr78St90"]


def test_forbidden_listing_means_reconnect(backend, credentials, rsps):
    rsps.get(f"{API}/exercises", status=403, match=[bearer(credentials)])
    http = backend.session()
    with pytest.raises(ReauthRequiredError):
        list(backend.iter_activities(http, credentials, None))


def test_registration_with_an_empty_body_still_succeeds(
    backend, credentials, rsps, user
):
    register(rsps, credentials, user, status=201, body="")
    assert backend.after_connect(credentials, None, user) == {}

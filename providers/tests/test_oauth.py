"""The OAuth state stash: several pending, each popped once, ten-minute expiry."""

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from providers import oauth
from providers.backends.base import pkce_challenge


@pytest.fixture
def request_():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(oauth, "_now", lambda: now["t"])
    return now


def test_begin_returns_a_fresh_state_and_a_pkce_sized_verifier(request_):
    state, verifier = oauth.begin(request_, "garmin")
    other_state, other_verifier = oauth.begin(request_, "garmin")
    assert state != other_state
    assert verifier != other_verifier
    assert 43 <= len(verifier) <= 128
    assert pkce_challenge(verifier)


def test_complete_returns_the_stash_for_its_state(request_):
    state, verifier = oauth.begin(request_, "strava", next="/activities/")
    stash = oauth.complete(request_, "strava", state)
    assert stash["code_verifier"] == verifier
    assert stash["provider"] == "strava"
    assert stash["next"] == "/activities/"


def test_several_connects_can_be_pending_at_once(request_):
    strava_state, _ = oauth.begin(request_, "strava")
    garmin_state, garmin_verifier = oauth.begin(request_, "garmin")
    assert oauth.complete(request_, "garmin", garmin_state)["code_verifier"] == (
        garmin_verifier
    )
    assert oauth.complete(request_, "strava", strava_state)["provider"] == "strava"


def test_a_state_is_accepted_only_once(request_):
    state, _ = oauth.begin(request_, "polar")
    oauth.complete(request_, "polar", state)
    with pytest.raises(oauth.StateReplayedError):
        oauth.complete(request_, "polar", state)


def test_an_unknown_state_is_a_mismatch(request_):
    oauth.begin(request_, "polar")
    with pytest.raises(oauth.StateMismatchError):
        oauth.complete(request_, "polar", "forged-state")


def test_a_missing_state_is_a_mismatch(request_):
    with pytest.raises(oauth.StateMismatchError):
        oauth.complete(request_, "polar", "")


def test_a_state_expires_after_ten_minutes(request_, clock):
    state, _ = oauth.begin(request_, "coros")
    clock["t"] += oauth.MAX_AGE_S + 1
    with pytest.raises(oauth.StateExpiredError):
        oauth.complete(request_, "coros", state)


def test_a_state_just_inside_ten_minutes_is_accepted(request_, clock):
    state, _ = oauth.begin(request_, "coros")
    clock["t"] += oauth.MAX_AGE_S - 1
    assert oauth.complete(request_, "coros", state)["provider"] == "coros"


def test_an_expired_state_cannot_be_retried(request_, clock):
    state, _ = oauth.begin(request_, "coros")
    clock["t"] += oauth.MAX_AGE_S + 1
    with pytest.raises(oauth.StateExpiredError):
        oauth.complete(request_, "coros", state)
    with pytest.raises(oauth.StateReplayedError):
        oauth.complete(request_, "coros", state)


def test_a_state_for_another_provider_is_refused_and_consumed(request_):
    state, _ = oauth.begin(request_, "wahoo")
    with pytest.raises(oauth.StateProviderMismatchError):
        oauth.complete(request_, "strava", state)
    with pytest.raises(oauth.StateReplayedError):
        oauth.complete(request_, "wahoo", state)


def test_only_the_newest_pending_states_are_kept(request_, clock):
    states = []
    for _ in range(oauth.MAX_PENDING + 2):
        clock["t"] += 1
        states.append(oauth.begin(request_, "fitbit")[0])
    with pytest.raises(oauth.StateMismatchError):
        oauth.complete(request_, "fitbit", states[0])
    with pytest.raises(oauth.StateMismatchError):
        oauth.complete(request_, "fitbit", states[1])
    for state in states[2:]:
        assert oauth.complete(request_, "fitbit", state)["provider"] == "fitbit"


def test_begin_drops_expired_stashes(request_, clock):
    oauth.begin(request_, "fitbit")
    clock["t"] += oauth.MAX_AGE_S + 1
    oauth.begin(request_, "fitbit")
    assert len(request_.session[oauth.SESSION_KEY]["pending"]) == 1


def test_every_state_error_has_a_message_for_the_athlete():
    for error in (
        oauth.StateMismatchError,
        oauth.StateReplayedError,
        oauth.StateExpiredError,
        oauth.StateProviderMismatchError,
    ):
        assert issubclass(error, oauth.OAuthStateError)
        assert "again" in error.user_message

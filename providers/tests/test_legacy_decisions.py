"""The legacy import's pure decisions (issue 9); no legacy database needed."""

from datetime import UTC, datetime
from types import SimpleNamespace

from django.contrib.auth.hashers import check_password

from providers.legacy.connections import (
    EXPIRED,
    Candidate,
    choose_connections,
    legacy_expiry,
    legacy_profile,
    normalise_provider,
    plan_connection,
)
from providers.legacy.users import collision_survivors, legacy_password


def candidate(table, id, user=1, provider="strava", account="1", **extra):
    values = {"usable": True, "updated_at": 100.0, "raw_provider": provider}
    values.update(extra)
    return Candidate(table, id, user, provider, account=account, **values)


def test_collision_survivor_is_the_lowest_legacy_id():
    rows = [
        {"id": 7, "email_key": "a@x.io"},
        {"id": 3, "email_key": "a@x.io"},
        {"id": 9, "email_key": "a@x.io"},
    ]
    assert collision_survivors(rows) == {7: 3, 9: 3}


def test_a_bcrypt_hash_is_carried_over_in_djangos_bcrypt_format():
    old = "$2b$12$" + "abcdefghijklmnopqrstuv" + "A" * 31
    assert legacy_password(old) == (f"bcrypt${old}", "")


def test_a_missing_or_foreign_hash_gives_an_unusable_password():
    for value in (None, "", "sha1$abc"):
        password, _ = legacy_password(value)
        assert not check_password("anything", password)
        assert password.startswith("!")
    assert legacy_password("sha1$abc")[1].startswith("password hash is not bcrypt")


def test_provider_text_is_stripped_and_lower_cased():
    assert normalise_provider(" GARMIN ") == "garmin"
    assert normalise_provider("Strava") == "strava"
    assert normalise_provider("myspace") is None
    assert normalise_provider(None) is None


def test_the_most_recently_updated_usable_row_wins():
    old = candidate("strava_connections", 1, updated_at=1.0)
    new = candidate("user_connections", 2, updated_at=2.0)
    chosen, skipped = choose_connections([old, new])
    assert list(chosen) == [("user_connections", 2)]
    assert skipped[0][:3] == (
        "strava_connections",
        1,
        "older row for the same user and provider",
    )


def test_a_newer_row_without_a_token_does_not_override_a_usable_one():
    old = candidate("strava_connections", 1, updated_at=1.0)
    new = candidate("user_connections", 2, updated_at=2.0, usable=False)
    chosen, skipped = choose_connections([old, new])
    assert list(chosen) == [("strava_connections", 1)]
    assert skipped[0][:3] == ("user_connections", 2, "no usable access token")


def test_a_provider_account_on_two_users_stays_with_the_most_recent_row():
    first = candidate("strava_connections", 1, user=1, updated_at=5.0)
    second = candidate("user_connections", 2, user=2, updated_at=1.0)
    chosen, skipped = choose_connections([first, second])
    assert list(chosen) == [("strava_connections", 1)]
    assert skipped[0][2] == "provider account also linked to another user"


def test_rows_of_unknown_providers_or_unimported_owners_are_skipped():
    rows = [
        candidate("user_connections", 1, provider=None, raw_provider="myspace"),
        candidate("user_connections", 2, user=None),
        candidate("user_connections", 3, account=None),
    ]
    chosen, skipped = choose_connections(rows)
    assert chosen == {}
    assert [s[2] for s in skipped] == [
        "unknown provider 'myspace'",
        "owner not imported",
        "no provider user id",
    ]


def test_impossible_expiries_become_expired_and_are_reported():
    for epoch in (0, 631152000.0, 253402300799.0, float("inf"), None):
        when, problem = legacy_expiry(epoch)
        assert when == EXPIRED and problem
    assert legacy_expiry(1893456000.0) == (datetime(2030, 1, 1, tzinfo=UTC), "")


def test_odd_profile_json_is_kept_as_an_object():
    assert legacy_profile(None) == ({}, "")
    assert legacy_profile({"id": 1}) == ({"id": 1}, "")
    assert legacy_profile('{"id": 1}') == ({"id": 1}, "")
    assert legacy_profile([1])[0] == {"legacy_value": [1]}
    assert legacy_profile("text")[0] == {"legacy_value": "text"}


WRITTEN = datetime(2026, 1, 1, tzinfo=UTC)


def record(table="strava_connections", legacy_id=1, digest="d", written=WRITTEN):
    return SimpleNamespace(
        source_table=table,
        legacy_id=legacy_id,
        digest=digest,
        connection_written_at=written,
    )


def test_plan_connection_reads_its_provenance_from_the_import_record():
    c = candidate("strava_connections", 1)
    stored = SimpleNamespace(updated_at=WRITTEN)
    provenance = ("strava_connections", 1, "d")
    assert plan_connection(c, provenance, None, None, None) == ("create", "")
    assert plan_connection(c, provenance, stored, record(), None) == ("unchanged", "")
    assert plan_connection(c, provenance, stored, record(digest="old"), None) == (
        "update",
        "",
    )
    assert plan_connection(c, provenance, stored, record(legacy_id=2), None)[0] == (
        "update"
    )


def test_plan_connection_keeps_connections_the_new_app_made_or_changed():
    c = candidate("strava_connections", 1)
    stored = SimpleNamespace(updated_at=WRITTEN)
    provenance = ("strava_connections", 1, "d")
    assert plan_connection(c, provenance, stored, None, None) == (
        "skip",
        "already connected in the new app; kept",
    )
    later = record(written=datetime(2025, 1, 1, tzinfo=UTC))
    assert plan_connection(c, provenance, stored, later, None) == (
        "skip",
        "changed in the new app since the import; kept",
    )
    assert plan_connection(c, provenance, None, None, 2)[0] == "skip"

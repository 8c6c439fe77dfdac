"""What Python code prints follows the reader's language: numbers and units, dates,
choice labels, sentences stored in English, cached blocks and API errors.

Most tests add their few French entries to the catalog themselves (the `french`
fixture), so they hold whatever the .po file holds at the time.
"""

import datetime as dt
import json

import pytest
from django.utils import formats, translation
from django.utils.translation import trans_real

from analytics import charts
from analytics.fitness import FitnessDay
from providers.backends.base import NEEDS_RECONNECT
from providers.sports import SportType
from providers.tokens import REAUTH_DETAIL, REVOKED_DETAIL
from sync import cache as sync_cache
from sync import display, messages, queries
from trainlytics import dates, labels, stored_text

from .fresh_process import run_python

NBSP = "\xa0"  # Django's French thousands separator


def _clear_caches():
    labels._labels.cache_clear()
    stored_text._translate.cache_clear()
    display._styles.clear()
    dates._parts.cache_clear()
    messages._start_format.cache_clear()


@pytest.fixture
def french():
    """add(msgid, msgstr, context=None): a French entry for this test only."""
    catalog = trans_real.translation("fr")._catalog
    extra = {}
    catalog._catalogs.insert(0, extra)
    catalog._plurals.insert(0, catalog._plurals[0])
    _clear_caches()

    def add(msgid, msgstr, context=None):
        extra[f"{context}\x04{msgid}" if context else msgid] = msgstr

    yield add
    catalog._catalogs.remove(extra)
    catalog._plurals.pop(0)
    _clear_caches()


# -- numbers and units -----------------------------------------------------------------


def test_a_distance_reads_with_french_separators_in_french():
    with translation.override("fr"):
        assert display.format_number(1234.5, 1, "km") == f"1{NBSP}234,5 km"
        assert display.format_distance(1_234_500) == f"1{NBSP}234,50 km"


def test_a_distance_reads_with_english_separators_in_english():
    with translation.override("en"):
        assert display.format_number(1234.5, 1, "km") == "1,234.5 km"
        assert display.format_distance(1_234_500) == "1,234.50 km"


@pytest.mark.parametrize("language", ["en", "fr", "de", "zh-hans"])
@pytest.mark.parametrize(
    ("value", "places"),
    [(0, 0), (7.25, 2), (-3.5, 1), (999.96, 1), (1234567.891, 2), (12, 0)],
)
def test_numbers_read_as_djangos_once_rounded(language, value, places):
    # Rounded, as "12.35 km" always was: Django's number_format cuts floats off.
    with translation.override(language):
        rounded = round(value, places)
        expected = formats.number_format(rounded, places, force_grouping=True)
        assert display.format_number(value, places) == expected


def test_speed_elevation_and_heart_rate_follow_the_language():
    with translation.override("fr"):
        assert display.format_speed(7) == "25,2 km/h"
        assert display.format_elevation(1500, display.IMPERIAL) == f"4{NBSP}921 ft"
        assert messages.format_heart_rate(151.6) == "152 bpm"


def test_a_unit_symbol_is_translated_where_french_writes_it_otherwise(french):
    french("mph", "mi/h", context="unit")
    with translation.override("fr"):
        assert display.format_speed(10, display.IMPERIAL) == "22,4 mi/h"
    with translation.override("en"):
        assert display.format_speed(10, display.IMPERIAL) == "22.4 mph"


def test_svg_coordinates_stay_plain_numbers_while_its_words_are_french(french):
    french("j M", "j N", context="date format")
    volume = {
        "weeks": [dt.date(2026, 11, 30)],
        "sports": ["run"],
        "hours": {(dt.date(2026, 11, 30), "run"): 1.25},
    }
    chart = queries.weekly_chart(volume)
    with translation.override("fr"):
        svg = queries.weekly_chart_svg(chart)
    assert 'height="160.0"' in svg  # an attribute: a dot, not a comma
    assert "1,2 h" in svg or "1,3 h" in svg  # a title: French
    assert "30 nov." in svg


def test_the_fitness_chart_localizes_its_table_but_not_its_points():
    days = [
        FitnessDay(dt.date(2026, 12, 6), 10.0, 30.25, 40.5, -10.25),
        FitnessDay(dt.date(2026, 12, 7), 0.0, 29.5, 35.0, -5.5),
    ]
    with translation.override("fr"):
        svg = charts.fitness_svg(days)
        rows = charts.fitness_table_rows(days)
    assert 'points="36.0,' in svg
    assert "<td>29,5</td>" in rows
    assert 'datetime="2026-12-07"' in rows


# -- dates and labels ------------------------------------------------------------------


def test_an_activity_start_follows_the_translated_date_format(french):
    french("D j M Y, H:i", "D. j N Y, H:i", context="date format")
    start = dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC)
    with translation.override("fr"):
        assert messages.start_text(start) == "lun. 7 déc. 2026, 14:05"
    with translation.override("en"):
        assert messages.start_text(start) == "Mon 7 Dec 2026, 14:05"


@pytest.mark.parametrize("language", ["en", "fr", "de"])
@pytest.mark.parametrize(
    "format_string", ["D j M Y, H:i", "D. j N Y", "l j F", "j M", "d/m/y G\\hi", "b n"]
)
def test_dates_read_as_djangos_date_format(language, format_string):
    moments = [dt.datetime(2026, month, 2 * month + 1, 9, 5) for month in range(1, 13)]
    with translation.override(language):
        for moment in moments:
            expected = formats.date_format(moment, format_string)
            assert dates.format_date(moment, format_string) == expected


def test_a_format_with_characters_it_does_not_read_goes_to_django():
    moment = dt.datetime(2026, 12, 7, 14, 5)
    with translation.override("en"):
        assert dates.format_date(moment, "jS F, P") == "7th December, 2:05 p.m."


def test_sport_names_are_translated_and_kept_per_language(french):
    french("Run", "Course à pied", context="sport")
    with translation.override("fr"):
        assert messages.sport_label(SportType.RUN) == "Course à pied"
    with translation.override("en"):
        assert messages.sport_label(SportType.RUN) == "Run"
    assert messages.sport_label("not-a-sport") == "not-a-sport"


# -- sentences stored in English -------------------------------------------------------


def test_a_stored_sentence_with_values_is_shown_translated(french):
    french(
        REAUTH_DETAIL,
        "%(provider)s n'accepte plus l'accès de Trainlytics : reconnectez "
        "%(provider)s.",
    )
    stored = REAUTH_DETAIL % {"provider": "Strava"}
    with translation.override("fr"):
        assert stored_text.shown(stored) == (
            "Strava n'accepte plus l'accès de Trainlytics : reconnectez Strava."
        )
    with translation.override("en"):
        assert stored_text.shown(stored) == stored


def test_a_sentence_another_module_stores_with_str_format_is_recognised(french):
    # sync/webhooks/processing.py writes "{} access was withdrawn ..." itself.
    french(REVOKED_DETAIL, "%(provider)s a retiré l'accès.")
    stored = "Garmin access was withdrawn at the provider. Reconnect to sync again."
    with translation.override("fr"):
        assert stored_text.shown(stored) == "Garmin a retiré l'accès."


def test_values_that_are_msgids_are_translated_too(french):
    french(NEEDS_RECONNECT, "%(provider)s demande une reconnexion.")
    french("The provider", "Le fournisseur")
    with translation.override("fr"):
        shown = stored_text.shown(NEEDS_RECONNECT % {"provider": "The provider"})
    assert shown == "Le fournisseur demande une reconnexion."


def test_text_no_msgid_matches_is_shown_as_stored(french):
    with translation.override("fr"):
        assert stored_text.shown("Strava said: quota exceeded") == (
            "Strava said: quota exceeded"
        )
        assert stored_text.shown("") == ""


def test_every_stored_sentence_is_declared_in_a_fresh_process():
    """A page can translate what a worker wrote only if the module declaring the
    sentence was imported at start-up (the apps' ready())."""
    import analytics.streams.fetching  # noqa: F401 - everything that declares one
    import planning.sending  # noqa: F401

    script = (
        "import django, json; django.setup(); from trainlytics import stored_text; "
        "print(json.dumps(sorted(stored_text._declared)))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "trainlytics.settings_test", "PATH": ""}
    fresh = run_python(script, env)
    assert json.loads(fresh.stdout.splitlines()[-1]) == sorted(stored_text._declared)
    assert len(stored_text._declared) > 10


def test_the_same_placeholder_twice_must_hold_the_same_value():
    pattern = stored_text._pattern(REAUTH_DETAIL)
    both = REAUTH_DETAIL % {"provider": "Polar"}
    mixed = both.replace("Reconnect Polar", "Reconnect Wahoo")
    assert pattern.fullmatch(both)
    assert pattern.fullmatch(mixed) is None


# -- caches ----------------------------------------------------------------------------


def test_a_cached_block_is_computed_once_per_language():
    calls = []

    def compute():
        calls.append(translation.get_language())
        return translation.get_language()

    for language in ("en", "fr", "en", "fr"):
        with translation.override(language):
            assert sync_cache.get_or_compute("test:i18n:block", compute) == language
    assert calls == ["en", "fr"]


# -- the API ---------------------------------------------------------------------------


def test_api_error_messages_follow_accept_language_and_codes_stay_english(client):
    response = client.get("/api/activities", headers={"accept-language": "fr"})
    error = response.json()["error"]
    assert response.status_code == 401
    assert error["code"] == "not_authenticated"
    with translation.override("fr"):
        assert error["message"] == translation.gettext("Log in to use the API.")
    assert error["message"] != "Log in to use the API."


def test_api_error_messages_are_translated_at_request_time(client, french):
    french("Log in to use the API.", "Connectez-vous pour utiliser l'API.")
    french("Not found: no API route matches this path.", "Introuvable.")
    french_headers = {"accept-language": "fr"}
    anonymous = client.get("/api/activities", headers=french_headers).json()
    unknown = client.get("/api/no-such-route", headers=french_headers).json()
    english = client.get("/api/activities", headers={"accept-language": "en"}).json()
    assert anonymous["error"] == {
        "code": "not_authenticated",
        "message": "Connectez-vous pour utiliser l'API.",
    }
    assert unknown["error"] == {"code": "not_found", "message": "Introuvable."}
    assert english["error"]["message"] == "Log in to use the API."


def test_a_connections_status_detail_is_translated_by_the_api(client, user, french):
    from providers.tests.factories import make_connection

    french(REAUTH_DETAIL, "Reconnectez %(provider)s.")
    connection = make_connection(user, "strava")
    connection.status_detail = REAUTH_DETAIL % {"provider": "Strava"}
    connection.save()
    client.force_login(user)
    found = client.get(
        f"/api/providers/connections/{connection.pk}",
        headers={"accept-language": "fr"},
    ).json()
    assert found["status_detail"] == "Reconnectez Strava."

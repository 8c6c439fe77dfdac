"""System checks on provider URLs: refused at start-up, never a 500 at click time."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from providers.checks import check_provider_url_coherence, check_provider_url_transport

ROOT = Path(__file__).resolve().parents[2]


def point(settings, slug, **urls):
    providers = copy.deepcopy(settings.PROVIDERS)
    providers[slug].update(urls)
    settings.PROVIDERS = providers


def test_production_urls_pass_both_checks(settings):
    settings.DEBUG = False
    assert check_provider_url_transport(None) == []
    assert check_provider_url_coherence(None) == []


def test_http_url_without_debug_is_an_error_naming_the_setting(settings):
    settings.DEBUG = False
    point(settings, "wahoo", TOKEN_URL="http://127.0.0.1:9000/oauth/token")

    errors = check_provider_url_transport(None)

    assert [e.id for e in errors] == ["providers.E001"]
    assert "WAHOO_TOKEN_URL='http://127.0.0.1:9000/oauth/token'" in errors[0].msg


def test_remote_http_url_is_an_error_even_with_debug(settings):
    settings.DEBUG = True
    point(settings, "polar", API_URL="http://polar.staging.example.com")

    errors = check_provider_url_transport(None)

    assert len(errors) == 1
    assert "POLAR_API_URL" in errors[0].msg


def test_loopback_http_with_debug_passes(settings):
    settings.DEBUG = True
    base = "http://127.0.0.1:9000/strava"
    point(
        settings,
        "strava",
        AUTHORIZE_URL=f"{base}/oauth/authorize",
        TOKEN_URL=f"{base}/oauth/token",
        REFRESH_URL=f"{base}/oauth/token",
        API_URL=f"{base}/api/v3",
        REVOKE_URL=f"{base}/oauth/deauthorize",
    )

    assert check_provider_url_transport(None) == []
    assert check_provider_url_coherence(None) == []


def test_partly_overridden_provider_is_an_error_naming_what_was_left(settings):
    settings.DEBUG = True
    point(settings, "garmin", API_URL="https://garmin.staging.example.com")

    errors = check_provider_url_coherence(None)

    assert [e.id for e in errors] == ["providers.E002"]
    assert "GARMIN_API_URL moved off" in errors[0].msg
    assert "GARMIN_TOKEN_URL" in errors[0].msg
    assert "GARMIN_REVOKE_URL" in errors[0].msg


def manage_check(**env):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith("_URL") and key not in ("DEBUG", "PROVIDER_SANDBOX")
    }
    environ.update(
        SECRET_KEY="check-test",
        TOKEN_ENCRYPTION_KEYS="0j9ZuplXl2kEq0xKc9Wm3aG8gk1Jx4Lw0sH2xO0b5Yk=",
        DJANGO_SETTINGS_MODULE="trainlytics.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "slug", ["STRAVA", "GARMIN", "POLAR", "COROS", "WAHOO", "FITBIT"]
)
def test_manage_check_fails_on_http_url_without_debug(slug):
    url = "http://127.0.0.1:9000/api"
    result = manage_check(DEBUG="false", **{f"{slug}_API_URL": url})

    assert result.returncode != 0
    assert f"{slug}_API_URL='{url}'" in result.stderr


def test_manage_check_passes_the_sandbox_on_loopback_with_debug():
    result = manage_check(DEBUG="true", PROVIDER_SANDBOX="true")

    assert result.returncode == 0, result.stderr


def test_coros_refresh_url_follows_an_overridden_token_url():
    base = "https://coros.staging.example.com"
    result = manage_check(
        DEBUG="true",
        COROS_AUTHORIZE_URL=f"{base}/oauth2/authorize",
        COROS_TOKEN_URL=f"{base}/oauth2/accesstoken",
        COROS_API_URL=base,
        COROS_REVOKE_URL=f"{base}/oauth2/deauthorize",
    )

    assert result.returncode == 0, result.stderr


def test_coros_refresh_url_is_derived_beside_the_token_url():
    from trainlytics.settings import derived_refresh_url

    assert (
        derived_refresh_url("coros", "http://127.0.0.1:9/x/oauth2/accesstoken")
        == "http://127.0.0.1:9/x/oauth2/refresh-token"
    )
    assert (
        derived_refresh_url("strava", "https://s/oauth/token")
        == "https://s/oauth/token"
    )

import os
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.pop("TOKEN_ENCRYPTION_KEYS", None)
    return subprocess.run(
        [sys.executable, "-c", "import trainlytics.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_token_encryption_keys():
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "TOKEN_ENCRYPTION_KEYS is not set" in result.stderr


def test_debug_runs_with_development_defaults():
    result = _import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_provider_urls_default_to_production_and_read_the_environment():
    assert settings.PROVIDERS["polar"]["TOKEN_URL"] == (
        "https://polarremote.com/v2/oauth2/token"
    )
    script = (
        "import trainlytics.settings as s;"
        "print(s.PROVIDERS['garmin']['API_URL'], s.PROVIDERS['coros']['REFRESH_URL'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DEBUG": "true", "GARMIN_API_URL": "http://garmin.test"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    assert result.stdout.split() == [
        "http://garmin.test",
        "https://open.coros.com/oauth2/refresh-token",
    ]


def test_migrations_are_complete(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()

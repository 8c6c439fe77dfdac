"""`manage.py check --deploy` with README's production environment finds nothing.

Each run is a fresh process on the real settings module (not the test settings), with
only the variables below: what README's "Deploying" section lists.
"""

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

CLEAN = "System check identified no issues (0 silenced)."

# README's production environment, with example values.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),  # 50+ random characters
    "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "trainlytics.example.com",
    "SITE_URL": "https://trainlytics.example.com",
    "DATABASE_URL": "postgres://trainlytics:secret@db:5432/trainlytics",
    "EMAIL_URL": "smtp+tls://trainlytics:secret@smtp.example.com:587",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "SECURE_HSTS_PRELOAD": "true",
    "PROVIDER_SANDBOX": "false",
}


def manage(*args, **env):
    """Runs manage.py on trainlytics.settings with PRODUCTION_ENV updated by `env`
    (None removes a variable); returns (exit status, stdout + stderr)."""
    variables = {**PRODUCTION_ENV, **env}
    variables = {name: value for name, value in variables.items() if value is not None}
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "trainlytics.settings",
            **variables,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_documented_production_environment_passes_check_deploy():
    status, output = manage("check", "--deploy")
    assert status == 0, output
    assert CLEAN in output


def test_it_passes_without_a_proxy_too():
    """SECURE_PROXY_SSL_HEADER is for TLS ended at a proxy; check does not need it."""
    status, output = manage("check", "--deploy", SECURE_PROXY_SSL_HEADER=None)
    assert status == 0, output
    assert CLEAN in output


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": "false"}, "security.W012"),
        ({"CSRF_COOKIE_SECURE": "false"}, "security.W016"),
        ({"SECURE_HSTS_PRELOAD": None}, "security.W021"),
        ({"EMAIL_URL": None}, "mail.E001"),
        ({"PROVIDER_SANDBOX": "true"}, "sandbox.E001"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else value,
)
def test_leaving_out_a_piece_is_reported(change, finding):
    _, output = manage("check", "--deploy", **change)
    assert finding in output, output
    assert CLEAN not in output


def test_development_keeps_plain_http_working():
    """`make run`: DEBUG on, http on 127.0.0.1, none of production's https rules."""
    status, output = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        DEBUG="true",
        EMAIL_URL=None,
        SECURE_HSTS_PRELOAD=None,
        SECURE_PROXY_SSL_HEADER=None,
    )
    assert status == 0, output
    assert output.split() == ["False", "False", "False", "0"]


def test_production_is_https_only_by_default():
    status, output = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER)",
        SECURE_HSTS_PRELOAD=None,
        SECURE_PROXY_SSL_HEADER=None,
    )
    assert status == 0, output
    assert output.split() == ["True", "True", "True", "31536000", "True", "None"]

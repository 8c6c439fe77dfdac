import json
import os

from .fresh_process import run_python


def mailer_from(**env):
    script = (
        "import json, trainlytics.settings as s;"
        "print(json.dumps([s.MAILERS['default'], s.DEFAULT_FROM_EMAIL]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    clean.pop("DEFAULT_FROM_EMAIL", None)
    result = run_python(script, {**clean, "DEBUG": "true", **env})
    return json.loads(result.stdout)


def test_mail_is_printed_to_the_console_by_default():
    mailer, from_email = mailer_from()
    assert mailer == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {},
    }
    assert from_email == "Trainlytics <noreply@localhost>"


def test_email_url_configures_an_smtp_mailer():
    mailer, from_email = mailer_from(
        EMAIL_URL="smtp+tls://mailer:s%40cret@smtp.example.com:587",
        DEFAULT_FROM_EMAIL="Trainlytics <hello@trainlytics.example>",
    )
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.example.com",
        "port": 587,
        "username": "mailer",
        "password": "s@cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 20,
    }
    assert from_email == "Trainlytics <hello@trainlytics.example>"

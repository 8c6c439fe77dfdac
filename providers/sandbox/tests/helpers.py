"""Helpers for the sandbox's own endpoint tests (Django test client, no network)."""

from io import StringIO
from urllib.parse import parse_qsl, urlsplit

from django.core.management import call_command
from django.core.management.base import SystemCheckError

from providers.sandbox import tokens
from providers.sandbox.base import client_id_for, client_secret_for


def issue(slug, kind="access", athlete=1, scopes=(), lifetime=3600, **extra):
    """A valid sandbox token, as the sandbox's token endpoint would issue it."""
    return tokens.issue(slug, kind, athlete, scopes, lifetime, **extra)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def query(response):
    """The query parameters of a redirect."""
    return dict(parse_qsl(urlsplit(response["Location"]).query))


def authorize_params(slug, **params):
    return {
        "client_id": client_id_for(slug),
        "redirect_uri": "http://testserver/providers/callback/",
        "response_type": "code",
        "state": "s-1",
        **params,
    }


def approve(client, path, params, athlete=1, granted=None, decision="approve"):
    """POST the consent form as the page would; returns the redirect response."""
    form = {**params, "decision": decision, "athlete": athlete}
    if granted is not None:
        form["granted"] = granted
    return client.post(path, form)


def client_form(slug, **params):
    return {
        "client_id": client_id_for(slug),
        "client_secret": client_secret_for(slug),
        **params,
    }


def wahoo_token(client, athlete=1):
    """Consent as `athlete` and exchange the code at the sandbox's Wahoo token
    endpoint: its response (one more token toward the cap)."""
    params = authorize_params("wahoo", scope="user_read workouts_read")
    answer = approve(client, "/sandbox/wahoo/oauth/authorize", params, athlete)
    form = client_form(
        "wahoo",
        code=query(answer)["code"],
        grant_type="authorization_code",
        redirect_uri=params["redirect_uri"],
    )
    return client.post("/sandbox/wahoo/oauth/token", form)


def call(*args, expect_failure=False):
    """A management command's output (or its SystemCheckError text)."""
    out = StringIO()
    try:
        call_command(*args, stdout=out, stderr=out)
    except SystemCheckError as exc:
        if not expect_failure:
            raise
        return str(exc)
    return out.getvalue()

"""Helpers for driving the OAuth flow in tests, shared by the flow test modules.

Each provider's contract case (providers/tests/contracts/<slug>.py) registers the
`responses` mocks; these helpers walk the connect and callback views around them.
"""

import importlib
import json
from urllib.parse import parse_qs, urlparse

from django.contrib.messages import get_messages
from django.urls import reverse

from providers import oauth
from providers.backends.base import Credentials

CODE = "auth-code-123"


def load_case(slug):
    return importlib.import_module(f"providers.tests.contracts.{slug}")


def callback_url(slug):
    return reverse("providers:callback", args=[slug])


def redirect_uri(slug):
    return f"http://testserver{callback_url(slug)}"


def start_connect(client, slug):
    """POST connect; return (state, code_verifier) as the provider would see them."""
    response = client.post(reverse("providers:connect", args=[slug]))
    assert response.status_code == 302
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    stash = client.session[oauth.SESSION_KEY]["pending"][state]
    return state, stash["code_verifier"]


def expect_connect(rsps, case, backend, code_verifier):
    """Register a whole successful connect; return what the saved row must hold."""
    slug = backend.slug
    token = case.token_exchange(rsps, backend, redirect_uri(slug), code_verifier)
    credentials = Credentials(
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        provider_user_id=token["provider_user_id"] or "",
    )
    account_id = case.account(rsps, backend, credentials)
    credentials = Credentials(
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        provider_user_id=account_id,
    )
    case.after_connect(rsps, backend, credentials)
    return {**token, "provider_user_id": account_id}


def return_from_provider(client, slug, state, **params):
    """The provider's redirect back to us, with the scopes it reports granted."""
    query = {"state": state, "code": CODE}
    scope = load_case(slug).AUTHORIZE["scope"]
    if scope:
        query["scope"] = scope
    query.update(params)
    return client.get(callback_url(slug), {k: v for k, v in query.items() if v})


def answer_with(rsps, url, status=None, body=None):
    """Make the mocks already registered for `url` answer differently.

    Their request matchers stay, so the test still checks what we sent.
    """
    changed = 0
    for registered in rsps.registered():
        if not str(registered.url).startswith(url):
            continue
        if status is not None:
            registered.status = status
        if body is not None:
            registered.body = body if isinstance(body, Exception) else json.dumps(body)
        changed += 1
    assert changed, f"no mock registered for {url}"


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]

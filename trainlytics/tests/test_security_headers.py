"""Every response carries the security headers: pages, the JSON API and errors alike."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from trainlytics.middleware import PermissionsPolicyMiddleware
from trainlytics.settings import url_origin

HEADERS = (
    "Content-Security-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Permissions-Policy",
)


def directives(response):
    """The CSP header as {directive: [values]}."""
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.fixture
def responses(client, user):
    """An HTML page, a JSON API answer and the two kinds of 404."""
    page = client.get("/accounts/login/")
    client.force_login(user)
    return {
        "html page": page,
        "json api": client.get("/api/providers/connections"),
        "html 404": client.get("/no-such-page/"),
        "json 404": client.get("/api/no-such-route"),
    }


def test_the_responses_are_what_their_names_say(responses):
    assert responses["html page"].status_code == 200
    assert responses["json api"].status_code == 200
    assert responses["json api"]["Content-Type"] == "application/json; charset=utf-8"
    assert responses["html 404"].status_code == 404
    assert responses["json 404"].status_code == 404


@pytest.mark.parametrize("kind", ["html page", "json api", "html 404", "json 404"])
def test_every_kind_of_response_carries_the_four_headers(responses, kind):
    response = responses[kind]
    assert all(response.has_header(name) for name in HEADERS), response.headers
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_policy_allows_no_inline_code_and_no_eval(responses):
    policy = responses["html page"]["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    csp = directives(responses["html page"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_map_tiles_are_allowed_from_the_tile_server_only(responses):
    assert directives(responses["html page"])["img-src"] == [
        "'self'",
        "data:",
        "https://tile.openstreetmap.org",
    ]


def test_forms_may_lead_to_every_providers_authorize_page(responses):
    """Connect posts here and is redirected there; Chromium checks that redirect."""
    allowed = directives(responses["html page"])["form-action"]
    assert allowed[0] == "'self'"
    for slug, conf in settings.PROVIDERS.items():
        assert url_origin(conf["AUTHORIZE_URL"]) in allowed, slug
    assert "https://www.strava.com" in allowed


def test_an_origin_keeps_scheme_host_and_port_and_drops_the_path():
    assert url_origin("https://tiles.example.com:8443/{z}/{x}/{y}.png") == (
        "https://tiles.example.com:8443"
    )


def test_a_tile_servers_subdomain_placeholder_becomes_a_wildcard():
    assert url_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )


def test_a_view_that_sets_its_own_permissions_policy_keeps_it(rf):
    def view(request):
        response = HttpResponse()
        response["Permissions-Policy"] = "fullscreen=(self)"
        return response

    response = PermissionsPolicyMiddleware(view)(rf.get("/"))
    assert response["Permissions-Policy"] == "fullscreen=(self)"


def test_the_permissions_policy_denies_each_listed_feature(rf, settings):
    settings.PERMISSIONS_POLICY = ["camera", "usb"]
    response = PermissionsPolicyMiddleware(lambda request: HttpResponse())(rf.get("/"))
    assert response["Permissions-Policy"] == "camera=(), usb=()"


def test_https_redirect_spares_health_checks_and_metrics_scrapes(client, db, settings):
    """Load balancers and Prometheus reach the process over plain http."""
    settings.SECURE_SSL_REDIRECT = True
    login = client.get("/accounts/login/")
    assert login.status_code == 301
    assert login["Location"] == "https://testserver/accounts/login/"
    assert client.get("/healthz").status_code != 301
    assert client.get("/metrics").status_code != 301


def test_behind_a_proxy_its_https_header_counts_as_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=")


def test_the_500_page_carries_them_too(user, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("sync.queries.user_connections", crash)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 500
    assert all(response.has_header(name) for name in HEADERS), response.headers

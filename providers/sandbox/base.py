"""Machinery every sandbox provider shares: consent page, client authentication,
code exchange, bearer-token API views.

Each provider module (strava.py, garmin.py, ...) declares a Consent and its own
token and API views in that provider's real shape (providers.md §2-§7).
"""

import base64
import binascii
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from . import faults, tokens
from .data import ATHLETES, get_athlete


def client_id_for(slug):
    return f"sandbox-{slug}-client"


def client_secret_for(slug):
    return f"sandbox-{slug}-secret"


@dataclass(frozen=True)
class Consent:
    slug: str
    name: str
    default_scopes: tuple[str, ...] = ()
    separator: str = " "
    tickable: bool = False  # the athlete may untick scopes (Strava, Garmin)
    scope_in_redirect: bool = False  # Strava reports granted scopes on the redirect
    pkce_required: bool = False  # Garmin


def with_query(url, params):
    """`url` with `params` appended to its query string."""
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _requested_scopes(consent, params):
    scope = params.get("scope")
    if not scope:
        return list(consent.default_scopes)
    return [s for s in scope.replace(",", " ").split() if s]


def _authorize_problem(consent, params):
    if params.get("client_id") != client_id_for(consent.slug):
        return "Unknown client_id."
    if not params.get("redirect_uri"):
        return "redirect_uri is required."
    if params.get("response_type") != "code":
        return "response_type must be code."
    challenge = params.get("code_challenge")
    if consent.pkce_required and not challenge:
        return "PKCE is required: send code_challenge with S256."
    if challenge and params.get("code_challenge_method") != "S256":
        return "Only code_challenge_method=S256 is supported."
    return None


def authorize_view(consent):
    """The provider's consent page: GET shows it, POST is the athlete's answer."""

    def view(request):
        params = request.POST if request.method == "POST" else request.GET
        problem = _authorize_problem(consent, params)
        if problem:
            return HttpResponseBadRequest(problem, content_type="text/plain")
        requested = _requested_scopes(consent, params)
        if request.method == "POST":
            return _decide(request, consent, params, requested)
        passed = {k: v for k, v in params.items() if k != "scope"}
        return render(
            request,
            "sandbox/consent.html",
            {
                "consent": consent,
                "params": passed,
                "scope_param": params.get("scope", ""),
                "requested": requested,
                "athletes": ATHLETES,
            },
        )

    return view


def _decide(request, consent, params, requested):
    redirect_uri = params["redirect_uri"]
    state = {"state": params["state"]} if params.get("state") else {}
    if request.POST.get("decision") != "approve":
        return HttpResponseRedirect(
            with_query(redirect_uri, {"error": "access_denied", **state})
        )
    athlete = get_athlete(request.POST.get("athlete") or ATHLETES[0].id)
    granted = requested
    if consent.tickable:
        ticked = set(request.POST.getlist("granted"))
        granted = [s for s in requested if s in ticked]
    code = tokens.issue(
        consent.slug,
        "code",
        athlete.id,
        granted,
        tokens.CODE_LIFETIME,
        redirect_uri=redirect_uri,
        challenge=params.get("code_challenge") or "",
    )
    answer = {"code": code, **state}
    if consent.scope_in_redirect:
        answer["scope"] = consent.separator.join(granted)
    return HttpResponseRedirect(with_query(redirect_uri, answer))


def form(request):
    """Token-endpoint parameters: the form body, then the query string (Strava
    accepts either)."""
    return {**request.GET.dict(), **request.POST.dict()}


def basic_credentials(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:]).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def client_is_valid(slug, client_id, secret):
    return client_id == client_id_for(slug) and secret == client_secret_for(slug)


def oauth_error(error, description, status=400):
    return JsonResponse(
        {"error": error, "error_description": description}, status=status
    )


def redeem_code(slug, params):
    """The code's payload, or an OAuth error response; the code is spent on use."""
    try:
        code = tokens.read(slug, "code", params.get("code"))
    except tokens.InvalidToken as exc:
        return None, oauth_error("invalid_grant", f"authorization code {exc}")
    if code["redirect_uri"] != params.get("redirect_uri", code["redirect_uri"]):
        return None, oauth_error("invalid_grant", "redirect_uri does not match")
    if code["challenge"] and not tokens.pkce_matches(
        params.get("code_verifier"), code["challenge"]
    ):
        return None, oauth_error("invalid_grant", "PKCE verification failed")
    if not tokens.spend(params["code"]):
        return None, oauth_error("invalid_grant", "authorization code already used")
    return code, None


def redeem_refresh(slug, params, rotate):
    """The refresh token's payload, or an OAuth error response.

    Rotating providers (Strava, Garmin, Wahoo) spend the refresh token: using it a
    second time is refused with invalid_grant.
    """
    token = params.get("refresh_token")
    try:
        payload = tokens.read(slug, "refresh", token)
    except tokens.InvalidToken as exc:
        return None, oauth_error("invalid_grant", f"refresh token {exc}")
    if rotate and not tokens.spend(token):
        return None, oauth_error("invalid_grant", "refresh token already used")
    return payload, None


def bearer(request):
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


def unauthorized(message="Authorization Error", status=401):
    return JsonResponse({"message": message, "error": "invalid_token"}, status=status)


def api_view(slug, token_from=bearer, page=None, refused_status=401):
    """Decorate a provider API view: verify the access token, apply fault switches.

    The view gets (request, athlete, grant, ...). `page(request)` tells the fault
    switches which page of a listing this is; `refused_status` is what an unknown,
    expired or revoked token gets.
    """

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                grant = tokens.read(slug, "access", token_from(request))
            except tokens.InvalidToken:
                return unauthorized(status=refused_status)
            athlete = get_athlete(grant["a"])
            faulty = faults.response_for(
                slug, athlete.id, page=page(request) if page else 1
            )
            if faulty is not None:
                return faulty
            return view(request, athlete, grant, *args, **kwargs)

        return wrapper

    return decorate


def int_param(request, name, default=None):
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


def rotating_token_endpoint(slug, request, answer, *, require_verifier=False):
    """A client_secret_post token endpoint whose refresh grant rotates the refresh
    token (Strava, Garmin, Wahoo). `answer(grant, first)` builds the token response;
    `first` is True for the code exchange."""
    params = form(request)
    if not client_is_valid(slug, params.get("client_id"), params.get("client_secret")):
        return oauth_error("invalid_client", "bad client_id or client_secret", 401)
    grant_type = params.get("grant_type")
    if grant_type == "authorization_code":
        if require_verifier and not params.get("code_verifier"):
            return oauth_error("invalid_request", "code_verifier is required")
        code, error = redeem_code(slug, params)
        return error or answer(code, True)
    if grant_type == "refresh_token":
        old, error = redeem_refresh(slug, params, rotate=True)
        return error or answer(old, False)
    return oauth_error("unsupported_grant_type", "authorization_code or refresh_token")

"""One small receiver per provider: read the raw body, verify, store, answer.

No provider HTTP happens here; processing runs in a task after the events commit, so
answers come well inside Strava's 2 s and Garmin's 30 s (providers.md §2.7, §3.7).
A failed check answers 401 (nothing sent) or 403 (something wrong), stores nothing,
logs the reason and counts it (store.count_rejection).
"""

import json
from functools import wraps

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from providers.registry import get_backend
from trainlytics.ops import metrics

from . import verify
from .store import Item, count_rejection, record_events, rejection_counts

MAX_BODY = 1024 * 1024
# Garmin reviews require accepting pushes of up to 10 MB (providers.md §3.7).
MAX_GARMIN_BODY = 10 * MAX_BODY


class BadRequest(Exception):
    pass


def receiver(provider, methods=("POST",), max_body=MAX_BODY):
    """CSRF-exempt, method-checked; turns Rejected into 401/403 and bad JSON into 400.

    The wrapped view gets the raw body, read once before any parsing (signatures are
    over the exact bytes). It is read from the stream so Garmin's large pushes are
    not refused by DATA_UPLOAD_MAX_MEMORY_SIZE; our own cap applies instead.
    """

    def decorate(view):
        @csrf_exempt
        @require_http_methods(list(methods))
        @wraps(view)
        def wrapper(request):
            size = int(request.headers.get("Content-Length") or 0)
            if size > max_body:
                return HttpResponse(status=413)
            raw = request.read(max_body + 1)
            if len(raw) > max_body:
                return HttpResponse(status=413)
            try:
                return view(request, raw)
            except verify.Rejected as exc:
                count_rejection(provider, exc.status, exc.reason)
                metrics.webhook_events(provider, "rejected")
                return HttpResponse(status=exc.status)
            except BadRequest:
                return HttpResponse(status=400)

        return wrapper

    return decorate


def parse(raw, kind=dict):
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise BadRequest from None
    if not isinstance(body, kind):
        raise BadRequest
    return body


def store(provider, items):
    # No transaction around the batch: each event commits on its own, so a
    # provider's retry after a partial failure re-stores only what is missing.
    new, duplicates = record_events(provider, items)
    metrics.webhook_events(provider, "received", new)
    metrics.webhook_events(provider, "duplicate", duplicates)
    return new, duplicates


def ok():
    return HttpResponse(status=200)


@receiver("strava", methods=("GET", "POST"))
def strava(request, raw):
    if request.method == "GET":
        verify.strava_handshake(request.GET)
        return JsonResponse({"hub.challenge": request.GET.get("hub.challenge", "")})
    body = parse(raw)
    verify.strava_event(body)
    kind = f"{body.get('object_type')}.{body.get('aspect_type')}"
    hint = f"{body.get('object_type')}:{body.get('object_id')}"
    store("strava", [Item(kind, str(body.get("owner_id") or ""), body, hint)])
    return ok()


@receiver("garmin", max_body=MAX_GARMIN_BODY)
def garmin(request, raw):
    body = parse(raw)
    items = []
    for kind, entries in body.items():
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                hint = str(entry.get("summaryId") or entry.get("userId") or "")
                items.append(Item(kind, str(entry.get("userId") or ""), entry, hint))
    verify.garmin_callbacks(get_backend("garmin"), [i.payload for i in items])
    store("garmin", items)
    return ok()


@receiver("polar")
def polar(request, raw):
    body = parse(raw)
    event = body.get("event") or request.headers.get("Polar-Webhook-Event")
    if event == "PING":
        # Sent while the webhook is created, before we hold the secret (§4.7).
        return ok()
    verify.polar_signature(raw, request.headers.get("Polar-Webhook-Signature"))
    hint = f"{event}:{body.get('entity_id')}"
    store("polar", [Item(str(event), str(body.get("user_id") or ""), body, hint)])
    return ok()


@receiver("coros", methods=("GET", "POST"))
def coros(request, raw):
    reply = {"result": "0000", "message": "ok"}
    if request.method == "GET":
        return JsonResponse(reply)  # COROS's service-status check (§5.6)
    verify.coros_headers(request.headers)
    body = parse(raw)
    workouts = body.get("sportDataList")
    if not isinstance(workouts, list):
        raise BadRequest
    items = [
        Item("sportData", str(w.get("openId") or ""), w, str(w.get("labelId") or ""))
        for w in workouts
        if isinstance(w, dict)
    ]
    store("coros", items)
    return JsonResponse(reply)


@receiver("wahoo")
def wahoo(request, raw):
    body = parse(raw)
    verify.wahoo_token(body)
    # The stored payload must not keep the secret.
    payload = {key: value for key, value in body.items() if key != "webhook_token"}
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    summary = body.get("workout_summary") or {}
    hint = f"summary:{summary.get('id') if isinstance(summary, dict) else ''}"
    kind = str(body.get("event_type") or "")
    store("wahoo", [Item(kind, str(user.get("id") or ""), payload, hint)])
    return ok()


def delivery_window(now=None):
    """The 10-minute window a request arrives in (UTC, e.g. "20261024T075").

    Google's notifications carry no id or time (providers.md §7.5): an edit of an
    exercise repeats the first notification byte for byte. Keying by content plus
    window makes a quick retry a duplicate and a later edit a new event; a retry
    landing in the next window is processed again, which upserting makes harmless.
    """
    return (now or timezone.now()).strftime("%Y%m%dT%H%M")[:-1]


def signature_header(request):
    headers = (request.headers.get(name) for name in verify.GOOGLE_SIGNATURE_HEADERS)
    return next((value for value in headers if value), None)


@receiver("fitbit")
def fitbit(request, raw):
    verify.google_bearer(request.headers.get("Authorization"))
    try:
        body = parse(raw, (dict, list))
    except BadRequest:
        body = None  # still unauthenticated: the signature decides before the shape
    if isinstance(body, dict) and body.get("type") == "verification":
        # The handshake tests the Authorization check alone; the subscribers.create
        # reference expects 201 Created for it (2xx in the guide).
        return HttpResponse(status=201)
    verify.google_signature(raw, signature_header(request))
    if body is None:
        raise BadRequest
    notifications = body if isinstance(body, list) else [body]
    items = []
    for notification in notifications:
        if not isinstance(notification, dict):
            raise BadRequest
        data = notification.get("data", notification)
        if not isinstance(data, dict):
            raise BadRequest
        kind = f"{data.get('dataType')}.{data.get('operation')}"
        user = str(data.get("healthUserId") or "")
        items.append(Item(kind, user, data, hint=f"{kind}:{delivery_window()}"))
    store("fitbit", items)
    return HttpResponse(status=204)  # what Google's guide asks of a notification


@require_GET
@staff_member_required
def rejections(request):
    """Rejected requests per provider since the cache was last cleared (staff)."""
    return JsonResponse(rejection_counts())

"""The NinjaAPI instance; each app adds its routers in `<app>/api.py`.

Session authentication (`django_auth`'s class) also enforces CSRF on unsafe methods.
Every error has the same body, {"error": {"code": ..., "message": ...}}, with a stable
code per status, replacing django-ninja's default handlers.
"""

import logging

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import SessionAuth
from ninja.throttling import AuthRateThrottle

from providers.api import router as providers_router
from sync.api import router as sync_router

logger = logging.getLogger(__name__)

ERROR_CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "csrf_failed",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
}


class SessionAuthFirst(SessionAuth):
    """django_auth, but anonymous requests get 401 before the CSRF check's 403.

    django-ninja checks CSRF first, so an anonymous POST would say "CSRF failed",
    which sends clients down the wrong path; log in first, then CSRF matters.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="Trainlytics API",
    version="1",
    auth=SessionAuthFirst(),
    throttle=[AuthRateThrottle(getattr(settings, "API_THROTTLE_RATE", "600/m"))],
    urls_namespace="api",
)
api.add_router("/providers/", providers_router)
api.add_router("/", sync_router)


def error_response(request, status, message, code=None):
    code = code or ERROR_CODES.get(status, "error")
    body = {"error": {"code": code, "message": message}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
        for e in exc.errors
    )
    return error_response(request, 400, problems or "Invalid request.")


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return error_response(request, 401, "Log in to use the API.")


@api.exception_handler(Throttled)
def throttled(request, exc):
    response = error_response(request, 429, "Too many requests; slow down.")
    return response


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 403:
        return error_response(request, 403, "CSRF check failed; send X-CSRFToken.")
    return error_response(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, str(exc) or "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def does_not_exist(request, exc):
    return error_response(request, 404, "Not found.")


@api.exception_handler(Exception)
def internal_error(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(
        request, 500, "Something went wrong on our side; we've been notified."
    )

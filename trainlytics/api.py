"""The NinjaAPI instance; each app adds its routers in `<app>/api.py`.

Session authentication (`django_auth`'s class) also enforces CSRF on unsafe methods.
Every error has the same body, {"error": {"code": ..., "message": ...}}, with a stable
code per status, replacing django-ninja's default handlers. Errors Django answers before
or around ninja (unknown paths, wrong methods, crashes outside a view) get the same
shape from trainlytics/errors.py's middleware.
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
)
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import SessionAuth
from ninja.throttling import AuthRateThrottle

from analytics.api import router as analytics_router
from analytics.api_streams import router as streams_router
from exports.api import router as exports_router
from planning.api import router as planning_router
from providers.api import router as providers_router
from sync.api import router as sync_router

from .errors import INTERNAL_MESSAGE, error_body

logger = logging.getLogger(__name__)


class CsrfFailed(HttpError):
    code = "csrf_failed"

    def __init__(self):
        super().__init__(403, _("CSRF check failed; send X-CSRFToken."))


class SessionAuthFirst(SessionAuth):
    """django_auth, but anonymous requests get 401 before the CSRF check's 403.

    django-ninja checks CSRF first, so an anonymous POST would say "CSRF failed",
    which sends clients down the wrong path; log in first, then CSRF matters.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request):
        # The CSRF check is the only HttpError here; name it, so that other 403s
        # are not reported as CSRF failures.
        try:
            return super()._get_key(request)
        except HttpError:
            raise CsrfFailed from None


api = NinjaAPI(
    title="Trainlytics API",
    version="1",
    auth=SessionAuthFirst(),
    throttle=[AuthRateThrottle(getattr(settings, "API_THROTTLE_RATE", "600/m"))],
    urls_namespace="api",
)
api.add_router("/providers/", providers_router)
api.add_router("/", sync_router)
api.add_router("/", planning_router)
api.add_router("/", analytics_router)
api.add_router("/", streams_router)
api.add_router("/", exports_router)


def error_response(request, status, message, code=None):
    return api.create_response(
        request, error_body(status, message, code), status=status
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
        for e in exc.errors
    )
    return error_response(request, 400, problems or _("Invalid request."))


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return error_response(request, 401, _("Log in to use the API."))


@api.exception_handler(Throttled)
def throttled(request, exc):
    return error_response(request, 429, _("Too many requests; slow down."))


@api.exception_handler(HttpError)
def http_error(request, exc):
    code = getattr(exc, "code", None)
    return error_response(request, exc.status_code, str(exc), code=code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, str(exc) or _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def does_not_exist(request, exc):
    return error_response(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return error_response(request, 403, str(exc) or _("You can't do that."))


# What Django itself answers with 400 (an oversized body, too many fields), instead of
# the catch-all's 500; its message can name settings, so it is not echoed.
@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def bad_request(request, exc):
    logger.warning(
        "Bad API request on %s %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
    )
    return error_response(request, 400, _("Bad request."), code="bad_request")


@api.exception_handler(Exception)
def internal_error(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(request, 500, INTERNAL_MESSAGE)

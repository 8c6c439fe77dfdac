"""The JSON API's one error shape, and the middleware that holds every /api/ path to it.

django-ninja's exception handlers (trainlytics/api.py) only see what happens inside an
operation. Everything else Django answers itself, as HTML or plain text: a path no route
matches (a malformed id too, since `{int:...}` is a URL converter), a method the route
lacks (ninja's own 405), an exception that escapes ninja (say the throttle's cache is
down) and, with DEBUG on, the technical pages. Rather than chase each of those, the
middleware rewrites any non-JSON error answer under /api/ into the shape, keeping its
status and headers. Pages outside /api/ keep Django's HTML. Codes stay English;
messages are in the request's language (LocaleMiddleware, from Accept-Language).
"""

import json
from http import HTTPStatus

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/"

ERROR_CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
    500: "internal_error",
}
INTERNAL_MESSAGE = _("Something went wrong on our side; we've been notified.")
MESSAGES = {
    400: _("Bad request."),
    401: _("Log in to use the API."),
    403: _("You can't do that."),
    404: _("Not found: no API route matches this path."),
    429: _("Too many requests; slow down."),
}


def code_for(status):
    return ERROR_CODES.get(status) or ("internal_error" if status >= 500 else "error")


def error_body(status, message, code=None):
    # str(): a lazy message is translated now, in the request's language.
    return {"error": {"code": code or code_for(status), "message": str(message)}}


def is_api_path(path):
    return path.startswith(API_PREFIX)


def message_for(request, response):
    status = response.status_code
    if status >= 500:
        # Whatever Django rendered may hold the exception; the log has it instead.
        return str(INTERNAL_MESSAGE)
    if status == 405:
        allowed = response.get("Allow", "")
        message = gettext("%(method)s is not allowed here; use %(allowed)s.")
        return message % {"method": request.method, "allowed": allowed}
    if status in MESSAGES:
        return str(MESSAGES[status])
    try:
        # HTTP's own reason phrase (English): statuses Django rarely answers itself.
        return f"{HTTPStatus(status).phrase}."
    except ValueError:  # a status outside the standard list
        return gettext("The request failed.")


def needs_rewrite(request, response):
    return (
        response.status_code >= 400
        and not response.streaming
        and is_api_path(request.path_info)
        and not response.get("Content-Type", "").startswith("application/json")
    )


class ApiErrorMiddleware:
    """Outermost, so it also sees the 500 Django renders for a crash in any layer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if needs_rewrite(request, response):
            status = response.status_code
            # A 400 Django answers itself is never about a field (SuspiciousOperation).
            code = "bad_request" if status == 400 else None
            body = error_body(status, message_for(request, response), code)
            # In place, so cookies and headers set on the way out are kept.
            response.content = json.dumps(body).encode()
            response["Content-Type"] = "application/json"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response

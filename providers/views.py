"""The connect flow: connections page, connect, OAuth callback and disconnect.

Thin views: parse, authorise, call one service (providers.connect), respond.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import connect as flow
from . import oauth, services
from .registry import get_backend_or_404

logger = logging.getLogger(__name__)


def _configured_backend_or_404(slug):
    backend = get_backend_or_404(slug)
    if not backend.is_configured:
        raise Http404(_("That provider is not configured."))
    return backend


def _redirect_uri(request, slug):
    return request.build_absolute_uri(reverse("providers:callback", args=[slug]))


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@require_GET
def connections(request):
    rows = flow.connection_rows(request.user)
    return render(request, "providers/connections.html", {"rows": rows})


@login_required
@require_POST
def connect(request, slug):
    backend = _configured_backend_or_404(slug)
    state, code_verifier = oauth.begin(request, slug, next=request.POST.get("next"))
    url = backend.authorization_url(_redirect_uri(request, slug), state, code_verifier)
    return redirect(url)


@login_required
@require_GET
def callback(request, slug):
    backend = _configured_backend_or_404(slug)
    try:
        stash = oauth.complete(request, slug, request.GET.get("state", ""))
    except oauth.OAuthStateError as exc:
        logger.info("refused %s callback: %s", slug, exc)
        context = {"backend": backend, "message": exc.user_message}
        return render(request, "providers/callback_error.html", context, status=400)
    error, code = request.GET.get("error"), request.GET.get("code")
    if error or not code:
        messages.info(request, _denied_message(backend, error))
        return redirect("providers:connections")
    try:
        flow.complete_connection(
            request.user,
            backend,
            code,
            _redirect_uri(request, slug),
            stash["code_verifier"],
            request.GET.dict(),
        )
    except flow.CONNECT_ERRORS as exc:
        logger.warning("%s connect failed for user %s: %s", slug, request.user.pk, exc)
        messages.error(request, flow.explain_failure(backend, exc))
        return redirect("providers:connections")
    messages.success(request, _("Connected %(provider)s.") % {"provider": backend.name})
    return redirect(_safe_next(request, stash["next"]))


def _denied_message(backend, error):
    if error in (None, "", "access_denied"):
        return _("You did not connect %(provider)s. Nothing was changed.") % {
            "provider": backend.name
        }
    # Translators: the error is the provider's own code, such as "server_error".
    return _("%(provider)s could not connect (%(error)s). Please try again.") % {
        "provider": backend.name,
        "error": error[:60],
    }


@login_required
@require_http_methods(["GET", "POST"])
def disconnect(request, slug):
    backend = get_backend_or_404(slug)
    connection = services.get_connection_by_provider(request.user, backend.slug)
    if connection is None:
        raise Http404(_("You are not connected to that provider."))
    row = flow.ProviderRow(backend, connection)
    if request.method == "GET":
        return render(request, "providers/disconnect_confirm.html", {"row": row})
    keep = request.POST.get("activities") == "keep"
    if flow.disconnect(connection, keep_activities=keep):
        message = _("Disconnected %(provider)s.")
        messages.success(request, message % {"provider": backend.name})
    else:
        message = _(
            "Disconnected %(provider)s here, but %(provider)s did not confirm that "
            "our access is revoked. You can remove Trainlytics in your %(provider)s "
            "account settings."
        )
        messages.warning(request, message % {"provider": backend.name})
    return redirect("providers:connections")

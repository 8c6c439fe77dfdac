"""The account hub: email, password, sessions; links to export and deletion."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import email_change, sessions, throttle
from .account_forms import EmailChangeForm


@login_required
def account(request):
    current = request.session.session_key
    others = [
        s for s in sessions.active_sessions(request.user) if s.session_key != current
    ]
    return render(request, "account/account.html", {"other_sessions": others})


@require_POST
@login_required
def end_other_sessions(request):
    sessions.end_other_sessions(request)
    messages.success(request, _("Every other session is logged out."))
    return redirect("account")


@login_required
def change_email(request):
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["email"]
        email_change.send_confirmation(request.user, new_email)
        messages.success(
            request,
            _(
                "We sent a link to %(email)s. Open it within %(days)s days to "
                "confirm the change."
            )
            % {"email": new_email, "days": email_change.MAX_AGE.days},
        )
        return redirect("account")
    return render(request, "account/email_change_form.html", {"form": form})


@login_required
def confirm_email(request, token):
    # GET only asks: mail scanners open links, and must not confirm anything.
    try:
        new_email = email_change.read_token(token, request.user)
        if request.method == "POST":
            email_change.change_email(request.user, new_email)
    except email_change.EmailChangeError as error:
        context = {"error": str(error)}
        return render(request, "account/email_change_invalid.html", context, status=400)
    if request.method == "POST":
        message = _("Your email address is now %(email)s.") % {"email": new_email}
        messages.success(request, message)
        return redirect("account")
    context = {"new_email": new_email}
    return render(request, "account/email_change_confirm.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, but the other sessions are ended, not just made to fail their hash."""

    def form_valid(self, form):
        form.save()
        sessions.end_other_sessions(self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    @property
    def extra_email_context(self):
        # Links are built on SITE_URL, not on the request's Host header.
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        # Past the limits nothing is sent, but the answer is the same page, so it
        # says nothing about the address; it only stops flooding an inbox.
        if not _reset_allowed(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def _reset_allowed(request, email):
    hour = 3600
    by_address = throttle.allow(
        throttle.hashed_key("reset-email", email),
        settings.PASSWORD_RESET_EMAIL_LIMIT,
        hour,
    )
    by_client = throttle.allow(
        throttle.hashed_key("reset-client", throttle.client_ip(request)),
        settings.PASSWORD_RESET_CLIENT_LIMIT,
        hour,
    )
    return by_address and by_client


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.end_sessions(form.user)
        return response

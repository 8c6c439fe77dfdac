from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import deletion
from .forms import DeleteAccountForm


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Explain what goes, ask for the password, then delete everything."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        deletion.delete_account(request.user)
        logout(request)
        messages.success(
            request,
            _("Your account and everything Trainlytics held about you were deleted."),
        )
        return redirect("login")
    summary = deletion.summary(request.user)
    return render(request, "accounts/delete.html", {"form": form, **summary})

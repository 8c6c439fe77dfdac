"""Changing a user's email address, confirmed from the new inbox.

The confirmation link carries a signed, timestamped token: the user's id, the new
address, and a fingerprint of the current one. Once the address has changed the
fingerprint no longer matches, so each link works once. Nothing is stored.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .models import User

MAX_AGE = timedelta(days=3)
_SALT = "trainlytics.email-change"


class EmailChangeError(Exception):
    """The change cannot be made; str() is a message for the athlete."""


def _fingerprint(email):
    # The link shows the new address anyway, but need not show the old one.
    return salted_hmac(_SALT, email.lower(), algorithm="sha256").hexdigest()[:20]


def make_token(user, new_email):
    payload = {"user": user.pk, "to": new_email, "from": _fingerprint(user.email)}
    return signing.dumps(payload, salt=_SALT)


def read_token(token, user):
    """The new address the token asks `user` to move to; raises EmailChangeError."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise EmailChangeError(
            _("This link has expired. Ask for the change again.")
        ) from None
    except signing.BadSignature:
        raise EmailChangeError(_("This link is not valid.")) from None
    if payload.get("user") != user.pk:
        raise EmailChangeError(
            _("This link was sent for another account. Log in to that account first.")
        )
    if payload.get("from") != _fingerprint(user.email):
        raise EmailChangeError(
            _("This link was already used, or your address changed since it was sent.")
        )
    return payload["to"]


def is_taken(email, user):
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


def change_email(user, new_email):
    """Move `user` to `new_email` and tell the old address; returns the old one."""
    if is_taken(new_email, user):
        raise EmailChangeError(_("Another account uses this address now."))
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:  # taken between the check and the save
        user.email = old_email
        raise EmailChangeError(_("Another account uses this address now.")) from None
    _send(
        "account/email/email_changed",
        old_email,
        {"user": user, "old_email": old_email, "new_email": new_email},
    )
    return old_email


def send_confirmation(user, new_email):
    path = reverse("account_email_confirm", args=[make_token(user, new_email)])
    context = {
        "user": user,
        "new_email": new_email,
        "link": settings.SITE_URL + path,
        "days": MAX_AGE.days,
    }
    _send("account/email/confirm_email", new_email, context)


def _send(template, to, context):
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])

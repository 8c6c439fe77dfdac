from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from . import throttle

THROTTLED_MESSAGE = gettext_noop(
    "Too many failed attempts to log in to this account from your address. "
    "Wait 15 minutes and try again, or reset your password."
)
# The model's verbose_name is a plain string: the forms label the field themselves.
EMAIL_LABEL = _("Email address")


class SignupForm(BaseUserCreationForm):
    """Email and password twice; Django's password validators run on save."""

    class Meta:
        model = get_user_model()
        fields = ("email",)
        labels = {"email": EMAIL_LABEL}

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists. Log in instead.")
            )
        return email


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses to check passwords once an (account, address) pair failed too often."""

    # Django's own message names the field by the model's plain-string verbose_name,
    # which would print "email address" in English inside a French sentence.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct email address and password. Note that both "
            "fields may be case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = EMAIL_LABEL

    def clean(self):
        key = throttle.login_key(
            self.data.get("username"), throttle.client_ip(self.request)
        )
        if throttle.is_blocked(key):
            raise forms.ValidationError(gettext(THROTTLED_MESSAGE), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                throttle.record_failure(key)
            raise
        throttle.reset(key)
        return cleaned

    def is_throttled(self):
        return any(
            e.code == "throttled" for e in self.errors.as_data().get("__all__", [])
        )

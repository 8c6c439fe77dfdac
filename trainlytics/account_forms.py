from django import forms
from django.utils.translation import gettext_lazy as _

from . import email_change
from .models import User


class EmailChangeForm(forms.Form):
    """A new address, and the current password to prove it is the owner asking."""

    email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError(_("This is already your address."))
        if email_change.is_taken(email, self.user):
            raise forms.ValidationError(_("Another account uses this address."))
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("Your password was entered incorrectly. Please enter it again.")
            )
        return password

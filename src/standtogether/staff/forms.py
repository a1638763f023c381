from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffLoginForm(AuthenticationForm):
    """Username and password; paste allowed and no cognitive test (accessible authentication)."""

    error_messages = {
        "invalid_login": _("The username or password is not right. Check both and try again."),
        "inactive": _("This account is switched off. Ask your agency's administrator."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        help_text=_("The 6-digit code changes every 30 seconds."),
        max_length=16,
        error_messages={"required": _("Enter the code from your authenticator app.")},
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())

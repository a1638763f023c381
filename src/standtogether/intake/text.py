"""Checks shared by every free-text answer: a clear message for what we cannot store, never a 500."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

# C0/C1 control characters other than tab, new line and carriage return; also lone surrogates and NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    if _CONTROL.search(value):
        raise forms.ValidationError(
            _(
                "Your answer has hidden characters we cannot save. "
                "Please type it again, or copy it without them."
            ),
            code="control",
        )
    return value


class FreeTextField(forms.CharField):
    """A CharField whose errors are written for people, with the limit stated up front."""

    def __init__(self, *args, max_length: int = 5000, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, max_length=max_length, strip=False, **kwargs)
        self.error_messages["max_length"] = _(
            "This answer is too long. "
            "Please keep it under %(limit_value)d characters (you have %(show_value)d)."
        )

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if value else value

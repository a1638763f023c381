"""The diary's forms. Passphrases are never rendered back into a page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from standtogether.intake.forms import DateParts, MultipleFileField
from standtogether.intake.text import FreeTextField

from .sealing import normalise_passphrase

PASSPHRASE_MIN = 10
PASSPHRASE_MAX = 200


class PassphraseField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PASSPHRASE_MAX)
        kwargs.setdefault("strip", False)
        super().__init__(widget=forms.PasswordInput(render_value=False), **kwargs)
        self.error_messages["max_length"] = _("Your passphrase is too long. Use up to 200 characters.")


class NewDiaryForm(forms.Form):
    passphrase = PassphraseField(
        label=_("Choose a passphrase"),
        help_text=_(
            "At least 10 characters. Three or four words you will remember are good, "
            "for example: blue kettle rain garden."
        ),
        error_messages={"required": _("Choose a passphrase.")},
    )
    passphrase_again = PassphraseField(
        label=_("Type the passphrase again"),
        error_messages={"required": _("Type the passphrase again.")},
    )
    understood = forms.BooleanField(
        label=_("I understand: if I forget my passphrase or lose my code, nobody can open my diary."),
        error_messages={"required": _("Tick the box to show you understand.")},
    )

    def clean_passphrase(self) -> str:
        passphrase = normalise_passphrase(self.cleaned_data["passphrase"])
        if len(passphrase) < PASSPHRASE_MIN:
            raise ValidationError(_("Your passphrase must have at least 10 characters."))
        try:
            CommonPasswordValidator().validate(passphrase)
        except ValidationError as exc:
            raise ValidationError(_("This passphrase is too easy to guess. Choose another.")) from exc
        return passphrase

    def clean(self):
        data = super().clean()
        first, again = data.get("passphrase"), self.cleaned_data.get("passphrase_again")
        if first and again is not None and normalise_passphrase(again) != first:
            self.add_error("passphrase_again", _("The two passphrases are not the same. Type them again."))
        return data


class OpenDiaryForm(forms.Form):
    code = forms.CharField(
        label=_("Diary code"),
        help_text=_("20 letters and numbers, for example 7KQ4-M2PD-X9RT-BC3H-WQ2A."),
        max_length=60,
        error_messages={"required": _("Enter your diary code.")},
    )
    passphrase = PassphraseField(
        label=_("Passphrase"), error_messages={"required": _("Enter your passphrase.")}
    )


class EntryForm(forms.Form):
    date = DateParts(
        label=_("When did it happen?"),
        help_text=_("For example, 27 3 2026. If you are not sure, give your best guess."),
    )
    approximate = forms.BooleanField(label=_("I am not sure of the exact day"), required=False)
    time = FreeTextField(
        label=_("What time? (optional)"),
        help_text=_("For example, 6:30 pm, or in the evening."),
        max_length=60,
    )
    what = FreeTextField(
        label=_("What happened?"),
        help_text=_("Write it in your own words, in any language. What was said or done?"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        required=True,
        error_messages={"required": _("Write what happened.")},
    )
    where = FreeTextField(
        label=_("Where did it happen? (optional)"),
        help_text=_("A place, street or website. For example, my shop, or Facebook."),
        max_length=300,
    )
    who = FreeTextField(
        label=_("Who did it? (optional)"),
        help_text=_("What they looked like, a name, a car or a user name online."),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    witnesses = FreeTextField(
        label=_("Did anyone see or hear it? (optional)"),
        help_text=_("Their names or how to find them, if you know."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    effect = FreeTextField(
        label=_("How did it affect you? (optional)"),
        help_text=_("For example, you were scared, lost sleep, or closed your shop."),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(label=_("Add photos, screenshots or documents (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Photos and screenshots (JPG or PNG) or PDF documents, up to %(size)d MB each."
        ) % {"size": settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024)}
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose one of the options shown.")

    def answers(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "files"}
        data["date"] = data["date"].isoformat() if data.get("date") else ""
        return {k: (v or "") if k != "approximate" else bool(v) for k, v in data.items()}


class ChooseEntriesForm(forms.Form):
    entries = forms.MultipleChoiceField(
        label=_("Which entries do you want to report?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one entry.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = choices
        self.fields["entries"].error_messages["invalid_choice"] = _("Choose one of the options shown.")


class AddToReportForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("For example, WST-7KQ4-M2PD."),
        max_length=30,
        error_messages={"required": _("Enter the reference of your report.")},
    )
    code = forms.CharField(
        label=_("Secret code"),
        max_length=40,
        error_messages={"required": _("Enter the secret code of your report.")},
    )

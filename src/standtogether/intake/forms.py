"""One form per step of the public journey. Only "what happened" is required anywhere.

Every error says what is wrong and what to do, next to the field; the answer stays on the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standtogether.taxonomy.models import Area, IncidentType, Marker, Setting, Strand, Term

from . import easyread
from .models import ReporterRole
from .text import FreeTextField

YES_NO_UNSURE = [("yes", _("Yes")), ("no", _("No")), ("not-sure", _("I'm not sure"))]


def term_choices(model: type[Term]) -> Callable[[], list[tuple[str, str]]]:
    # A callable, so labels follow the language of each request and admin edits show at once.
    return lambda: [(t.code, t.label) for t in model.objects.filter(active=True)]


def term_hints(model: type[Term]) -> dict[str, str]:
    return {t.code: t.label_hint for t in model.objects.filter(active=True) if t.label_hint}


class EasyReadText:
    """`easy=True` shows the Easy Read labels and hints (intake/easyread.py); the fields stay the same."""

    def __init__(self, *args, easy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.easy = easy
        if easy:
            easyread.apply_to(self)


class StepForm(EasyReadText, forms.Form):
    """Base for every step: a honeypot field people never see (screen readers skip it too)."""

    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A value that is not one of the options only comes from a changed page: say so plainly.
            field.error_messages["invalid_choice"] = _("Choose one of the options shown.")
            field.error_messages["invalid_list"] = _("Choose one of the options shown.")

    def hints(self) -> dict[str, dict[str, str]]:
        return {}

    def questions(self) -> list[forms.BoundField]:
        return [bound for bound in self if bound.name != "website"]

    def answers(self) -> dict:
        """The cleaned data as JSON for the encrypted draft."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "website"}
        for key, value in data.items():
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
        return data

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


class WhoForm(StepForm):
    reporter_role = forms.ChoiceField(
        label=_("Who are you reporting for?"),
        choices=ReporterRole.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class WhatForm(StepForm):
    description = FreeTextField(
        label=_("What happened?"),
        help_text=_(
            "Tell us in your own words. Write as much or as little as you like. "
            "You can write in any language."
        ),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        required=True,
        error_messages={"required": _("Tell us what happened. This is the only question you must answer.")},
    )
    incident_types = forms.MultipleChoiceField(
        label=_("What kind of thing happened?"),
        help_text=_("Choose all that fit, or none."),
        choices=term_choices(IncidentType),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def hints(self) -> dict[str, dict[str, str]]:
        return {"incident_types": term_hints(IncidentType)}


class WhyForm(StepForm):
    strands = forms.MultipleChoiceField(
        label=_("Do you think it happened because of any of these?"),
        help_text=_("Choose all that fit. You do not have to be sure, and you do not have to prove it."),
        choices=term_choices(Strand),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    markers = forms.MultipleChoiceField(
        label=_("Or because of any of these?"),
        choices=term_choices(Marker),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    not_sure = forms.BooleanField(label=_("I'm not sure why it happened"), required=False)
    other_reason = FreeTextField(
        label=_("Anything else about why it happened (optional)"), max_length=1000, required=False
    )

    def hints(self) -> dict[str, dict[str, str]]:
        return {"strands": term_hints(Strand), "markers": term_hints(Marker)}


DATE_KINDS = [
    ("exact", _("On one day")),
    ("about", _("Around a date (I'm not sure of the exact day)")),
    ("period", _("Over a period of time")),
    ("repeatedly", _("It keeps happening")),
    ("unknown", _("I don't know")),
]
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$", re.I)


class DateParts(forms.MultiValueField):
    """The GOV.UK date pattern: day, month, year boxes. Empty is fine; half-filled or impossible is not."""

    def __init__(self, **kwargs):
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("required", False)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        self.widget = DatePartsWidget()

    def compress(self, values):
        if not values or not any(v for v in values):
            return None
        day, month, year = (v.strip() if v else "" for v in values)
        if not all((day, month, year)):
            raise forms.ValidationError(
                _(
                    "The date must include a day, month and year. "
                    "If you only know roughly, give your best guess."
                ),
                code="incomplete",
            )
        if (
            not (day.isdigit() and month.isdigit() and year.isdigit())
            or len(year) != 4
            or len(day + month) > 4
        ):
            raise forms.ValidationError(
                _("Enter the date as numbers, for example 27 3 2026 (day, month, year)."), code="invalid"
            )
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(
                _("This date does not exist. Check the day and month, for example 28 2 2026."), code="unreal"
            ) from exc
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        if value.year < 1900:
            raise forms.ValidationError(_("Enter a year after 1900."), code="too-old")
        return value


class DatePartsWidget(forms.MultiWidget):
    template_name = "govuk/date_widget.html"

    def __init__(self):
        widgets = [forms.TextInput(), forms.TextInput(), forms.TextInput()]  # day, month, year
        super().__init__(widgets)

    def decompress(self, value):
        if isinstance(value, str) and value:
            value = dt.date.fromisoformat(value)
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class WhenForm(StepForm):
    date_kind = forms.ChoiceField(
        label=_("When did it happen?"), choices=DATE_KINDS, widget=forms.RadioSelect, required=False
    )
    date_start = DateParts(
        label=_("Date"),
        help_text=_(
            "If it happened over a period or more than once, give the first date. For example, 27 3 2026."
        ),
    )
    date_end = DateParts(
        label=_("Last date (if it happened over a period or more than once)"),
        help_text=_("For example, 14 4 2026."),
    )
    setting = forms.ChoiceField(
        label=_("Where did it happen?"),
        choices=term_choices(Setting),
        widget=forms.RadioSelect,
        required=False,
    )
    online_platform = FreeTextField(
        label=_("If it happened online: which website, app or game?"),
        help_text=_("For example, Facebook, WhatsApp, TikTok or an email."),
        max_length=200,
    )
    area = forms.ChoiceField(
        label=_("Which area was it in?"),
        choices=lambda: [
            *term_choices(Area)(),
            ("unknown", _("I don't know, or it was outside these areas")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    place = FreeTextField(
        label=_("The place, street or postcode (optional)"),
        help_text=_("For example, the bus stop on Corporation Street, or CV21 2AA. Only if you want to say."),
        max_length=300,
    )
    happened_before = forms.ChoiceField(
        label=_("Has something like this happened to you before?"),
        choices=YES_NO_UNSURE,
        widget=forms.RadioSelect,
        required=False,
    )

    def hints(self) -> dict[str, dict[str, str]]:
        return {"area": term_hints(Area)}

    def clean(self):
        data = super().clean()
        start, end = data.get("date_start"), data.get("date_end")
        if start and end and end < start:
            self.add_error("date_end", _("The last date must be the same as or after the first date."))
        return data


class PeopleForm(StepForm):
    perpetrator = FreeTextField(
        label=_("Who did it? (optional)"),
        help_text=_(
            "Anything that could help: what they looked like, what they wore, a name if you know it, "
            "a car or a user name online."
        ),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    others_present = forms.ChoiceField(
        label=_("Were other people there who saw or heard it?"),
        choices=YES_NO_UNSURE,
        widget=forms.RadioSelect,
        required=False,
    )
    children_involved = forms.ChoiceField(
        label=_("Were any children involved or there?"),
        help_text=_("Children are anyone under 18."),
        choices=YES_NO_UNSURE,
        widget=forms.RadioSelect,
        required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each still checked by content in intake/uploads.py."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class EvidenceForm(StepForm):
    files = MultipleFileField(
        label=_("Add photos, screenshots or documents (optional)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Photos and screenshots (JPG or PNG) or PDF documents, up to %(size)d MB each."
        ) % {"size": settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024)}


CHANNELS = [
    ("email", _("Email")),
    ("phone", _("Phone call")),
    ("sms", _("Text message")),
    ("letter", _("Letter")),
]
SAFETY = [
    ("no-home-visits", _("Do not visit my home")),
    ("no-voicemail", _("Do not leave voicemail messages")),
    ("not-through-family", _("Do not contact me through my family")),
    ("family-does-not-know", _("My family does not know about this, or about me")),
    ("no-letters", _("Do not send letters to my home")),
]


class ContactForm(StepForm):
    anonymous = forms.ChoiceField(
        label=_("Can we contact you?"),
        choices=[
            ("no", _("Yes, you can contact me")),
            ("yes", _("No, I want to stay anonymous")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    name = FreeTextField(
        label=_("Your name"), help_text=_("Or what you would like us to call you."), max_length=200
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    phone = FreeTextField(
        label=_("Phone number"), help_text=_("A mobile number if you want text messages."), max_length=40
    )
    address = FreeTextField(
        label=_("Address (optional)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )
    channels = forms.MultipleChoiceField(
        label=_("How can we contact you?"),
        help_text=_("Choose all that are safe for you."),
        choices=CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    safe_times = FreeTextField(
        label=_("When is it safe to contact you? (optional)"),
        help_text=_("For example, weekdays after 4pm, or never at weekends."),
        max_length=300,
    )
    safety = forms.MultipleChoiceField(
        label=_("Keeping you safe"),
        help_text=_("Tell us anything we must not do. We will follow it."),
        choices=SAFETY,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_phone(self):
        phone = self.cleaned_data.get("phone") or ""
        digits = re.sub(r"[\s().-]", "", phone)
        if phone and not re.fullmatch(r"\+?[0-9]{7,15}", digits):
            raise forms.ValidationError(
                _("Enter a phone number using numbers only, like 07700 900 123 or +44 7700 900123."),
                code="phone",
            )
        return phone

    def clean(self):
        data = super().clean()
        if data.get("anonymous") == "no":
            if not (data.get("email") or data.get("phone") or data.get("address")) and not self.errors:
                self.add_error(
                    "email",
                    _(
                        "Give us at least one way to contact you: an email address, phone number or address. "
                        "Or choose to stay anonymous."
                    ),
                )
            channels = set(data.get("channels") or [])
            if "email" in channels and not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("You chose email: enter your email address, or untick email."))
            if channels & {"phone", "sms"} and not data.get("phone") and "phone" not in self.errors:
                self.add_error(
                    "phone", _("You chose phone or text: enter your phone number, or untick them.")
                )
            if "letter" in channels and not data.get("address"):
                self.add_error("address", _("You chose letter: enter your address, or untick letter."))
        return data

    def answers(self) -> dict:
        data = super().answers()
        if data.get("anonymous") == "yes":
            # Staying anonymous means we keep no contact details at all, even ones typed before choosing.
            for key in ("name", "email", "phone", "address", "channels", "safe_times", "safety"):
                data[key] = [] if key in ("channels", "safety") else ""
        return data


SUPPORT = [
    ("victim-support", _("Support from Victim Support (free and private)")),
    ("someone-to-talk-to", _("Someone to talk to")),
    ("safety-advice", _("Advice on keeping safe")),
    ("housing", _("Help with housing, for example if you want to move")),
]
ACCESSIBILITY = [
    ("easy-read", _("Easy Read")),
    ("bsl", _("British Sign Language (BSL)")),
    ("large-print", _("Large print")),
    ("text-relay", _("Text relay")),
]
OFFICER_GENDER = [
    ("none", _("No preference")),
    ("woman", _("A woman")),
    ("man", _("A man")),
]


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.ALL_LANGUAGES.items()]


class NeedsForm(StepForm):
    preferred_language = forms.ChoiceField(
        label=_("Which language should we use when we contact you?"),
        choices=language_choices,
        required=False,
    )
    interpreter = forms.ChoiceField(
        label=_("Do you need an interpreter?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        widget=forms.RadioSelect,
        required=False,
    )
    interpreter_language = FreeTextField(label=_("Interpreter for which language?"), max_length=100)
    accessibility = forms.MultipleChoiceField(
        label=_("Do you need any of these?"),
        choices=ACCESSIBILITY,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_needs = FreeTextField(label=_("Anything else that would help you (optional)"), max_length=500)
    officer_gender = forms.ChoiceField(
        label=_("Would you prefer to speak to a man or a woman?"),
        choices=OFFICER_GENDER,
        widget=forms.RadioSelect,
        required=False,
    )
    support = forms.MultipleChoiceField(
        label=_("What support would you like?"),
        help_text=_("Choose all you want, or none."),
        choices=SUPPORT,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("interpreter") == "yes" and not data.get("interpreter_language"):
            self.add_error("interpreter_language", _("Tell us which language the interpreter should speak."))
        return data


SHARE = [
    ("police", _("The police")),
    ("victim-support", _("Victim Support")),
    ("school-landlord", _("My school, college or landlord, if it involves them")),
    ("council", _("The council")),
]


class ConsentForm(StepForm):
    share = forms.MultipleChoiceField(
        label=_("Who can we share your report with?"),
        help_text=_(
            "The partnership will read your report. Choose who else may see it. "
            "If you choose nobody, only the partnership will see it."
        ),
        choices=SHARE,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partnership_only = forms.BooleanField(label=_("Only the partnership. Do not share it."), required=False)

    def clean(self):
        data = super().clean()
        if data.get("partnership_only") and data.get("share"):
            self.add_error(
                "partnership_only",
                _("You chose 'only the partnership' and also chose others. Untick one of them."),
            )
        return data


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code to come back"),
        help_text=_("It looks like ABCD-EFGH-JKMN-PQRS-TVWX-YZ12."),
        max_length=60,
        error_messages={"required": _("Enter the code you were given.")},
    )


class TrackForm(EasyReadText, forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("For example, WST-7KQ4-M2PD."),
        max_length=40,
        error_messages={"required": _("Enter your reference.")},
    )
    code = forms.CharField(
        label=_("Secret tracking code"),
        help_text=_("The code you were given with your reference. It has 16 letters and numbers."),
        max_length=60,
        error_messages={"required": _("Enter your secret tracking code.")},
    )


class AddInformationForm(EasyReadText, forms.Form):
    text = FreeTextField(
        label=_("What do you want to add?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    files = MultipleFileField(label=_("Add photos, screenshots or documents (optional)"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("text") and not data.get("files") and not self.errors:
            self.add_error("text", _("Write something to add, or choose a file."))
        return data

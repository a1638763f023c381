"""Reporting centres for the public finder: which are listed, the filters, and how languages and access
features are named.

A language is always named in its own script (as in the language chooser), so a person finds theirs
without reading English. Centres speak more languages than the site is offered in: those are named from
`MORE_LANGUAGES` below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ReportingCentre

# Languages a centre may speak beyond settings.ALL_LANGUAGES, by their own name. Add a row to add one.
MORE_LANGUAGES = {
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "am": "አማርኛ",
    "ku": "Kurdî",
    "ckb": "کوردی",
    "hi": "हिन्दी",
    "ta": "தமிழ்",
    "ne": "नेपाली",
    "zh": "中文",
    "tr": "Türkçe",
    "ru": "Русский",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "sk": "Slovenčina",
    "cs": "Čeština",
    "hu": "Magyar",
    "es": "Español",
    "fr": "Français",
    "it": "Italiano",
    "sq": "Shqip",
    "ml": "മലയാളം",
    "te": "తెలుగు",
}
RIGHT_TO_LEFT = {"ckb"}  # besides settings.RTL_LANGUAGES

# Every access feature the finder knows, with its public name (translated in the catalogues). Which of them
# a partnership uses, and in what order, is configuration: settings.CENTRE_ACCESS_FEATURES.
ACCESS_FEATURES = {
    "step-free": _("Step-free access"),
    "hearing-loop": _("Hearing loop"),
    "accessible-toilet": _("Accessible toilet"),
    "quiet-room": _("Quiet room"),
    "bsl": _("British Sign Language (BSL): ask before you go"),
}


def language_names() -> dict[str, str]:
    return {**settings.ALL_LANGUAGES, **MORE_LANGUAGES}


@dataclass(frozen=True)
class Language:
    code: str
    name: str

    @property
    def direction(self) -> str:
        return "rtl" if self.code in settings.RTL_LANGUAGES | RIGHT_TO_LEFT else "ltr"


def language(code: str) -> Language:
    return Language(code, language_names().get(code, code))


def access_features(codes: list[str]) -> list[str]:
    """The public names of a centre's access features, in the configured order; others left out."""
    return [ACCESS_FEATURES[code] for code in settings.CENTRE_ACCESS_FEATURES if code in codes]


def listed() -> list[ReportingCentre]:
    return list(
        ReportingCentre.objects.filter(active=True, agency__active=True).select_related("agency__area")
    )


def languages_spoken(centres: list[ReportingCentre]) -> list[Language]:
    """Every language spoken at some centre: the site's languages in their usual order, then the rest."""
    spoken = {code for centre in centres for code in centre.languages or []}
    order = list(settings.ALL_LANGUAGES) + sorted(MORE_LANGUAGES, key=MORE_LANGUAGES.get)
    return [language(code) for code in order if code in spoken]


def matching(centres: list[ReportingCentre], *, area: str = "", spoken: str = "") -> list[ReportingCentre]:
    return [
        centre
        for centre in centres
        if (not area or (centre.agency.area and centre.agency.area.code == area))
        and (not spoken or spoken in (centre.languages or []))
    ]

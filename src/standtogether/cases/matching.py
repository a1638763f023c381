"""Does the chosen officer meet what the reporter asked for? (Scenario 1: a request for a female officer.)"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from standtogether.partners.models import Membership


def needs_of(case) -> dict:
    """What the reporters of a case asked for: officer gender, language, interpreter, accessibility."""
    result = {
        "officer_gender": "",
        "languages": set(),
        "interpreter": [],
        "accessibility": set(),
        "other": [],
    }
    for report in case.reports.all():
        needs = report.needs or {}
        if needs.get("officer_gender") in ("woman", "man"):
            result["officer_gender"] = needs["officer_gender"]
        if report.preferred_language and report.preferred_language != "en":
            result["languages"].add(report.preferred_language)
        if report.interpreter_needed:
            result["interpreter"].append(needs.get("interpreter_language") or report.preferred_language)
        result["accessibility"] |= set(needs.get("accessibility") or [])
        if needs.get("other_needs"):
            result["other"].append(needs["other_needs"])
    return result


def assignment_warnings(case, officer: Membership) -> list[str]:
    needs = needs_of(case)
    warnings = []
    if needs["officer_gender"] and officer.gender != needs["officer_gender"]:
        wanted = _("a woman") if needs["officer_gender"] == "woman" else _("a man")
        warnings.append(_("The reporter asked to speak to %(wanted)s.") % {"wanted": wanted})
    names = dict(settings.ALL_LANGUAGES)
    for language in sorted(needs["languages"]):
        if language not in (officer.languages or []) and not needs["interpreter"]:
            warnings.append(
                _(
                    "The reporter prefers %(language)s and this officer does not speak it: "
                    "book an interpreter."
                )
                % {"language": names.get(language, language)}
            )
    for language in needs["interpreter"]:
        warnings.append(
            _("An interpreter is needed (%(language)s).") % {"language": names.get(language, language)}
        )
    return warnings

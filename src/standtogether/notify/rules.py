"""Contact safety: the reporter's preferences from the intake decide which channels may ever be used.

A blocked channel is never used, by a person or by the system, and staff see why. Cautions are shown
beside the allowed channels (safe times, no voicemail) because only a person can honour them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

CHANNELS_NEEDING_CONSENT = {"email", "phone", "sms", "letter"}


@dataclass
class Verdict:
    channel: str
    allowed: bool
    reasons: list = field(default_factory=list)
    cautions: list = field(default_factory=list)

    @property
    def channel_label(self):
        from standtogether.cases.models import ContactChannel

        return dict(ContactChannel.choices).get(self.channel, self.channel)


def preferences_of(case) -> dict:
    """The union of the contact preferences of the case's non-anonymous reports (decrypted)."""
    merged: dict = {"anonymous": True, "channels": set(), "safety": set(), "safe_times": [], "has": set()}
    for report in case.reports.all():
        if report.anonymous:
            continue
        contact = report.contact or {}
        merged["anonymous"] = False
        merged["channels"] |= set(contact.get("channels") or [])
        merged["safety"] |= set(contact.get("safety") or [])
        if contact.get("safe_times"):
            merged["safe_times"].append(contact["safe_times"])
        merged["has"] |= {key for key in ("email", "phone", "address") if contact.get(key)}
    return merged


def verdict(case, channel: str, *, home_visit: bool = False, prefs: dict | None = None) -> Verdict:
    prefs = prefs if prefs is not None else preferences_of(case)
    result = Verdict(channel=channel, allowed=True)
    if channel == "tracking":
        return result
    if prefs["anonymous"]:
        result.allowed = False
        result.reasons.append(_("The reporter is anonymous: updates go on the tracking page only."))
        return result
    safety = prefs["safety"]
    if channel in CHANNELS_NEEDING_CONSENT and channel not in prefs["channels"]:
        result.allowed = False
        result.reasons.append(_("The reporter did not agree to be contacted this way."))
    needs = {"email": "email", "sms": "phone", "phone": "phone", "letter": "address"}.get(channel)
    if needs and needs not in prefs["has"]:
        result.allowed = False
        result.reasons.append(_("The reporter gave no details for this way of contact."))
    if channel == "letter" and {"no-letters", "family-does-not-know"} & safety:
        result.allowed = False
        result.reasons.append(_("No letters to the home: the reporter's family must not find out."))
    if home_visit and "no-home-visits" in safety:
        result.allowed = False
        result.reasons.append(_("The reporter asked for no home visits."))
    if channel == "phone" and "no-voicemail" in safety:
        result.cautions.append(_("Do not leave a voicemail."))
    if channel in {"phone", "sms"} and "family-does-not-know" in safety:
        result.cautions.append(_("Use only the number the reporter gave. Never a family or home phone."))
    if "not-through-family" in safety:
        result.cautions.append(_("Never pass a message through family members."))
    for times in prefs["safe_times"]:
        result.cautions.append(_("Safe times: %(times)s") % {"times": times})
    return result


def all_verdicts(case) -> list[Verdict]:
    prefs = preferences_of(case)  # decrypt once for all four channels
    return [verdict(case, channel, prefs=prefs) for channel in ("phone", "sms", "email", "letter")]

"""The accessibility statement: what we aim for, what we test, what is missing, and how to ask for more.

Everything a partnership would change (who answers, how fast, when the statement was last reviewed, the
relay routes) is configuration; the facts about testing are ours and must stay true to tests/browser/.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from standtogether.languages import status as language_status

# Where a person goes if our answer does not satisfy them (England, Scotland and Wales). Links a person
# follows, never loaded by the page.
EASS_URL = "https://www.equalityadvisoryservice.com/"
REGULATIONS_URL = "https://www.legislation.gov.uk/uksi/2018/952/contents/made"


def _printed_material() -> bool:
    """Whether this site serves printable guides yet (intake/printed.py): the statement must say only what
    is true, whichever way it is."""
    try:
        reverse("intake:printed", args=["guide"])
    except NoReverseMatch:
        return False
    return True


def statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/accessibility.html",
        {
            "title": _("Accessibility statement"),
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
            "reply_days": settings.ACCESSIBILITY_REPLY_DAYS,
            "reviewed": settings.ACCESSIBILITY_REVIEWED,
            "language_count": len(settings.LANGUAGES),
            "machine_drafts": language_status.machine_drafts(),
            "printed_material": _printed_material(),
            "eass_url": EASS_URL,
            "regulations_url": REGULATIONS_URL,
        },
    )

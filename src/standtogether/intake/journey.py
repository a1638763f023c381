"""The steps of the public journey and the server-side draft that carries a person's answers.

The session cookie holds only the draft's id; the answers live encrypted in the database, so a refresh,
the back button or a lost connection loses nothing. Drafts expire (settings.DRAFT_LIFETIME_HOURS).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import forms
from .models import Draft

SESSION_KEY = "intake_draft"


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    form: type[forms.StepForm]
    template: str = "intake/step.html"


STEPS: list[Step] = [
    Step("who", _("Who are you reporting for?"), forms.WhoForm),
    Step("what", _("What happened?"), forms.WhatForm),
    Step("why", _("Why do you think it happened?"), forms.WhyForm),
    Step("when-where", _("When and where did it happen?"), forms.WhenForm),
    Step("people", _("The people involved"), forms.PeopleForm),
    Step("evidence", _("Photos, screenshots and documents"), forms.EvidenceForm, "intake/evidence.html"),
    Step("contact", _("Contacting you"), forms.ContactForm, "intake/contact.html"),
    Step("needs", _("Your language and support"), forms.NeedsForm),
    Step("consent", _("Who can see your report"), forms.ConsentForm),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}
TOTAL_STEPS = len(STEPS) + 1  # the last step is "check your answers"


def step_number(slug: str) -> int:
    return [s.slug for s in STEPS].index(slug) + 1


def previous_step(slug: str) -> Step | None:
    index = step_number(slug) - 1
    return STEPS[index - 1] if index > 0 else None


def next_step(slug: str) -> Step | None:
    index = step_number(slug)
    return STEPS[index] if index < len(STEPS) else None


def _lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.DRAFT_LIFETIME_HOURS)


def current_draft(request: HttpRequest) -> Draft | None:
    draft_id = request.session.get(SESSION_KEY)
    if not draft_id:
        return None
    draft = Draft.system.filter(uuid=draft_id, expires_at__gt=timezone.now()).first()
    if draft is None:
        request.session.pop(SESSION_KEY, None)
    return draft


def start_draft(request: HttpRequest) -> Draft:
    now = timezone.now()
    draft = Draft(
        created_at=now,
        updated_at=now,
        expires_at=now + _lifetime(),
        answers={},
        language=get_language() or settings.LANGUAGE_CODE,
    )
    draft.save()
    request.session[SESSION_KEY] = str(draft.uuid)
    return draft


def draft_for(request: HttpRequest) -> Draft:
    return current_draft(request) or start_draft(request)


@transaction.atomic
def start_prefilled_draft(request: HttpRequest, answers: dict, files: Iterable = ()) -> Draft:
    """A new draft that starts with answers and checked files (intake.uploads.CheckedFile) brought from
    elsewhere, such as entries the person chose from their private diary. The journey then opens with
    them filled in; the person changes, checks and sends it like any other report. Files are sealed under
    their own keys in the evidence store, as if uploaded on the evidence step."""
    from .evidence import store

    draft = start_draft(request)
    draft.answers = {slug: dict(values) for slug, values in answers.items() if slug in STEP_BY_SLUG}
    draft.save(update_fields=["answers"])
    for checked in files:
        store(checked, draft=draft)
    return draft


def save_answers(draft: Draft, slug: str, answers: dict, *, honeypot: bool = False) -> None:
    now = timezone.now()
    merged = dict(draft.answers or {})
    merged[slug] = answers
    draft.answers = merged
    draft.updated_at = now
    draft.expires_at = now + _lifetime()
    draft.language = get_language() or draft.language
    draft.suspected_spam = draft.suspected_spam or honeypot
    draft.save(update_fields=["answers", "updated_at", "expires_at", "language", "suspected_spam"])


def new_submit_key() -> str:
    return secrets.token_urlsafe(24)


def issue_submit_key(draft: Draft) -> None:
    """A fresh one-time key for the check page: a stale or tampered page can never send the report."""
    draft.submit_key = new_submit_key()
    draft.save(update_fields=["submit_key"])


def answers_for(draft: Draft, slug: str) -> dict:
    return dict((draft.answers or {}).get(slug) or {})


def has_description(draft: Draft) -> bool:
    return bool(answers_for(draft, "what").get("description"))


def purge_expired() -> int:
    """Delete expired drafts with their evidence (`manage.py purge_drafts`, run daily by cron or a worker).

    An expired draft is never served even before it is purged: `current_draft` filters on `expires_at`.
    """
    from .evidence import delete_files

    expired = Draft.system.filter(expires_at__lte=timezone.now())
    for draft in expired:
        delete_files(draft.evidence.all())
    count, _ = expired.delete()
    return count

"""Test data built the way real data is: drafts filled like the journey fills them, reports through the
submit action (so they are encrypted, audited and have a case)."""

from __future__ import annotations

import datetime as dt
import uuid

import factory
from django.utils import timezone

from standtogether.intake import actions
from standtogether.intake.models import Draft, Report


def answers(**overrides) -> dict:
    base = {
        "who": {"reporter_role": "targeted"},
        "what": {
            "description": "A man shouted abuse at me at the bus stop.",
            "incident_types": ["verbal-abuse"],
        },
        "why": {"strands": ["race"], "markers": [], "not_sure": False, "other_reason": ""},
        "when-where": {
            "date_kind": "exact",
            "date_start": "2026-03-27",
            "date_end": None,
            "setting": "street",
            "area": "rugby",
            "place": "",
            "online_platform": "",
            "happened_before": "no",
        },
        "people": {"perpetrator": "", "others_present": "yes", "children_involved": "no"},
        "contact": {"anonymous": "yes"},
        "needs": {
            "preferred_language": "en",
            "interpreter": "no",
            "interpreter_language": "",
            "accessibility": [],
            "other_needs": "",
            "officer_gender": "none",
            "support": [],
        },
        "consent": {"share": ["police"], "partnership_only": False},
    }
    for step, values in overrides.items():
        base[step.replace("_", "-")] = {**base.get(step.replace("_", "-"), {}), **values}
    return base


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draft
        django_get_or_create = ()

    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
    updated_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=72))
    answers = factory.LazyFunction(answers)
    language = "en"


def make_report(description: str | None = None, **step_overrides) -> Report:
    values = answers(**step_overrides)
    if description is not None:
        values["what"]["description"] = description
    draft = DraftFactory(answers=values)
    report, created = actions.submit_report(draft, uuid.uuid4().hex)
    assert created
    return report


def make_report_with_secret(**step_overrides) -> tuple[Report, str]:
    draft = DraftFactory(answers=answers(**step_overrides))
    report, _ = actions.submit_report(draft, uuid.uuid4().hex)
    draft.refresh_from_db()
    return report, draft.confirmation["secret"]

"""What is kept, and for how long, is policy: settings by classification; statistics fields survive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from standtogether.cases import actions
from standtogether.cases.retention import apply_retention
from standtogether.intake.models import Report
from standtogether.partners.models import Role
from tests.factories import make_report
from tests.staff import member

pytestmark = pytest.mark.django_db
CONTACT = {
    "anonymous": "no",
    "name": "RETAIN-NAME",
    "email": "retain@example.org",
    "phone": "",
    "address": "",
    "channels": ["email"],
    "safe_times": "",
    "safety": [],
}


def _closed(classification: str, days_ago: int):
    report = make_report(description="RETAIN-TEXT words", contact=CONTACT)
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    case = actions.classify_case(report.case, classification=classification, by=coordinator)
    case = actions.close_case(case, outcome="support", detail="", told=True, by=coordinator)
    case.closed_at = timezone.now() - dt.timedelta(days=days_ago)
    case.save(update_fields=["closed_at"])
    return report


def test_past_retention_personal_fields_are_erased_and_statistics_kept(settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "crime": 30}
    report = _closed("crime", days_ago=31)
    kept = _closed("crime", days_ago=5)
    assert apply_retention()["erased"] == 1
    report = Report.system.get(pk=report.pk)
    assert report.description == "" and report.contact == {}
    assert report.strands.exists() and report.area_id  # counting still works
    assert Report.system.get(pk=kept.pk).description.startswith("RETAIN-TEXT")
    assert apply_retention()["erased"] == 0  # idempotent


def test_non_crime_incident_identity_policy_is_a_setting(settings):
    settings.NON_CRIME_KEEP_IDENTITY = False
    report = _closed("incident", days_ago=1)
    assert apply_retention()["identity_erased"] == 1
    report = Report.system.get(pk=report.pk)
    assert report.contact == {} and report.description.startswith("RETAIN-TEXT")
    assert report.email_index == ""  # not even the blind index of the address is kept
    settings.NON_CRIME_KEEP_IDENTITY = True
    other = _closed("incident", days_ago=1)
    apply_retention()
    assert Report.system.get(pk=other.pk).contact["name"] == "RETAIN-NAME"

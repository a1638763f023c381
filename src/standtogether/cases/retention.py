"""Retention: after a closed case's period (settings.RETENTION_DAYS by classification) its personal and
free-text fields are erased; what statistics need (strands, types, place kind, area, month) stays.

Non-crime hate incidents follow settings.NON_CRIME_KEEP_IDENTITY as soon as they are classified: when
False, the reporter's contact details are erased at closure rather than kept for the full period.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from standtogether.core import audit
from standtogether.intake import evidence as evidence_store

from .models import Case, CaseStatus

PERSONAL_REPORT_FIELDS = [
    "description",
    "motive_other",
    "place",
    "online_platform",
    "perpetrator",
    "contact",
    "needs",
]


def _erase_report(report, *, identity_only: bool) -> None:
    fields = ["contact", "needs"] if identity_only else PERSONAL_REPORT_FIELDS
    for name in fields:
        setattr(report, name, {} if name in ("contact", "needs") else "")
    report.email_index = report.phone_index = ""
    if not identity_only:
        report.place_index = ""
        evidence_store.delete_files(report.evidence.all())
        report.evidence.all().delete()
        for addition in report.additions.all():
            addition.text = ""
            addition.save(update_fields=["text"])
    report.save(update_fields=[*fields, "email_index", "phone_index", "place_index"])


def apply_retention(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"erased": 0, "identity_erased": 0}
    closed = Case.system.filter(status=CaseStatus.CLOSED, closed_at__isnull=False)
    for case in closed.iterator():
        limit = settings.RETENTION_DAYS.get(case.classification, settings.RETENTION_DAYS[""])
        with transaction.atomic():
            reports = list(case.reports.all())
            if case.closed_at + dt.timedelta(days=limit) <= now:
                if any(r.description for r in reports):
                    for report in reports:
                        _erase_report(report, identity_only=False)
                    for contact in case.contacts.all():
                        contact.summary = ""
                        contact.save(update_fields=["summary"])
                    audit.record("system", "case.retention_erased", case, classification=case.classification)
                    counts["erased"] += 1
            elif case.classification == "incident" and not settings.NON_CRIME_KEEP_IDENTITY:
                if any(r.contact for r in reports):
                    for report in reports:
                        _erase_report(report, identity_only=True)
                    audit.record("system", "case.identity_erased", case, reason="non-crime incident policy")
                    counts["identity_erased"] += 1
    return counts

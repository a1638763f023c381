"""Suggest cases that may belong together; staff confirm (nothing is linked automatically).

Repeat victim: the same e-mail or phone (blind indexes, never decrypted to compare). Same incident or
place: the same area and setting within a few days with a shared strand, or the same place text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from standtogether.intake.models import Report

from .models import Case, LinkKind

WINDOW = dt.timedelta(days=3)


@dataclass(frozen=True)
class Candidate:
    case: Case
    kind: str
    why: str


def candidates(case: Case, visible, limit: int = 10) -> list[Candidate]:
    """`visible` is the member's queryset (Case.visible.for_member): suggestions never cross agencies."""
    reports = list(case.reports.all())
    linked = {link.other_id for link in case.links.all()}
    found: dict[int, Candidate] = {}
    others = Report.system.exclude(case=case).filter(case__in=visible).select_related("case")
    emails = {r.email_index for r in reports if r.email_index}
    phones = {r.phone_index for r in reports if r.phone_index}
    if emails or phones:
        for other in others.filter(Q(email_index__in=emails) | Q(phone_index__in=phones))[:limit]:
            found.setdefault(
                other.case_id, Candidate(other.case, LinkKind.REPEAT_VICTIM, "same contact details")
            )
    for report in reports:
        strands = [s.pk for s in report.strands.all()]  # prefetched by the case page
        if report.area_id and report.setting_id and strands:
            nearby = others.filter(
                area_id=report.area_id,
                setting_id=report.setting_id,
                strands__in=strands,
                submitted_at__range=(report.submitted_at - WINDOW, report.submitted_at + WINDOW),
            ).distinct()[:limit]
            for other in nearby:
                found.setdefault(
                    other.case_id,
                    Candidate(other.case, LinkKind.SAME_INCIDENT, "same area, place and strand"),
                )
        if report.place_index:
            for other in others.filter(place_index=report.place_index)[:limit]:
                found.setdefault(other.case_id, Candidate(other.case, LinkKind.SAME_LOCATION, "same place"))
    return [c for pk, c in found.items() if pk not in linked and c.case.status != "closed"][:limit]

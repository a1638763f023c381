"""The reporter-safe view of a case: what a person with the reference and secret code may see.

Opening needs both; failures get one generic message and count against the client key and the reference,
and a reference is locked for a while after repeated failures, whoever is guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise

from standtogether.cases.models import Case, CaseStatus
from standtogether.core import codes, ratelimit

from .models import Report

SESSION_KEY = "tracked_report"
SESSION_SECONDS = 30 * 60


class Throttled(Exception):
    pass


@dataclass
class TrackingView:
    reference: str
    status: str
    status_label: Promise | str
    submitted_at: object
    updated_at: object
    closed_at: object | None
    outcome: str = ""
    outcome_detail: str = ""
    officer: dict | None = None
    additions: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    contact_requested: bool = False
    sharing: list = field(default_factory=list)
    sharing_stopped: bool = False
    open_concerns: int = 0


def open_report(request: HttpRequest, reference_text: str, secret: str) -> Report | None:
    client = ratelimit.client_key(request)
    reference = codes.normalise_reference(reference_text)
    if ratelimit.exceeded("track", client) or (
        reference and ratelimit.exceeded("track_reference", reference)
    ):
        raise Throttled
    report = Report.system.filter(reference=reference).first() if reference else None
    ok = codes.verify_secret(report.tracking_hash if report else None, secret)
    if not ok:
        ratelimit.hit("track", client)
        if reference:
            ratelimit.hit("track_reference", reference)
        return None
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"report": str(report.uuid), "at": timezone.now().timestamp()}
    return report


def tracked_report(request: HttpRequest) -> Report | None:
    entry = request.session.get(SESSION_KEY)
    if not entry or timezone.now().timestamp() - entry.get("at", 0) > SESSION_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None
    return Report.system.select_related("case").filter(uuid=entry["report"]).first()


def stop_tracking(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def project(report: Report) -> TrackingView:
    case: Case = report.case
    labels = dict(CaseStatus.choices)
    return TrackingView(
        reference=report.reference,
        status=case.status,
        status_label=labels.get(case.status, case.status),
        submitted_at=report.submitted_at,
        updated_at=case.updated_at,
        closed_at=case.closed_at,
        outcome=case.get_outcome_display() if case.outcome else "",
        outcome_detail=case.outcome_detail or "" if case.closed_at else "",
        officer=case.officer_for_tracking(),
        additions=list(report.additions.all()),
        # Only what was written for the reporter: updates, never internal notes or partner contacts.
        updates=[c for c in case.contacts.all() if c.reporter_visible],
        contact_requested=bool(case.contact_requested_at),
        sharing=case.consented_to(),
        sharing_stopped=bool(case.consent_withdrawn_at),
        open_concerns=sum(1 for e in case.escalations.all() if e.kind == "concern" and not e.resolved_at),
    )

"""Every state change of a case: one function each, one transaction, a policy check and an audit event.

Each takes the version the person saw (optimistic concurrency): two people editing one case never
silently overwrite each other; the second gets `Conflict` and sees the newer case.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standtogether.core import audit
from standtogether.notify import rules
from standtogether.notify.messages import queue_update
from standtogether.partners.models import Agency, Membership, Role

from . import clocks, policy, risk
from .models import (
    Case,
    CaseLink,
    CaseStatus,
    Contact,
    ContactKind,
    Escalation,
    Referral,
    ReferralStatus,
    RiskAssessment,
)


class Conflict(Exception):
    """Someone else changed the case since this person loaded it."""


class Refused(Exception):
    """The action is not allowed for this case as it is (consent, contact safety, state); says why."""

    def __init__(self, *reasons) -> None:
        super().__init__("; ".join(str(r) for r in reasons))
        self.reasons = list(reasons)


def _audit(by: Membership, action: str, case: Case, **details) -> None:
    audit.record(f"user:{by.user_id}", action, case, agency=by.agency.code, **details)


def _locked(case: Case, version: int | None) -> Case:
    fresh = Case.system.select_for_update().get(pk=case.pk)
    if version is not None and fresh.version != version:
        raise Conflict(case.reference)
    return fresh


def _save(case: Case, fields: list[str]) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    clocks.refresh_next_due(case)


@transaction.atomic
def assign_case(case: Case, officer: Membership, *, by: Membership, version: int | None = None) -> Case:
    policy.require(by, "assign", case)
    case = _locked(case, version)
    if officer.agency_id != case.owner_agency_id or not officer.active:
        raise Refused(_("The officer must be an active member of the agency that owns the case."))
    if officer.role not in (Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR):
        raise Refused(_("Only caseworkers, supervisors and coordinators handle cases."))
    case.officer = officer
    case.status = CaseStatus.ASSIGNED
    case.last_key_event_at = timezone.now()
    _save(case, ["officer", "status", "last_key_event_at"])
    _audit(by, "case.assigned", case, changed=["officer", "status"], officer=officer.pk)
    return case


@transaction.atomic
def classify_case(
    case: Case,
    *,
    classification: str,
    by: Membership,
    version: int | None = None,
    strands: list | None = None,
    markers: list | None = None,
) -> Case:
    """Staff decide crime / non-crime hate incident / not hate-related and confirm the strands and markers;
    the public form never asks the reporter to decide."""
    policy.require(by, "classify", case)
    case = _locked(case, version)
    changed = ["classification"] if case.classification != classification else []
    case.classification = classification
    if case.status == CaseStatus.RECEIVED:
        case.status = CaseStatus.IN_REVIEW
        changed.append("status")
    _save(case, ["classification", "status"])
    for name, chosen in (("strands", strands), ("markers", markers)):
        if chosen is not None:
            getattr(case, name).set(chosen)
            changed.append(name)
    _audit(
        by,
        "case.classified",
        case,
        changed=changed,
        classification=classification,
        strands=[t.code for t in strands or []],
        markers=[t.code for t in markers or []],
    )
    return case


@transaction.atomic
def record_contact(
    case: Case,
    *,
    channel: str,
    kind: str,
    summary: str,
    by: Membership,
    home_visit: bool = False,
) -> Contact:
    """Log a contact. An update is written for the tracking page and announced through every channel the
    reporter allowed (notify); a contact by a channel the reporter's safety preferences forbid is refused."""
    is_update = kind == ContactKind.UPDATE
    policy.require(by, "send_update" if is_update else "record_contact", case)
    if is_update:
        channel = "tracking"
    elif kind == ContactKind.CONTACT:
        verdict = rules.verdict(case, channel, home_visit=home_visit)
        if not verdict.allowed:
            raise Refused(*verdict.reasons)
    contact = Contact(
        case=case,
        by=by,
        at=timezone.now(),
        channel=channel,
        kind=kind,
        summary=summary,
        reporter_visible=is_update,
    )
    contact.save()
    case = _locked(case, None)
    if case.status == CaseStatus.RECEIVED:
        case.status = CaseStatus.IN_REVIEW
    _save(case, ["status"])
    _audit(by, f"case.{kind.replace('-', '_')}", case, channel=channel, contact=str(contact.uuid))
    if is_update:
        messages = queue_update(case)
        if messages:
            _audit(
                by,
                "case.update_notified",
                case,
                sent=[m.channel for m in messages if m.status == "queued"],
                blocked=[m.channel for m in messages if m.status == "blocked"],
            )
    return contact


@transaction.atomic
def refer_case(case: Case, agency: Agency, *, reason: str, by: Membership) -> Referral:
    """Only within the consent the reporter gave: the system blocks the rest."""
    policy.require(by, "refer", case)
    if agency.pk == case.owner_agency_id:
        raise Refused(_("The case is already with this agency."))
    if not policy.consents(case, agency.kind):
        raise Refused(_("The reporter did not agree to share with this kind of agency."))
    if case.referrals.filter(to_agency=agency, status__in=["pending", "accepted"]).exists():
        raise Refused(_("The case is already referred to this agency."))
    referral = Referral.system.create(
        case=case, to_agency=agency, by=by, reason=reason, created_at=timezone.now()
    )
    case = _locked(case, None)
    case.last_key_event_at = referral.created_at
    _save(case, ["last_key_event_at"])
    _audit(by, "case.referred", case, to_agency=agency.code, referral=referral.pk)
    return referral


@transaction.atomic
def respond_to_referral(referral: Referral, *, accept: bool, reason: str, by: Membership) -> Referral:
    policy.require(by, "respond_referral", referral.case)
    if by.agency_id != referral.to_agency_id or referral.status != ReferralStatus.PENDING:
        raise Refused(_("This referral is not waiting for your agency."))
    if not accept and not reason.strip():
        raise Refused(_("Give a reason for declining."))
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.response_reason = reason
    referral.responded_at = timezone.now()
    referral.save(update_fields=["status", "response_reason", "responded_at"])
    _audit(by, f"referral.{referral.status}", referral.case, referral=referral.pk)
    return referral


@transaction.atomic
def withdraw_consent(case: Case, *, by_reporter: bool = True) -> Case:
    """Stops further sharing; referrals not yet accepted are withdrawn. Recorded, never silently."""
    case = _locked(case, None)
    case.consent_withdrawn_at = timezone.now()
    _save(case, ["consent_withdrawn_at"])
    withdrawn = case.referrals.filter(status=ReferralStatus.PENDING).update(status=ReferralStatus.WITHDRAWN)
    audit.record("public" if by_reporter else "system", "case.consent_withdrawn", case, referrals=withdrawn)
    return case


@transaction.atomic
def read_sensitive(case: Case, *, groups: list[str], reason: str, by: Membership) -> None:
    """A read of personal fields, with the reason (DPA 2018 s.62 consultation log)."""
    allowed = policy.fields(by, case)
    if not set(groups) <= allowed:
        raise Refused(_("Not allowed to read these fields."))
    _audit(by, "case.read_sensitive", case, reason=reason, groups=sorted(groups))


@transaction.atomic
def escalate_breach(case: Case, clock_name: str, due_at) -> Escalation | None:
    """Record a missed clock once and raise it to supervisors (called by the clock worker and on read)."""
    escalation, created = Escalation.system.get_or_create(
        case=case, clock=clock_name, raised_at=due_at, defaults={"kind": "breach"}
    )
    if not created:
        return None
    audit.record("system", "case.clock_breached", case, clock=clock_name, due=due_at.isoformat())
    return escalation


@transaction.atomic
def reporter_asks_for_contact(case: Case, *, message: str = "") -> Case:
    """From the tracking page: a key event, so the 5-day update clock starts."""
    contact = Contact(
        case=case,
        by=None,
        at=timezone.now(),
        channel="tracking",
        kind=ContactKind.FROM_REPORTER,
        summary=message or "The reporter asked to be contacted.",
    )
    contact.save()
    case = _locked(case, None)
    case.contact_requested_at = contact.at
    case.last_key_event_at = contact.at
    _save(case, ["contact_requested_at", "last_key_event_at"])
    audit.record("public", "case.contact_requested", case)
    return case


@transaction.atomic
def raise_concern(case: Case, *, text: str) -> Escalation:
    """'I'm not happy with how this is handled': an escalation to the coordinator with its own clock."""
    escalation = Escalation(case=case, kind="concern", raised_at=timezone.now(), detail=text)
    escalation.save()
    clocks.refresh_next_due(case)
    audit.record("public", "case.concern_raised", case, escalation=str(escalation.uuid))
    return escalation


@transaction.atomic
def resolve_escalation(escalation: Escalation, *, by: Membership, note: str) -> Escalation:
    permission = "resolve_concern" if escalation.kind == "concern" else "assign"
    policy.require(by, permission, escalation.case)
    if escalation.resolved_at:
        raise Refused(_("Already resolved."))
    escalation.resolved_at = timezone.now()
    escalation.resolved_by = by
    escalation.save(update_fields=["resolved_at", "resolved_by"])
    Contact(
        case=escalation.case,
        by=by,
        at=escalation.resolved_at,
        channel="tracking",
        kind=ContactKind.UPDATE,
        summary=note,
        reporter_visible=True,
    ).save()
    clocks.refresh_next_due(escalation.case)
    _audit(
        by, "case.escalation_resolved", escalation.case, escalation=str(escalation.uuid), kind=escalation.kind
    )
    queue_update(escalation.case)
    return escalation


@transaction.atomic
def close_case(
    case: Case,
    *,
    outcome: str,
    detail: str,
    told: bool,
    not_told_reason: str = "",
    by: Membership,
    version: int | None = None,
) -> Case:
    """A case cannot close until the reporter has been told the outcome, or it is recorded why they cannot."""
    policy.require(by, "close", case)
    case = _locked(case, version)
    if case.status == CaseStatus.CLOSED:
        raise Refused(_("The case is already closed."))
    if not told and not not_told_reason.strip() and not case.flag_anonymous:
        raise Refused(_("Tell the reporter the outcome first, or record why they cannot be told."))
    now = timezone.now()
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.outcome = outcome
    case.outcome_detail = detail
    case.outcome_told_at = now if told else None
    case.outcome_not_told_reason = not_told_reason
    case.last_key_event_at = now
    _save(
        case,
        [
            "status",
            "closed_at",
            "outcome",
            "outcome_detail",
            "outcome_told_at",
            "outcome_not_told_reason",
            "last_key_event_at",
        ],
    )
    _audit(by, "case.closed", case, outcome=outcome, told=told)
    queue_update(case)
    return case


@transaction.atomic
def assess_risk(case: Case, *, answers: dict[str, bool], by: Membership, version: int | None = None) -> Case:
    """Score the questionnaire; high risk also flags the case as vulnerable-priority in the queue."""
    policy.require(by, "assess_risk", case)
    case = _locked(case, version)
    total, level = risk.score(answers)
    RiskAssessment.system.create(
        case=case, by=by, at=timezone.now(), answers=answers, score=total, level=level
    )
    case.risk = level
    case.flag_vulnerable = case.flag_vulnerable or bool(answers.get("vulnerable"))
    if case.status == CaseStatus.RECEIVED:
        case.status = CaseStatus.IN_REVIEW
    _save(case, ["risk", "flag_vulnerable", "status"])
    _audit(by, "case.risk_assessed", case, level=level, score=total)
    return case


@transaction.atomic
def link_cases(case: Case, other: Case, *, kind: str, by: Membership) -> CaseLink:
    """Staff confirm a suggested link; both cases show it."""
    policy.require(by, "assign", case)
    policy.require(by, "view", other)
    link, _created = CaseLink.system.get_or_create(
        case=case, other=other, kind=kind, defaults={"by": by, "at": timezone.now()}
    )
    CaseLink.system.get_or_create(case=other, other=case, kind=kind, defaults={"by": by, "at": link.at})
    _audit(by, "case.linked", case, other=other.reference, kind=kind)
    return link


@transaction.atomic
def merge_cases(into: Case, other: Case, *, by: Membership) -> Case:
    """Reports of one incident become one case: `other`'s reports move into `into`, which keeps its
    officer and clocks; `other` closes as merged. Each reporter's tracking code now shows `into`."""
    policy.require(by, "assign", into)
    policy.require(by, "assign", other)
    if into.pk == other.pk or other.status == CaseStatus.CLOSED:
        raise Refused(_("Choose another open case."))
    into = _locked(into, None)
    other = _locked(other, None)
    moved = other.reports.update(case=into)
    into.flag_children |= other.flag_children
    into.flag_threats_violence |= other.flag_threats_violence
    into.flag_evidence |= other.flag_evidence
    into.flag_interpreter |= other.flag_interpreter
    into.flag_anonymous = into.flag_anonymous and other.flag_anonymous
    into.consent_share = (
        sorted(set(into.consent_share) & set(other.consent_share)) if moved else into.consent_share
    )
    into.last_key_event_at = timezone.now()
    _save(
        into,
        [
            "flag_children",
            "flag_threats_violence",
            "flag_evidence",
            "flag_interpreter",
            "flag_anonymous",
            "consent_share",
            "last_key_event_at",
        ],
    )
    other.status = CaseStatus.CLOSED
    other.closed_at = timezone.now()
    other.outcome = "merged"
    other.outcome_not_told_reason = f"merged into {into.reference}"
    _save(other, ["status", "closed_at", "outcome", "outcome_not_told_reason"])
    CaseLink.system.get_or_create(
        case=into, other=other, kind="same-incident", defaults={"by": by, "at": timezone.now()}
    )
    _audit(by, "case.merged", into, merged=other.reference, reports=moved)
    _audit(by, "case.merged_into", other, into=into.reference)
    return into

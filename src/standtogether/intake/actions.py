"""Every state change of the public side: one function each, one transaction, an audit event.

Views parse input, call one of these, and render. Drafts are the person's own unsent words: saving a step
is not audited (it would put ten events per report in the chain); everything from submission on is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from standtogether.cases import clocks
from standtogether.cases.models import Case, CaseStatus
from standtogether.core import audit, codes, crypto
from standtogether.taxonomy import terms
from standtogether.taxonomy.models import Area, IncidentType, Marker, Setting, Strand

from . import evidence as evidence_store
from .journey import answers_for, new_submit_key  # noqa: F401 - part of the actions API
from .models import Addition, Channel, Draft, Evidence, ImportedRecord, PendingImport, Report
from .uploads import CheckedFile

PUBLIC = "public"
VIOLENT_TYPES = {"threats", "physical-assault"}


class SubmissionRefused(Exception):
    """The draft cannot be submitted as it is (e.g. no description); the message says why."""


@transaction.atomic
def add_draft_evidence(draft: Draft, checked: CheckedFile) -> Evidence:
    return evidence_store.store(checked, draft=draft)


@transaction.atomic
def remove_draft_evidence(draft: Draft, evidence_uuid: str) -> bool:
    item = draft.evidence.filter(uuid=evidence_uuid).first()
    if item is None:
        return False
    evidence_store.delete_files([item])
    item.delete()
    return True


def save_for_later(draft: Draft) -> str:
    """Give the draft a resume code (shown once); only its Argon2id hash is kept."""
    secret = codes.new_secret(16)
    with transaction.atomic():
        draft.resume_id = draft.resume_id or codes.new_secret(8).replace("-", "")
        draft.resume_hash = codes.hash_secret(secret)
        draft.save(update_fields=["resume_id", "resume_hash"])
    return f"{codes._group(draft.resume_id)}-{secret}"


def find_draft_by_resume_code(code: str) -> Draft | None:
    raw = codes.canonical(code)
    if len(raw) != 24:
        codes.dummy_verify(raw)
        return None
    draft = Draft.system.filter(resume_id=raw[:8], expires_at__gt=timezone.now(), report__isnull=True).first()
    if draft is None or not codes.verify_secret(draft.resume_hash, raw[8:]):
        if draft is None:
            codes.dummy_verify(raw)
        return None
    return draft


def _terms(model, codes_list) -> list:
    return terms.by_codes(model, codes_list)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _build_report(draft: Draft, submit_key: str) -> tuple[Report, dict]:
    who, what, why = answers_for(draft, "who"), answers_for(draft, "what"), answers_for(draft, "why")
    when, people = answers_for(draft, "when-where"), answers_for(draft, "people")
    contact, needs, consent = (
        answers_for(draft, "contact"),
        answers_for(draft, "needs"),
        answers_for(draft, "consent"),
    )
    anonymous = contact.get("anonymous") != "no"
    share = [] if consent.get("partnership_only") else list(consent.get("share") or [])
    report = Report(
        reference="",
        idempotency_key=submit_key,
        submitted_at=timezone.now(),
        language=draft.language,
        reporter_role=who.get("reporter_role") or "",
        description=what.get("description") or "",
        motive_not_sure=bool(why.get("not_sure")),
        motive_other=why.get("other_reason") or "",
        date_kind=when.get("date_kind") or "",
        date_start=_date(when.get("date_start")),
        date_end=_date(when.get("date_end")),
        setting=next(iter(terms.by_codes(Setting, [when.get("setting")])), None),
        area=next(iter(terms.by_codes(Area, [when.get("area")])), None),
        place=when.get("place") or "",
        online_platform=when.get("online_platform") or "",
        happened_before=when.get("happened_before") or "",
        perpetrator=people.get("perpetrator") or "",
        others_present=people.get("others_present") or "",
        children_involved=people.get("children_involved") or "",
        anonymous=anonymous,
        contact={}
        if anonymous
        else {
            key: contact.get(key) or ([] if key in ("channels", "safety") else "")
            for key in ("name", "email", "phone", "address", "channels", "safe_times", "safety")
        },
        preferred_language=needs.get("preferred_language") or draft.language,
        interpreter_needed=needs.get("interpreter") == "yes",
        support_wanted=list(needs.get("support") or []),
        needs={
            "interpreter_language": needs.get("interpreter_language") or "",
            "accessibility": list(needs.get("accessibility") or []),
            "other_needs": needs.get("other_needs") or "",
            "officer_gender": needs.get("officer_gender") or "",
        },
        consent={
            "share": sorted(share),
            "partnership_only": not share,
            "given_at": timezone.now().isoformat(),
        },
    )
    if report.contact.get("email"):
        report.email_index = crypto.blind_index(report.contact["email"], context="email")
    if report.contact.get("phone"):
        report.phone_index = crypto.blind_index(report.contact["phone"], kind="phone", context="phone")
    if report.place:
        report.place_index = crypto.blind_index(report.place, kind="postcode", context="place")
    relations = {
        "incident_types": _terms(IncidentType, what.get("incident_types")),
        "strands": _terms(Strand, why.get("strands")),
        "markers": _terms(Marker, why.get("markers")),
    }
    return report, relations


def _looks_automated(draft: Draft) -> bool:
    too_fast = (timezone.now() - draft.created_at).total_seconds() < settings.SUBMIT_MIN_SECONDS
    return draft.suspected_spam or too_fast


def submit_report(
    draft: Draft, submit_key: str, *, channel: str = "online", received_at: dt.datetime | None = None
) -> tuple[Report, bool]:
    """Turn a draft into a report and a case in triage. Idempotent on `submit_key`.

    Returns (report, created). A double click, a retry or two concurrent posts with the same key give
    exactly one report; the later calls get the first one back.
    """
    existing = Report.system.filter(idempotency_key=submit_key).first()
    if existing:
        return existing, False
    # The slow hash runs before the transaction: on SQLite the write lock is held from BEGIN.
    secret = codes.new_secret(16)
    tracking_hash = codes.hash_secret(secret)
    try:
        return _submit(draft, submit_key, secret, tracking_hash, channel=channel, received_at=received_at)
    except IntegrityError:
        existing = Report.system.filter(idempotency_key=submit_key).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def _submit(
    draft: Draft,
    submit_key: str,
    secret: str,
    tracking_hash: str,
    *,
    channel: str,
    received_at: dt.datetime | None,
) -> tuple[Report, bool]:
    draft = Draft.system.select_for_update().get(pk=draft.pk)
    if draft.report_id:  # another request for this draft got here first
        return draft.report, False
    if not answers_for(draft, "what").get("description"):
        raise SubmissionRefused("no description")
    report, relations = _build_report(draft, submit_key)
    report.reference = _unused_reference()
    report.channel = channel
    if received_at is not None:  # a paper form or an import: the date it reached us, not the keying date
        report.submitted_at = received_at
    report.tracking_hash = tracking_hash
    # An import is keyed by staff from a partner's records: not a bot racing the public form.
    report.quarantined = channel != Channel.IMPORT and _looks_automated(draft)
    types = {t.code for t in relations["incident_types"]}
    case = Case(
        reference=report.reference,
        status=CaseStatus.RECEIVED,
        owner_agency=terms.triage_agency(),
        opened_at=report.submitted_at,
        consent_share=report.consent["share"],
        flag_children=report.children_involved == "yes",
        flag_threats_violence=bool(types & VIOLENT_TYPES),
        flag_repeat=report.happened_before == "yes" or report.date_kind == "repeatedly",
        flag_interpreter=report.interpreter_needed,
        flag_anonymous=report.anonymous,
        flag_quarantined=report.quarantined,
    )
    case.save()
    report.case = case
    report.save()
    for name, chosen in relations.items():
        if chosen:  # one INSERT per relation (no read-back as .set() would do)
            field = Report._meta.get_field(name)
            through = field.remote_field.through
            column = field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [through(report_id=report.pk, **{f"{column}_id": t.pk}) for t in chosen]
            )
    has_evidence = draft.evidence.update(report=report, draft=None) > 0
    if has_evidence:
        Case.system.filter(pk=case.pk).update(flag_evidence=True)
        case.flag_evidence = True
    clocks.refresh_next_due(case)
    # One event for the submission and the case it opened.
    audit.record(
        PUBLIC,
        "report.submitted",
        report,
        reference=report.reference,
        case=str(case.uuid),
        channel=report.channel,
        anonymous=report.anonymous,
        evidence=has_evidence,
        quarantined=report.quarantined,
    )
    draft.report = report
    draft.confirmation = {"reference": report.reference, "secret": secret}
    # The confirmation stays readable for a short while (refresh, print), then the draft goes.
    draft.expires_at = timezone.now() + dt.timedelta(hours=2)
    draft.answers = {}
    draft.save(update_fields=["report", "confirmation", "expires_at", "answers"])
    return report, True


def _unused_reference() -> str:
    for _attempt in range(20):
        reference = codes.new_reference()
        if not Case.system.filter(reference=reference).exists():
            return reference
    raise RuntimeError("could not find an unused reference")  # 35 bits: practically unreachable


@transaction.atomic
def add_information(report: Report, text: str, files: list[CheckedFile]) -> Addition:
    """The reporter adds more from the tracking page: text and/or evidence, audited, flagged on the case."""
    addition = Addition(report=report, added_at=timezone.now(), text=text or "")
    addition.save()
    for checked in files:
        evidence_store.store(checked, report=report, addition=addition)
    case = Case.system.select_for_update().get(pk=report.case_id)
    if files and not case.flag_evidence:
        case.flag_evidence = True
        case.save(update_fields=["flag_evidence", "updated_at"])
    audit.record(
        PUBLIC,
        "report.information_added",
        report,
        reference=report.reference,
        files=len(files),
        text=bool(text),
        addition=str(addition.uuid),
    )
    return addition


# --- importing partner records (intake/importing.py, docs/import.md) ------------------------------------


class ImportRefused(Exception):
    """The file cannot be imported as it is (problems, and skipping them was not asked for)."""


@dataclass
class ImportResult:
    created: list[Report]
    same: int
    changed: list[int]  # line numbers of records imported before and changed since (not overwritten)
    skipped: list[int]  # line numbers of rows with problems, left out because that was asked for


def import_records(check, *, agency, actor: str, by_agency: str, skip_bad_rows: bool = False) -> ImportResult:
    """Import the new rows of a checked file (`importing.check`) for `agency`.

    Nothing is written if the file has problems of its own, or rows with problems and `skip_bad_rows` is
    off. Each new row becomes a report through `submit_report` (channel "import"), so it opens a case in
    triage like any other; one transaction per report, so a long import never holds the database for
    long, and running the same file again after an interruption adds only what is missing (idempotent on
    agency + the partner's record id). Records imported before are never overwritten: changed ones are
    reported. One audit event per report, and one for the import (who, the file's SHA-256, the counts).
    """
    if check.file_problems or (check.bad and not skip_bad_rows):
        raise ImportRefused(len(check.problems))
    created: list[Report] = []
    same = len(check.same)
    for row in check.new:
        report = _import_row(row, agency=agency, actor=actor, file_sha256=check.sha256)
        if report is None:  # imported by someone else meanwhile
            same += 1
        else:
            created.append(report)
    result = ImportResult(
        created=created,
        same=same,
        changed=[row.line for row in check.changed],
        skipped=[row.line for row in check.bad],
    )
    with transaction.atomic():
        audit.record(
            actor,
            "import.completed",
            object_type="intake.import",
            object_id=check.sha256,
            agency=by_agency,
            for_agency=agency.code,
            file_sha256=check.sha256,
            rows=len(check.rows),
            created=len(created),
            already_imported=same,
            changed_lines=result.changed,
            skipped_lines=result.skipped,
        )
    return result


def _import_row(row, *, agency, actor: str, file_sha256: str) -> Report | None:
    now = timezone.now()
    with transaction.atomic():
        if ImportedRecord.system.filter(agency=agency, record_index=row.record_index).exists():
            return None
        # The draft only carries the row into the same submit path as the public form; it goes at once
        # (with the tracking code submit_report keeps for a confirmation page nobody will see).
        draft = Draft(created_at=now, updated_at=now, expires_at=now, answers=row.answers, language="en")
        draft.save()
        report, created = submit_report(
            draft, f"import-{agency.pk}-{row.record_index[:48]}", channel=Channel.IMPORT
        )
        Draft.system.filter(pk=draft.pk).delete()
        if not created:
            return None
        record = ImportedRecord(
            agency=agency,
            record_index=row.record_index,
            partner_record_id=row.record_id,
            fingerprint=row.fingerprint,
            partner_status=row.partner_status,
            report=report,
            file_sha256=file_sha256,
            imported_at=now,
        )
        record.save()
        audit.record(
            actor,
            "report.imported",
            report,
            agency=agency.code,
            reference=report.reference,
            case=str(report.case.uuid),
            record=str(record.uuid),
            file_sha256=file_sha256,
            line=row.line,
        )
    return report


@transaction.atomic
def hold_upload(check, *, membership, agency) -> PendingImport:
    """Keep an uploaded file, encrypted, between its dry run and the confirmation (staff import page)."""
    now = timezone.now()
    pending = PendingImport(
        membership=membership,
        agency=agency,
        content=check.text,
        file_sha256=check.sha256,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.IMPORT_PENDING_MINUTES),
    )
    pending.save()
    audit.record(
        f"user:{membership.user_id}",
        "import.checked",
        pending,
        agency=membership.agency.code,
        for_agency=agency.code,
        file_sha256=check.sha256,
        rows=len(check.rows),
        new=len(check.new),
        already_imported=len(check.same),
        changed_lines=[row.line for row in check.changed],
        problem_lines=[row.line for row in check.bad],
    )
    return pending


@transaction.atomic
def discard_upload(pending: PendingImport, *, actor: str, agency_code: str, reason: str) -> None:
    """The file is not needed any more: imported, cancelled. (Expired ones go in `purge_uploads`.)"""
    audit.record(actor, "import.discarded", pending, agency=agency_code, reason=reason)
    pending.delete()


def purge_uploads() -> int:
    """Delete uploads nobody confirmed within IMPORT_PENDING_MINUTES (housekeeping, like expired drafts)."""
    deleted, _rows = PendingImport.system.filter(expires_at__lte=timezone.now()).delete()
    return deleted

"""Staff case screens: the queue, a case, and the forms that call cases.actions. Every query goes through
`Case.visible.for_member`, every field group through the policy table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from standtogether.cases import actions, clocks, linking, matching, policy
from standtogether.cases.models import (
    Case,
    CaseStatus,
    Classification,
    ContactChannel,
    ContactKind,
    Escalation,
    LinkKind,
    Outcome,
    Referral,
)
from standtogether.cases.risk import RiskForm, answers_from
from standtogether.core.models import AuditEvent
from standtogether.intake.text import FreeTextField
from standtogether.notify import rules
from standtogether.partners.models import Agency, Membership, Role
from standtogether.taxonomy.models import Marker, Strand

from . import membership as current_membership
from .views import staff_required

REVEAL_SECONDS = 10 * 60


def _member(request: HttpRequest) -> Membership:
    member = current_membership.current(request)
    if member is None:
        raise Http404("no active membership")
    return member


def case_for(member: Membership, reference: str, action: str = "view") -> Case:
    """404 for any case this member may not see: other agencies' ids reveal nothing, not even existence."""
    case = (
        Case.visible.for_member(member)
        .select_related("owner_agency", "officer__user", "officer__agency")
        .prefetch_related(
            "strands",
            "markers",
            "contacts",
            "escalations",
            "referrals__to_agency",
            "links__other",
            "reports__strands",
            "reports__markers",
            "reports__incident_types",
            "reports__evidence",
            "reports__setting",
            "reports__area",
        )
        .filter(reference=reference)
        .first()
    )
    if case is None or not policy.can(member, "view", case) or not policy.can(member, action, case):
        raise Http404
    return case


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=Membership.objects.none(), label=gettext_lazy("Officer"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = Membership.objects.filter(
            agency_id=case.owner_agency_id,
            active=True,
            role__in=[Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR],
        ).select_related("user")
        self.fields["officer"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.username} ({m.get_role_display()})"
        )


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(
        choices=Classification.choices, label=gettext_lazy("Classification"), required=False
    )
    strands = forms.ModelMultipleChoiceField(
        queryset=Strand.objects.filter(active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("It can be because of:"),
    )
    markers = forms.ModelMultipleChoiceField(
        queryset=Marker.objects.filter(active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Or because of any of these?"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("strands", "markers"):
            self.fields[name].label_from_instance = lambda term: term.label


class ContactForm(forms.Form):
    channel = forms.ChoiceField(choices=ContactChannel.choices, label=gettext_lazy("How"))
    kind = forms.ChoiceField(choices=ContactKind.choices, label=gettext_lazy("What"))
    home_visit = forms.BooleanField(required=False, label=gettext_lazy("This was or will be a home visit"))
    summary = FreeTextField(
        label=gettext_lazy("Summary"),
        max_length=5000,
        required=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReferForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True), label=gettext_lazy("Refer to")
    )
    note = FreeTextField(label=gettext_lazy("Why (no personal details)"), max_length=1000, required=False)


class RevealForm(forms.Form):
    reason = FreeTextField(
        label=gettext_lazy("Why do you need the contact details?"), max_length=300, required=True
    )


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The agency's open cases, soonest deadline first; `?overdue=1` lists every case past a deadline.

    Sorting and filtering use the stored next deadline (exact: see Case.next_due_at) and a partial index
    on open cases, so the database does the work (measured with 300,000 cases: bench/README.md).
    """
    member = _member(request)
    only_overdue = bool(request.GET.get("overdue"))
    cases = Case.visible.owned_by(member).exclude(status=CaseStatus.CLOSED).select_related("officer__user")
    if only_overdue:
        cases = cases.filter(next_due_at__lt=timezone.now())
    cases = cases.order_by(F("next_due_at").asc(nulls_last=True), "-opened_at")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"case": case, "overdue": bool(case.next_due_at and case.next_due_at < now)} for case in page]
    return render(
        request,
        "staff/queue.html",
        {"title": _("Cases"), "rows": rows, "member": member, "only_overdue": only_overdue, "page": page},
    )


def _revealed(request: HttpRequest, case: Case) -> bool:
    at = request.session.get(f"reveal:{case.reference}")
    return bool(at) and timezone.now().timestamp() - at < REVEAL_SECONDS


@staff_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    member = _member(request)
    return _case_page(request, member, case_for(member, reference))


def _case_page(
    request: HttpRequest, member: Membership, case: Case, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The case page; `bound` puts back a form as the person filled it in, so a refusal, a conflict or a
    mistake never loses what they typed (hidden version fields always carry the case as it is now)."""
    groups = policy.fields(member, case)
    reports = list(case.reports.all())  # prefetched with their terms and evidence in case_for
    context = {
        "title": case.reference,
        "case": case,
        "member": member,
        "groups": groups,
        "reports": reports if policy.DETAILS in groups else [],
        "revealed": policy.CONTACT in groups and _revealed(request, case),
        "clocks": clocks.clocks(case),
        "contacts": list(case.contacts.all()) if policy.DETAILS in groups else [],
        "referrals": list(case.referrals.all()),
        "verdicts": rules.all_verdicts(case) if policy.CONTACT in groups else [],
        "needs": matching.needs_of(case) if policy.DETAILS in groups else None,
        "can": {action: policy.can(member, action, case) for action in policy.ACTIONS},
        "assign_form": AssignForm(case=case, initial={"version": case.version, "officer": case.officer_id}),
        "risk_form": RiskForm(initial={"version": case.version}),
        "candidates": linking.candidates(case, Case.visible.for_member(member))
        if policy.can(member, "assign", case)
        else [],
        "links": list(case.links.all()),
        "risk_latest": case.risk_assessments.first(),
        "classify_form": ClassifyForm(initial=_classify_initial(case, reports)),
        "contact_form": ContactForm(),
        "refer_form": ReferForm(),
        "reveal_form": RevealForm(),
        "close_form": CloseForm(initial={"version": case.version}),
        "open_escalations": [e for e in case.escalations.all() if not e.resolved_at],
        "warnings": matching.assignment_warnings(case, case.officer) if case.officer else [],
    }
    context.update(bound or {})
    return render(request, "staff/case.html", context, status=status)


def _classify_initial(case: Case, reports: list) -> dict:
    """Confirmed strands and markers if staff have set them; otherwise what the reporters perceived."""
    strands = [t.code for t in case.strands.all()] or sorted(
        {t.code for r in reports for t in r.strands.all()}
    )
    markers = [t.code for t in case.markers.all()] or sorted(
        {t.code for r in reports for t in r.markers.all()}
    )
    return {
        "version": case.version,
        "classification": case.classification,
        "strands": strands,
        "markers": markers,
    }


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("staff_case", case.reference)


def _failed(
    request: HttpRequest, case: Case, message: str, form=None, key: str = "", status: int = 400
) -> HttpResponse:
    """Say what went wrong on the case page itself, with the form as it was filled in."""
    messages.error(request, message)
    member = _member(request)
    fresh = case_for(member, case.reference)
    return _case_page(request, member, fresh, {key: form} if form is not None else None, status)


CONFLICT = gettext_lazy(
    "Someone else changed this case while you were looking. Check the case as it is now, then try again."
)


def _perform(
    request: HttpRequest,
    reference: str,
    permission: str,
    form_class: type[forms.Form],
    invalid: str,
    call: Callable[[Case, Membership, dict], Any],
    done: Callable[[Any], str],
    refused: str = "%(reasons)s",
    form_needs_case: bool = False,
    key: str = "",
) -> HttpResponse:
    """One shape for every case form: policy first (404 if not allowed), then the form, then one action.

    A stale version becomes the conflict message; a refusal (consent, contact safety, state) is shown
    with its reasons. Every failure shows the case page again with the form as it was filled in (`key` is
    its name in the page), so nothing typed is lost; nothing typed is written anywhere else.
    """
    member = _member(request)
    case = case_for(member, reference, permission)
    form = form_class(request.POST, case=case) if form_needs_case else form_class(request.POST)
    if not form.is_valid():
        return _failed(request, case, invalid, form, key)
    try:
        result = call(case, member, form.cleaned_data)
    except actions.Conflict:
        return _failed(request, case, str(CONFLICT), form, key, status=409)
    except actions.Refused as exc:
        reasons = " ".join(map(str, exc.reasons))
        return _failed(request, case, refused % {"reasons": reasons}, form, key)
    except policy.PermissionDenied as exc:
        raise Http404 from exc
    return _done(request, case, done(result))


@require_POST
@staff_required
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    def call(case: Case, member: Membership, data: dict) -> Case:
        updated = actions.assign_case(case, data["officer"], by=member, version=data["version"])
        for warning in matching.assignment_warnings(updated, data["officer"]):
            messages.warning(request, warning)
        return updated

    return _perform(
        request,
        reference,
        "assign",
        AssignForm,
        _("Choose an officer from the list."),
        call,
        lambda _case: _("Case assigned."),
        form_needs_case=True,
        key="assign_form",
    )


@require_POST
@staff_required
def classify(request: HttpRequest, reference: str) -> HttpResponse:
    return _perform(
        request,
        reference,
        "classify",
        ClassifyForm,
        _("Choose a classification."),
        lambda case, member, data: actions.classify_case(
            case,
            classification=data["classification"],
            by=member,
            version=data["version"],
            strands=list(data["strands"]),
            markers=list(data["markers"]),
        ),
        lambda _case: _("Classification saved."),
        key="classify_form",
    )


@require_POST
@staff_required
def contact(request: HttpRequest, reference: str) -> HttpResponse:
    return _perform(
        request,
        reference,
        "record_contact",
        ContactForm,
        _("Choose how and what, and write a short summary."),
        lambda case, member, data: actions.record_contact(case, by=member, **data),
        lambda _contact: _("Contact recorded."),
        refused=_("Not allowed. %(reasons)s"),
        key="contact_form",
    )


@require_POST
@staff_required
def refer(request: HttpRequest, reference: str) -> HttpResponse:
    return _perform(
        request,
        reference,
        "refer",
        ReferForm,
        _("Choose an agency."),
        lambda case, member, data: actions.refer_case(case, data["agency"], reason=data["note"], by=member),
        lambda _referral: _("Referral sent."),
        refused=_("Not referred. %(reasons)s"),
        key="refer_form",
    )


@require_POST
@staff_required
def reveal(request: HttpRequest, reference: str) -> HttpResponse:
    member = _member(request)
    case = case_for(member, reference)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _failed(request, case, _("Say why you need the contact details."), form, "reveal_form")
    try:
        actions.read_sensitive(case, groups=[policy.CONTACT], reason=form.cleaned_data["reason"], by=member)
    except actions.Refused as exc:
        raise Http404 from exc
    request.session[f"reveal:{case.reference}"] = timezone.now().timestamp()
    return redirect("staff_case", case.reference)


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    return _inbox_page(request, _member(request))


def _inbox_page(request: HttpRequest, member: Membership, typed: dict | None = None, status: int = 200):
    """The partner's referrals; `typed` puts back the reason someone wrote when their answer was refused."""
    referrals = Referral.system.filter(to_agency_id=member.agency_id, status="pending").select_related("case")
    return render(
        request,
        "staff/inbox.html",
        {"title": _("Referrals to your agency"), "referrals": referrals, "member": member, "typed": typed},
        status=status,
    )


@require_POST
@staff_required
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    referral = Referral.system.filter(pk=pk, to_agency_id=member.agency_id).select_related("case").first()
    if referral is None:
        raise Http404
    reason = request.POST.get("reason", "")
    try:
        actions.respond_to_referral(
            referral, accept=request.POST.get("decision") == "accept", reason=reason, by=member
        )
    except actions.Refused as exc:
        messages.error(request, str(exc))
        return _inbox_page(request, member, {"pk": referral.pk, "text": reason}, status=400)
    except policy.PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("Answer recorded."))
    return redirect("staff_inbox")


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, label=gettext_lazy("Outcome"))
    detail = FreeTextField(
        label=gettext_lazy("What happened, in plain words, as you told the reporter"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    told = forms.BooleanField(required=False, label=gettext_lazy("The reporter has been told the outcome"))
    not_told_reason = FreeTextField(label=gettext_lazy("If not: why they cannot be told"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ResolveForm(forms.Form):
    note = FreeTextField(
        label=gettext_lazy("Answer to the reporter (shown on their tracking page)"),
        max_length=3000,
        required=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_POST
@staff_required
def close(request: HttpRequest, reference: str) -> HttpResponse:
    return _perform(
        request,
        reference,
        "close",
        CloseForm,
        _("Choose an outcome."),
        lambda case, member, data: actions.close_case(
            case,
            outcome=data["outcome"],
            detail=data["detail"],
            told=data["told"],
            not_told_reason=data["not_told_reason"],
            by=member,
            version=data["version"],
        ),
        lambda _case: _("Case closed."),
        refused=_("Tell the reporter the outcome first, or record why they cannot be told."),
        key="close_form",
    )


@staff_required
def escalations(request: HttpRequest) -> HttpResponse:
    return _escalations_page(request, _member(request))


def _escalations_page(request: HttpRequest, member: Membership, typed: dict | None = None, status: int = 200):
    """Open escalations the member may answer; `typed` puts back an answer that could not be saved."""
    visible = Case.visible.owned_by(member)
    items = (
        Escalation.system.filter(case__in=visible, resolved_at__isnull=True)
        .select_related("case")
        .order_by("raised_at")
    )
    rows = [
        item
        for item in items
        if policy.can(member, "resolve_concern" if item.kind == "concern" else "assign", item.case)
    ]
    return render(
        request,
        "staff/escalations.html",
        {"title": _("Escalations"), "rows": rows, "member": member, "typed": typed},
        status=status,
    )


@require_POST
@staff_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    escalation = Escalation.system.filter(pk=pk).select_related("case").first()
    if escalation is None or not Case.visible.for_member(member).filter(pk=escalation.case_id).exists():
        raise Http404
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(form.errors.get("note", [])) or _("Write an answer for the reporter.")
        )
        typed = {"pk": escalation.pk, "text": request.POST.get("note", "")}
        return _escalations_page(request, member, typed, status=400)
    try:
        actions.resolve_escalation(escalation, by=member, note=form.cleaned_data["note"])
    except (actions.Refused, policy.PermissionDenied) as exc:
        raise Http404 from exc
    messages.success(request, _("Resolved. The reporter can read your answer on the tracking page."))
    return redirect("staff_escalations")


@staff_required
def audit_trail(request: HttpRequest, reference: str) -> HttpResponse:
    member = _member(request)
    case = case_for(member, reference)
    if not policy.can_read(member, policy.AUDIT, case):
        raise Http404
    events = AuditEvent.objects.filter(object_id=str(case.uuid)).order_by("id")
    return render(
        request,
        "staff/audit.html",
        {"title": _("Audit trail"), "case": case, "events": events, "member": member},
    )


@require_POST
@staff_required
def assess(request: HttpRequest, reference: str) -> HttpResponse:
    return _perform(
        request,
        reference,
        "assess_risk",
        RiskForm,
        _("Answer the questions, then save."),
        lambda case, member, data: actions.assess_risk(
            case,
            answers=answers_from(data),
            by=member,
            version=data["version"],
        ),
        lambda case: _("Risk assessed: %(level)s.") % {"level": case.get_risk_display()},
        key="risk_form",
    )


@require_POST
@staff_required
def link(request: HttpRequest, reference: str) -> HttpResponse:
    member = _member(request)
    case = case_for(member, reference, "assign")
    other = case_for(member, request.POST.get("other", ""))
    kind = request.POST.get("kind", "")
    try:
        if request.POST.get("merge"):
            actions.merge_cases(case, other, by=member)
            return _done(
                request, case, _("Joined: %(other)s is now part of this case.") % {"other": other.reference}
            )
        if kind not in LinkKind.values:
            return _failed(request, case, _("Choose how the cases are related."))
        actions.link_cases(case, other, kind=kind, by=member)
    except actions.Refused as exc:
        return _failed(request, case, str(exc))
    except policy.PermissionDenied as exc:
        raise Http404 from exc
    return _done(request, case, _("Cases linked."))

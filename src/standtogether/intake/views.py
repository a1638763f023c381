"""The public reporting journey. Views parse, call one action, render; they never write models directly."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from standtogether.cases import actions as case_actions
from standtogether.core import ratelimit
from standtogether.partners.models import Agency

from . import actions, journey, printed, reading, tracking
from .forms import AddInformationForm, ResumeForm, TrackForm
from .review import summary_sections
from .text import FreeTextField
from .uploads import UploadRejected, check_files, check_upload


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"title": _("Report hate crime and hate incidents")})


def start(request: HttpRequest) -> HttpResponse:
    draft = journey.current_draft(request)
    return render(
        request,
        "intake/start.html",
        {
            "title": _("Report hate crime or a hate incident"),
            "draft": draft if draft and not draft.report_id else None,
        },
    )


def support(request: HttpRequest) -> HttpResponse:
    services = Agency.objects.filter(is_support_service=True, active=True)
    return render(
        request,
        "public/support.html",
        {
            "title": _("Help and support"),
            "services": services,
            "downloads": printed.downloads(get_language()),
        },
    )


@require_safe
def printed_material(request: HttpRequest, kind: str) -> FileResponse:
    """The guide, poster or paper form as a PDF in the page's language, built on its first request."""
    language = get_language()
    try:
        path = printed.cached_pdf(kind, language)
    except LookupError as error:
        raise Http404 from error
    response = FileResponse(
        path.open("rb"), content_type="application/pdf", filename=f"stand-together-{kind}-{language}.pdf"
    )
    # The same public leaflet for everyone: caches may keep it (core/middleware.py lets this through).
    response.public_material = True  # type: ignore[attr-defined]
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _step_context(step: journey.Step, form, draft, **extra) -> dict:
    previous = journey.previous_step(step.slug)
    return {
        "title": step.title,
        "step": step,
        "form": form,
        "draft": draft,
        "hints": form.hints(),
        "step_number": journey.step_number(step.slug),
        "total_steps": journey.TOTAL_STEPS,
        "back_url": reverse("intake:step", args=[previous.slug]) if previous else reverse("intake:start"),
        **extra,
    }


def _after_step(request: HttpRequest, step: journey.Step) -> HttpResponse:
    if "save_later" in request.POST:
        return redirect("intake:save_later")
    following = journey.next_step(step.slug)
    if request.GET.get("return") == "check" or following is None:
        return redirect("intake:check")
    return redirect("intake:step", following.slug)


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str) -> HttpResponse:
    current = journey.STEP_BY_SLUG.get(slug)
    if current is None:
        raise Http404
    draft = journey.draft_for(request)
    if draft.report_id:
        return redirect("intake:confirmation")
    if current.slug == "evidence":
        return evidence_step(request, current, draft)
    easy = reading.is_easy(request)  # Easy Read words; the same fields and answers
    if request.method == "POST":
        form = current.form(request.POST, easy=easy)
        if form.is_valid():
            journey.save_answers(draft, current.slug, form.answers(), honeypot=form.honeypot_filled)
            return _after_step(request, current)
    else:
        form = current.form(initial=journey.answers_for(draft, current.slug), easy=easy)
    return render(
        request, current.template, _step_context(current, form, draft), status=400 if form.errors else 200
    )


def evidence_step(request: HttpRequest, current: journey.Step, draft) -> HttpResponse:
    easy = reading.is_easy(request)
    form = (
        current.form(request.POST, request.FILES, easy=easy)
        if request.method == "POST"
        else current.form(easy=easy)
    )
    rejected: list[tuple[str, str]] = []
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            actions.remove_draft_evidence(draft, remove)
            return redirect("intake:step", current.slug)
        if form.is_valid():
            files = form.cleaned_data["files"]
            rejected = _store_uploads(request, draft, files)
            if not rejected:
                journey.save_answers(draft, current.slug, {}, honeypot=form.honeypot_filled)
                if "upload" in request.POST:
                    return redirect("intake:step", current.slug)
                return _after_step(request, current)
    context = _step_context(current, form, draft, evidence=draft.evidence.all(), rejected=rejected)
    return render(request, current.template, context, status=400 if rejected or form.errors else 200)


def _store_uploads(request: HttpRequest, draft, files) -> list[tuple[str, str]]:
    """Check every file; keep the good ones, name each bad one with its reason. Nothing else is lost."""
    stored = list(draft.evidence.all())
    accepted, rejected = check_files(
        files, ratelimit.client_key(request), count=len(stored), total=sum(item.size for item in stored)
    )
    for checked in accepted:
        actions.add_draft_evidence(draft, checked)
    return rejected


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    draft = journey.current_draft(request)
    if draft is None:
        return redirect("intake:start")
    if draft.report_id:
        return redirect("intake:confirmation")
    errors = []
    if request.method == "POST":
        if request.POST.get("submit_key") != draft.submit_key or not draft.submit_key:
            errors.append(
                ("", _("This page was out of date. Check your answers, then send your report again."))
            )
        elif not journey.has_description(draft):
            errors.append(
                (
                    reverse("intake:step", args=["what"]) + "?return=check",
                    _("Tell us what happened before you send your report."),
                )
            )
        elif not ratelimit.hit("submit", ratelimit.client_key(request)):
            errors.append(
                (
                    "",
                    _(
                        "Too many reports were sent from this connection in the last hour. "
                        "Your answers are saved: please try again later, or call us."
                    ),
                )
            )
        else:
            try:
                actions.submit_report(draft, draft.submit_key)
            except actions.SubmissionRefused:
                errors.append(("", _("Tell us what happened before you send your report.")))
            else:
                return redirect("intake:confirmation")
    if not draft.submit_key or errors:
        journey.issue_submit_key(draft)
    context = {
        "title": _("Check your answers before sending your report"),
        "sections": summary_sections(draft, easy=reading.is_easy(request)),
        "draft": draft,
        "submit_errors": errors,
        "has_description": journey.has_description(draft),
        "step_number": journey.TOTAL_STEPS,
        "total_steps": journey.TOTAL_STEPS,
        "back_url": reverse("intake:step", args=[journey.STEPS[-1].slug]),
    }
    return render(request, "intake/check.html", context, status=400 if errors else 200)


def confirmation(request: HttpRequest) -> HttpResponse:
    draft = journey.current_draft(request)
    if draft is None or not draft.report_id:
        return redirect("intake:start")
    report = draft.report
    services = Agency.objects.filter(is_support_service=True, active=True)
    return render(
        request,
        "intake/confirmation.html",
        {
            "title": _("Your report has been sent"),
            "reference": draft.confirmation["reference"],
            "secret": draft.confirmation["secret"],
            "report": report,
            "services": services,
        },
    )


@require_http_methods(["GET", "POST"])
def save_later(request: HttpRequest) -> HttpResponse:
    draft = journey.current_draft(request)
    if draft is None or draft.report_id:
        return redirect("intake:start")
    code = None
    if request.method == "POST":
        code = actions.save_for_later(draft)
    return render(
        request,
        "intake/save_later.html",
        {"title": _("Save and come back later"), "code": code, "expires_at": draft.expires_at},
    )


@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest) -> HttpResponse:
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = ratelimit.client_key(request)
        if ratelimit.exceeded("resume", client):
            form.add_error("code", _("Too many tries. Please wait 15 minutes and try again."))
        else:
            draft = actions.find_draft_by_resume_code(form.cleaned_data["code"])
            if draft is None:
                ratelimit.hit("resume", client)
                form.add_error(
                    "code",
                    _(
                        "We could not find a saved report with that code. Check the code and try "
                        "again. Saved reports are deleted after %(hours)d hours."
                    )
                    % {"hours": settings.DRAFT_LIFETIME_HOURS},
                )
            else:
                request.session.cycle_key()
                request.session[journey.SESSION_KEY] = str(draft.uuid)
                return redirect("intake:check")
    return render(
        request,
        "intake/resume.html",
        {"title": _("Continue a saved report"), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None, easy=reading.is_easy(request))
    if request.method == "POST" and form.is_valid():
        try:
            report = tracking.open_report(request, form.cleaned_data["reference"], form.cleaned_data["code"])
        except tracking.Throttled:
            form.add_error(None, _("Too many tries. Please wait 15 minutes and try again."))
        else:
            if report is None:
                form.add_error(
                    None, _("The reference or the secret code is not right. Check both and try again.")
                )
            else:
                return redirect("intake:track_status")
    return render(
        request,
        "intake/track.html",
        {"title": _("Check your report"), "form": form},
        status=400 if form.errors else 200,
    )


def track_status(request: HttpRequest) -> HttpResponse:
    report = tracking.tracked_report(request)
    if report is None:
        return redirect("intake:track")
    return _render_track_status(request, report)


def _render_track_status(
    request: HttpRequest, report, *, concern_text: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "title": _("Your report"),
        "view": tracking.project(report),
        "added": request.GET.get("added"),
        "anonymous": report.anonymous,
        "concern_text": concern_text,
    }
    return render(request, "intake/track_status.html", context, status=status)


@require_http_methods(["GET", "POST"])
def track_add(request: HttpRequest) -> HttpResponse:
    report = tracking.tracked_report(request)
    if report is None:
        return redirect("intake:track")
    easy = reading.is_easy(request)
    form = (
        AddInformationForm(request.POST, request.FILES, easy=easy)
        if request.method == "POST"
        else AddInformationForm(easy=easy)
    )
    rejected = []
    if request.method == "POST" and form.is_valid():
        checked = []
        for upload in form.cleaned_data["files"][: settings.UPLOAD_MAX_FILES]:
            try:
                checked.append(check_upload(upload))
            except UploadRejected as exc:
                rejected.append(((upload.name or "")[:100], str(exc.message)))
        if not rejected:
            actions.add_information(report, form.cleaned_data.get("text") or "", checked)
            return redirect(reverse("intake:track_status") + "?added=1")
    return render(
        request,
        "intake/track_add.html",
        {"title": _("Add information to your report"), "form": form, "rejected": rejected},
        status=400 if rejected or form.errors else 200,
    )


@require_POST
def track_stop(request: HttpRequest) -> HttpResponse:
    tracking.stop_tracking(request)
    return redirect("intake:track")


@require_POST
def track_contact_me(request: HttpRequest) -> HttpResponse:
    report = tracking.tracked_report(request)
    if report is None:
        return redirect("intake:track")
    if not report.anonymous:
        case_actions.reporter_asks_for_contact(report.case)
    return redirect("intake:track_status")


@require_POST
def track_concern(request: HttpRequest) -> HttpResponse:
    report = tracking.tracked_report(request)
    if report is None:
        return redirect("intake:track")
    field = FreeTextField(max_length=3000, required=True)
    try:
        text = field.clean(request.POST.get("concern", ""))
    except forms.ValidationError:
        messages.error(request, _("Tell us what is wrong in a few words (up to 3000 characters)."))
        return _render_track_status(request, report, concern_text=request.POST.get("concern", ""), status=400)
    case_actions.raise_concern(report.case, text=text)
    return redirect("intake:track_status")


@require_POST
def track_withdraw_consent(request: HttpRequest) -> HttpResponse:
    """The reporter stops further sharing with partner agencies; recorded, and shown back to them."""
    report = tracking.tracked_report(request)
    if report is None:
        return redirect("intake:track")
    if not report.case.consent_withdrawn_at:
        case_actions.withdraw_consent(report.case)
    return redirect("intake:track_status")

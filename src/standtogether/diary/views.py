"""The private diary on the public site. Views parse, call one action, render; no JavaScript needed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from standtogether.core import ratelimit
from standtogether.intake import actions as intake_actions
from standtogether.intake import tracking
from standtogether.intake.uploads import check_files

from . import actions, export, opening, reporting, timeline
from .forms import AddToReportForm, ChooseEntriesForm, EntryForm, NewDiaryForm, OpenDiaryForm
from .opening import OpenDiary


def _wrong_message() -> str:
    return _("The diary code or the passphrase is not right. Check both and try again.")


def open_diary_required(view: Callable) -> Callable:
    """The diary must be open in this browser; otherwise back to the page that opens it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        opened = opening.current(request)
        if opened is None:
            return redirect(reverse("diary:index") + "?locked=1")
        return view(request, opened, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """What a diary is, start one, or open yours with its code and passphrase."""
    form = OpenDiaryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = opening.try_open(request, form.cleaned_data["code"], form.cleaned_data["passphrase"])
        except opening.NotACode:
            form.add_error("code", _("This is not a diary code. Check each letter and number and try again."))
        except opening.Throttled:
            form.add_error(None, _("Too many tries. Please wait 15 minutes and try again."))
        else:
            if opened is None:
                form.add_error(None, _wrong_message())
            else:
                response = redirect("diary:timeline")
                opening.hold(request, response, opened)
                return response
    context = {
        "title": _("Your private diary"),
        "form": form,
        "is_open": opening.current(request) is not None,
        "locked": request.GET.get("locked") and request.method == "GET",
    }
    return render(request, "diary/index.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    form = NewDiaryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit("diary_create", ratelimit.client_key(request)):
            form.add_error(None, _("Too many diaries were started from this connection. Try again later."))
        else:
            opened, code = actions.create_diary(form.cleaned_data["passphrase"])
            # Post/redirect/get: a reload of the page that shows the code never makes a second diary.
            response = redirect("diary:ready")
            opening.hold(request, response, opened)
            opening.keep_new_code(request, opened, code)
            return response
    return render(
        request,
        "diary/new.html",
        {
            "title": _("Start a private diary"),
            "form": form,
            "unused_days": settings.DIARY_UNUSED_DAYS,
            "unused_years": settings.DIARY_UNUSED_DAYS // 365 if settings.DIARY_UNUSED_DAYS % 365 == 0 else 0,
        },
        status=400 if form.errors else 200,
    )


@open_diary_required
def ready(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    """The new diary's code, shown once: after that (a reload, the back button) the diary itself."""
    code = opening.take_new_code(request, opened)
    if code is None:
        return redirect("diary:timeline")
    context = {
        "title": _("Your diary is ready"),
        "code": code,
        "deletion": opening.deletion_date(opened.diary),
    }
    return render(request, "diary/code.html", context)


@require_safe
def guidance(request: HttpRequest) -> HttpResponse:
    return render(request, "diary/guidance.html", {"title": _("How to keep a good record")})


@require_POST
def lock(request: HttpRequest) -> HttpResponse:
    response = redirect(reverse("diary:index") + "?locked=1")
    opening.lock(request, response)
    return response


@require_safe
@open_diary_required
def timeline_view(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    reported = reporting.settle_pending(request, opened)
    if reported:
        messages.success(
            request,
            _("Your report %(reference)s was sent. The entries stay in your diary.")
            % {"reference": reported},
        )
    context = {
        "title": _("Your diary"),
        "entries": timeline.entries(opened),
        "deletion": opening.deletion_date(opened.diary),
        "warning": opening.take_warning(request),
        "added": request.GET.get("added"),
    }
    return render(request, "diary/timeline.html", context)


def _check_files(request: HttpRequest, uploads, already: int) -> tuple[list, list[tuple[str, str]]]:
    """Check every file by content (intake/uploads.py); all or nothing, each bad file named with why."""
    return check_files(uploads, ratelimit.client_key(request), count=already)


@require_http_methods(["GET", "POST"])
@open_diary_required
def add_entry(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    return _entry_form(request, opened, None)


@require_http_methods(["GET", "POST"])
@open_diary_required
def change_entry(request: HttpRequest, opened: OpenDiary, entry_uuid: str) -> HttpResponse:
    return _entry_form(request, opened, _entry_or_404(opened, entry_uuid))


def _entry_or_404(opened: OpenDiary, entry_uuid) -> tuple:
    """(row, view) of one entry of the open diary; any other id, whoever's, is simply not found."""
    found = timeline.entry(opened, str(entry_uuid))
    if found is None:
        raise Http404
    return found


def _entry_form(request: HttpRequest, opened: OpenDiary, found) -> HttpResponse:
    row, view = found if found else (None, None)
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES)
    elif view is not None:
        form = EntryForm(
            initial={
                "date": view.date,
                "approximate": view.approximate,
                **{name: getattr(view, name) for name in ("time", *timeline.TEXT_FIELDS)},
            }
        )
    else:
        form = EntryForm()
    rejected: list[tuple[str, str]] = []
    if request.method == "POST" and row is not None and request.POST.get("remove"):
        # "Remove" on a file: the file goes now; what was typed on the page comes back as typed (not saved).
        actions.remove_file(opened, row, request.POST["remove"])
        row, view = timeline.entry(opened, str(row.uuid))
        form = EntryForm(request.POST)
    elif request.method == "POST" and form.is_valid():
        checked, rejected = _check_files(request, form.cleaned_data["files"], view.file_count if view else 0)
        if not rejected:
            if row is None:
                try:
                    row = actions.add_entry(opened, form.answers(), checked)
                except actions.DiaryFull:
                    messages.error(request, _("Your diary is full. Export it, then delete old entries."))
                    return redirect("diary:timeline")
                return redirect(reverse("diary:entry", args=[row.uuid]) + "?added=1")
            actions.change_entry(opened, row, form.answers(), checked)
            return redirect(reverse("diary:entry", args=[row.uuid]) + "?saved=1")
    context = {
        "title": _("Change this entry") if row else _("Add an entry"),
        "form": form,
        "entry": view,
        "rejected": rejected,
        "back_url": reverse("diary:entry", args=[row.uuid]) if row else reverse("diary:timeline"),
    }
    return render(request, "diary/entry_form.html", context, status=400 if form.errors or rejected else 200)


@require_safe
@open_diary_required
def entry(request: HttpRequest, opened: OpenDiary, entry_uuid: str) -> HttpResponse:
    _row, view = _entry_or_404(opened, entry_uuid)
    context = {
        "title": view.when,
        "entry": view,
        "added": request.GET.get("added"),
        "saved": request.GET.get("saved"),
    }
    return render(request, "diary/entry.html", context)


@require_http_methods(["GET", "POST"])
@open_diary_required
def delete_entry(request: HttpRequest, opened: OpenDiary, entry_uuid: str) -> HttpResponse:
    row, view = _entry_or_404(opened, entry_uuid)
    if request.method == "POST":
        actions.delete_entry(opened, row)
        messages.success(request, _("The entry was deleted."))
        return redirect("diary:timeline")
    return render(request, "diary/delete_entry.html", {"title": _("Delete this entry?"), "entry": view})


@require_safe
@open_diary_required
def file_download(request: HttpRequest, opened: OpenDiary, entry_uuid: str, file_uuid: str) -> HttpResponse:
    found = timeline.entry(opened, str(entry_uuid))
    content = timeline.file_content(opened, found[0], str(file_uuid)) if found else None
    if content is None:
        raise Http404
    meta, data = content
    response = HttpResponse(data, content_type=meta["content_type"])
    response["Content-Disposition"] = f'attachment; filename="diary-file.{meta["extension"]}"'
    return response


@require_safe
@open_diary_required
def export_page(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    return render(request, "diary/export.html", {"title": _("Download your diary")})


@require_safe
@open_diary_required
def export_pdf(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    response = HttpResponse(export.as_pdf(opened), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="diary.pdf"'
    return response


@require_safe
@open_diary_required
def export_text(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    response = HttpResponse(export.as_text(opened), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="diary.txt"'
    return response


@require_http_methods(["GET", "POST"])
@open_diary_required
def report(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    views = timeline.entries(opened)
    choices = [(v.uuid, v.when) for v in views]
    form = ChooseEntriesForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["entries"])
        chosen = [timeline.entry(opened, v.uuid) for v in views if v.uuid in wanted]
        chosen = [c for c in chosen if c is not None]
        files = sum(view.file_count for _row, view in chosen)
        reporting.start_report(request, opened, chosen, settings.UPLOAD_MAX_FILES)
        if files > settings.UPLOAD_MAX_FILES:
            messages.error(
                request,
                _("Only the first %(count)d files were added. You can add others later.")
                % {"count": settings.UPLOAD_MAX_FILES},
            )
        return redirect("intake:step", "who")
    context = {"title": _("Report entries from your diary"), "form": form, "entries": views}
    return render(request, "diary/report.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@open_diary_required
def add_to_report(request: HttpRequest, opened: OpenDiary, entry_uuid: str) -> HttpResponse:
    """Add a later entry to a report already sent: the same reference and secret code as tracking."""
    row, view = _entry_or_404(opened, entry_uuid)
    form = AddToReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            tracked = tracking.open_report(request, form.cleaned_data["reference"], form.cleaned_data["code"])
        except tracking.Throttled:
            form.add_error(None, _("Too many tries. Please wait 15 minutes and try again."))
        else:
            if tracked is None:
                form.add_error(
                    None, _("The reference or the secret code is not right. Check both and try again.")
                )
            else:
                files = reporting.files_from(opened, [(row, view)])[: settings.UPLOAD_MAX_FILES]
                intake_actions.add_information(tracked, reporting.entry_as_text(view), files)
                actions.record_reported(opened, [row], tracked.reference)
                messages.success(
                    request,
                    _("This entry was added to your report %(reference)s.")
                    % {"reference": tracked.reference},
                )
                return redirect("diary:entry", row.uuid)
    context = {"title": _("Add this entry to a report you sent"), "form": form, "entry": view}
    return render(request, "diary/add_to_report.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@open_diary_required
def delete_diary(request: HttpRequest, opened: OpenDiary) -> HttpResponse:
    if request.method == "POST":
        actions.delete_diary(opened)
        response = redirect(reverse("diary:index") + "?deleted=1")
        opening.lock(request, response)
        return response
    return render(request, "diary/delete_diary.html", {"title": _("Delete your whole diary?")})

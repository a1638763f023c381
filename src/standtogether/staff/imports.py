"""Staff pages for importing a partner's past records from CSV (docs/import.md): upload, dry run, confirm.

Who may open them and import for which agency is in cases/policy.py (PARTNERSHIP_PAGES["import"],
may_import_for). Between the dry run and the confirmation the file is kept server-side, encrypted
(intake.models.PendingImport), tied to the person who uploaded it, for IMPORT_PENDING_MINUTES at most.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from standtogether.cases import policy
from standtogether.intake import actions, importing
from standtogether.intake.models import PendingImport
from standtogether.partners.models import Agency, Membership

from . import membership as current_membership
from .views import staff_required

MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and the multipart boundaries


def _member(request: HttpRequest) -> Membership:
    member = current_membership.current(request)
    if not policy.can_open(member, "import"):
        raise Http404
    return member


def _agencies(member: Membership) -> list[Agency]:
    return [agency for agency in Agency.objects.filter(active=True) if policy.may_import_for(member, agency)]


class UploadForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Whose records are these?"))

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]


def _actor(member: Membership) -> str:
    return f"user:{member.user_id}"


@csrf_exempt  # checked below, once the upload handlers are set (Django's documented pattern)
@require_http_methods(["GET", "POST"])
@staff_required
def upload(request: HttpRequest) -> HttpResponse:
    # Only ever in memory: a file over the limit is dropped while it is read, never written to a
    # temporary file in the clear (importing.max_bytes() is never more than FILE_UPLOAD_MAX_MEMORY_SIZE).
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    actions.purge_uploads()
    agencies = _agencies(member)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    form = UploadForm(request.POST or None, agencies=agencies, initial={"agency": member.agency.code})
    file_error = ""
    problems: list[importing.Problem] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        # Over the memory limit the handler drops the file while reading it: say so, not "choose a file".
        too_big = length > importing.max_bytes() + MULTIPART_OVERHEAD or (
            upload is None and length > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        )
        if too_big:
            file_error = _("The file is too big: at most %(limit)d KB. Split it into smaller files.") % {
                "limit": importing.max_bytes() // 1024
            }
        elif upload is None:
            file_error = _("Choose the CSV file to check.")
        elif not upload.name.lower().endswith((".csv", ".txt")):
            file_error = _("The file must be a CSV file (its name ends in .csv).")
        if form.is_valid() and not file_error:
            agency = next(a for a in agencies if a.code == form.cleaned_data["agency"])
            check = importing.check(upload.read(importing.max_bytes() + 1), agency)
            if check.readable and check.text:
                pending = actions.hold_upload(check, membership=member, agency=agency)
                return redirect("staff_import_check", pending.uuid)
            problems = check.problems
    errors = []
    if file_error:
        errors.append({"href": "#file", "text": file_error})
    errors += [{"href": "#id_agency", "text": e} for e in form.errors.get("agency", [])]
    errors += [{"href": "#file", "text": str(p)} for p in problems]
    status = 400 if errors else 200
    return render(
        request,
        "staff/import.html",
        {
            "title": _("Import partner records"),
            "member": member,
            "form": form,
            "choose_agency": len(agencies) > 1,
            "errors": errors,
            "file_error": file_error or (str(problems[0]) if problems else ""),
            "max_kb": importing.max_bytes() // 1024,
            "columns": importing.COLUMNS,
        },
        status=status,
    )


def _pending(member: Membership, uuid) -> PendingImport:
    pending = (
        PendingImport.system.filter(uuid=uuid, membership=member, expires_at__gt=timezone.now())
        .select_related("agency")
        .first()
    )
    if pending is None or not policy.may_import_for(member, pending.agency):
        raise Http404
    return pending


def _check(pending: PendingImport) -> importing.Check:
    check = importing.check(pending.content.encode("utf-8"), pending.agency)
    check.sha256 = pending.file_sha256  # of the file as uploaded (it may have been UTF-16, or had a BOM)
    return check


@require_http_methods(["GET", "POST"])
@staff_required
def review(request: HttpRequest, uuid) -> HttpResponse:
    """The dry run's report; confirming imports (again checked against what is there now)."""
    member = _member(request)
    pending = _pending(member, uuid)
    check = _check(pending)
    skip = request.POST.get("skip_bad_rows") == "yes"
    refused = ""
    if request.method == "POST":
        if check.bad and not skip:
            refused = ngettext(
                "Nothing was imported: %(count)d row has problems. Fix it in the file and upload it "
                "again, or choose to leave it out.",
                "Nothing was imported: %(count)d rows have problems. Fix them in the file and upload it "
                "again, or choose to leave those rows out.",
                len(check.bad),
            ) % {"count": len(check.bad)}
        elif not check.new:
            refused = _("There is nothing new to import in this file.")
        else:
            try:
                result = actions.import_records(
                    check,
                    agency=pending.agency,
                    actor=_actor(member),
                    by_agency=member.agency.code,
                    skip_bad_rows=skip,
                )
            except actions.ImportRefused:
                refused = _("Nothing was imported: the file has problems. Fix them and upload it again.")
            else:
                actions.discard_upload(
                    pending, actor=_actor(member), agency_code=member.agency.code, reason="imported"
                )
                messages.success(
                    request,
                    ngettext(
                        "Imported %(created)d record from %(agency)s. It is a report with a case in the "
                        "triage queue.",
                        "Imported %(created)d records from %(agency)s. Each is a report with a case in the "
                        "triage queue.",
                        len(result.created),
                    )
                    % {"created": len(result.created), "agency": pending.agency.name},
                )
                if result.skipped:
                    messages.info(
                        request,
                        _("Left out the rows with problems, on lines: %(lines)s.")
                        % {"lines": ", ".join(str(line) for line in result.skipped)},
                    )
                return redirect("staff_import")
    return render(
        request,
        "staff/import_check.html",
        {
            "title": _("Check the import"),
            "member": member,
            "pending": pending,
            "check": check,
            "counts": check.counts(),
            "skip": skip,
            "refused": refused,
            "refused_items": [{"href": "#import-problems" if check.bad else "", "text": refused}],
            "minutes": settings.IMPORT_PENDING_MINUTES,
        },
        status=400 if refused else 200,
    )


@require_POST
@staff_required
def cancel(request: HttpRequest, uuid) -> HttpResponse:
    member = _member(request)
    pending = _pending(member, uuid)
    actions.discard_upload(pending, actor=_actor(member), agency_code=member.agency.code, reason="cancelled")
    messages.success(request, _("Import cancelled. The uploaded file has been deleted."))
    return redirect("staff_import")


@staff_required
def template(request: HttpRequest) -> HttpResponse:
    _member(request)
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="import-template.csv"'
    return response

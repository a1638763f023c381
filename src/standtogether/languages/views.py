"""Staff pages: where each language stands (/staff/languages/) and translating in the browser
(/staff/translate/). Both behind the second factor; who may open them is in cases/policy.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from standtogether.cases import policy
from standtogether.partners.models import Membership
from standtogether.staff import membership as current_membership
from standtogether.staff.views import staff_required

from . import actions, catalogues, status

PER_PAGE = 20


def _member_for(request: HttpRequest, allowed) -> Membership:
    """404 for anyone the policy does not let in, like a case they may not see."""
    member = current_membership.current(request)
    if not allowed(member):
        raise Http404
    return member


@staff_required
def languages(request: HttpRequest) -> HttpResponse:
    member = _member_for(request, lambda m: policy.can_open(m, "languages"))
    return render(
        request,
        "staff/languages.html",
        {"title": _("Languages"), "member": member, "rows": status.overview()},
    )


@staff_required
def translate_index(request: HttpRequest) -> HttpResponse:
    member = _member_for(request, policy.can_translate)
    rows = []
    for code, name in catalogues.languages():
        entries = catalogues.read(code)
        rows.append(
            {
                "code": code,
                "name": name,
                "rtl": code in settings.RTL_LANGUAGES,
                "total": len(entries),
                "untranslated": sum(entry.state == "untranslated" for entry in entries),
                "fuzzy": sum(entry.state == "fuzzy" for entry in entries),
                "status": status.status_of(code),
            }
        )
    return render(
        request, "staff/translate_index.html", {"title": _("Translations"), "member": member, "rows": rows}
    )


def _listing(request: HttpRequest, code: str) -> dict:
    entries = catalogues.read(code)
    show = request.GET.get("show", "todo")
    show = show if show in ("todo", "all") else "todo"
    query = request.GET.get("q", "")[:200]
    found = catalogues.search(entries, query, todo=show == "todo")
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "entries": entries,
        "page": page,
        "show": show,
        "query": query,
        "filters": urlencode({"show": show, "q": query, "page": page.number}),
        "counts": {
            "total": len(entries),
            "untranslated": sum(entry.state == "untranslated" for entry in entries),
            "fuzzy": sum(entry.state == "fuzzy" for entry in entries),
            "found": len(found),
        },
    }


@require_http_methods(["GET", "POST"])
@staff_required
def translate(request: HttpRequest, code: str) -> HttpResponse:
    member = _member_for(request, policy.can_translate)
    if not catalogues.is_language(code):
        raise Http404
    language = settings.ALL_LANGUAGES[code]
    context = {
        "title": _("Translate: %(language)s") % {"language": language},
        "member": member,
        "code": code,
        "language": language,
        "rtl": code in settings.RTL_LANGUAGES,
        "writable": catalogues.writable(code),
        "errors": {},
        "typed": {},
    }
    if request.method == "POST":
        key = request.POST.get("key", "")
        # One text per plural form (at most six in any language), in order.
        texts = [request.POST[f"msgstr_{n}"] for n in range(6) if f"msgstr_{n}" in request.POST]
        fuzzy = request.POST.get("fuzzy") == "yes"
        back = f"{reverse('staff_translate_language', args=[code])}?{request.GET.urlencode()}"
        try:
            actions.save_translation(
                code, key, texts, fuzzy=fuzzy, version=request.POST.get("version", ""), by=member
            )
        except actions.Refused as refusal:
            context["errors"] = {key: refusal.reasons}
            context["typed"] = {key: {"texts": texts, "fuzzy": fuzzy}}
        except actions.Conflict:
            messages.error(
                request,
                _("Someone changed this translation after you opened the page. Here it is as it is now."),
            )
            return redirect(f"{back}#entry-{key}")
        except actions.CatalogueError as error:
            context["errors"] = {key: [str(error)]}
            context["typed"] = {key: {"texts": texts, "fuzzy": fuzzy}}
        else:
            messages.success(request, _("Translation saved."))
            return redirect(f"{back}#entry-{key}")
    context.update(_listing(request, code))
    for entry in context["page"].object_list:
        typed = context["typed"].get(entry.key)
        entry.shown = typed["texts"] if typed else entry.msgstr
        entry.shown_fuzzy = typed["fuzzy"] if typed else entry.fuzzy
        entry.errors = context["errors"].get(entry.key, [])
    status_code = 400 if context["errors"] else 200
    return render(request, "staff/translate.html", context, status=status_code)


@staff_required
def download(request: HttpRequest, code: str) -> FileResponse:
    """The catalogue as it is on this server, to commit to the repository (the .po in git is the source)."""
    _member_for(request, policy.can_translate)
    if not catalogues.is_language(code):
        raise Http404
    path = status.catalogue_path(code)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{code}-django.po",
        content_type="text/x-gettext-translation; charset=utf-8",
    )

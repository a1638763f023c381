"""The owner's copy of their diary, to take to a meeting, a landlord or a solicitor: a PDF (pictures
included, in our own fonts, laid out by WeasyPrint as the printed material is) and a plain text file.

Made on request from the open diary and sent straight back; nothing is written to disk or kept.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from standtogether.intake import printed

from . import reporting, timeline
from .opening import OpenDiary


def _reported_line(view: timeline.EntryView) -> str:
    return _("Reported: %(reference)s") % {"reference": view.reference} if view.reference else ""


def as_text(opened: OpenDiary) -> bytes:
    made = date_format(timezone.localtime(), "j E Y, H:i")
    lines = [_("My diary"), _("Downloaded on %(date)s") % {"date": made}, ""]
    for view in timeline.entries(opened):
        lines.append("=" * 40)
        lines.append(reporting.entry_as_text(view))
        if view.reference:
            lines.append(_reported_line(view))
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _pictures(opened: OpenDiary, row, view: timeline.EntryView) -> list[dict]:
    pictures = []
    for meta in view.files:
        if meta["kind"] != "image":
            continue
        found = timeline.file_content(opened, row, meta["uuid"])
        if found is None:
            continue
        data = base64.b64encode(found[1]).decode()
        pictures.append({"label": meta["label"], "src": f"data:{meta['content_type']};base64,{data}"})
    return pictures


def render_html(opened: OpenDiary) -> str:
    language = get_language() or settings.LANGUAGE_CODE
    items = []
    for view in timeline.entries(opened):
        row = opened.diary.entries.get(uuid=view.uuid)
        items.append({"view": view, "pictures": _pictures(opened, row, view)})
    return render_to_string(
        "diary/export_pdf.html",
        {
            "kind": "diary",
            "title": _("My diary"),
            "language": language,
            "direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
            "font_css": printed.font_css(language),
            "page_footer": 'counter(page) " / " counter(pages)',
            "partnership_name": settings.PARTNERSHIP_NAME,
            "made": timezone.localtime(),
            "items": items,
        },
    )


def _fetcher():
    """Our font files (as for the printed material) and the pictures inlined as data: URLs; nothing else."""
    from weasyprint.urls import URLFetcher

    fonts = printed._fonts_only_fetcher()

    class DiaryFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(("data:image/jpeg;", "data:image/png;")):
                return super().fetch(url, headers)
            return fonts.fetch(url, headers)

    return DiaryFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def as_pdf(opened: OpenDiary) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(opened), url_fetcher=_fetcher()).write_pdf(pdf_tags=True)

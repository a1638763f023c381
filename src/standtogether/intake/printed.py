"""Printed material, per language, for people who will not or cannot use the website: a guide to reporting,
a poster with a QR code, and a paper report form that a reporting centre types in later.

Rendered from Django templates (templates/print/) to PDF by WeasyPrint. Pango shapes the text with
HarfBuzz in our own self-hosted Noto fonts (the files `make assets` copies into static/dist/fonts/ and lists
in its manifest.json, the same files the website uses), so Arabic letters join, Nastaliq slopes and Indic
conjuncts form on paper as they do on screen. WeasyPrint may read those font files and nothing else: no
network, no other file.

The paper form is built from the journey itself (journey.STEPS, each step's form: labels, hints, choices),
so it asks the questions the website asks, in the words already translated for them.

PDFs are cached under settings.PRINT_ROOT (outside every web root): `manage.py build_print` writes them all;
the download view builds a missing one on first request.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standtogether.partners.models import Agency, AgencyKind

from . import journey

KINDS = {
    "guide": ("print/guide.html", gettext_lazy("How to report hate: a guide")),
    # The same guide in Easy Read (intake/easyread.py), with its pictures.
    "guide-easy": ("print/guide_easy.html", gettext_lazy("Easy Read guide to reporting hate")),
    "poster": ("print/poster.html", gettext_lazy("Poster with a QR code")),
    "paper-form": ("print/paper_form.html", gettext_lazy("Paper form")),
}
FONT_MANIFEST = "dist/fonts/manifest.json"
BASE_FAMILY = "Noto Sans"
POSTER_QR_MM = 64  # scans from a couple of metres away
GUIDE_QR_MM = 30


class FontsNotBuilt(RuntimeError):
    pass


# --- fonts ------------------------------------------------------------------------------------------------


@cache
def _fonts() -> tuple[Path, dict]:
    found = finders.find(FONT_MANIFEST)
    if not found:
        raise FontsNotBuilt(
            f"static/{FONT_MANIFEST} is missing: run `make assets` (printed material uses the site's fonts)"
        )
    path = Path(found)
    return path.parent, json.loads(path.read_text(encoding="utf-8"))


def family_for(language: str) -> str:
    """The Noto family that carries this language's script (the same choice as on the website)."""
    return _fonts()[1]["languages"].get(language, {}).get("family", BASE_FAMILY)


def _face_name(family: str, subset: str) -> str:
    # One family name per file: WeasyPrint embeds fonts by family, weight and style, so two subset files
    # of one family (Noto Sans latin and cyrillic) would share one PDF font and mix up their glyphs.
    return f"{family} {subset}"


def _families(language: str, every_script: bool) -> list[dict]:
    """The language's own family, then Noto Sans, then (for the paper form, which names every language in
    its own script) all the others."""
    first = family_for(language)
    ordered = sorted(
        _fonts()[1]["families"], key=lambda f: (f["family"] != first, f["family"] != BASE_FAMILY)
    )
    return ordered if every_script else [f for f in ordered if f["family"] in (first, BASE_FAMILY)]


def _stack(families: list[dict]) -> str:
    names = [
        _face_name(f["family"], subset)
        for f in families
        for subset in dict.fromkeys(x["subset"] for x in f["files"])
    ]
    return ", ".join(f'"{name}"' for name in names) + ", sans-serif"


def font_css(language: str, every_script: bool = False) -> str:
    """@font-face rules for our font files (WeasyPrint embeds only the glyphs a page uses) and the stacks."""
    directory, manifest = _fonts()
    rules = []
    for family in _families(language, every_script):
        for face in family["files"]:
            rules.append(
                f'@font-face{{font-family:"{_face_name(family["family"], face["subset"])}";'
                f"font-style:normal;font-weight:{face['weight']};"
                f'src:url("{(directory / face["file"]).as_uri()}") format("woff2");'
                f"unicode-range:{face['unicodeRange']}}}"
            )
    rules.append(f"html{{font-family:{_stack(_families(language, every_script))}}}")
    for code in settings.ALL_LANGUAGES if every_script else [language]:
        line_height = manifest["languages"].get(code, {}).get("lineHeight")
        extra = f";line-height:{line_height}" if line_height else ""
        rules.append(f'[lang="{code}"]{{font-family:{_stack(_families(code, every_script))}{extra}}}')
    return "\n".join(rules)


def _fonts_only_fetcher():
    """WeasyPrint's URL fetcher, allowed to read our font files and the Easy Read pictures and nothing else;
    a file it cannot read stops the PDF (a silent fallback would print boxes). Imported late: WeasyPrint
    loads Pango."""
    from weasyprint.urls import URLFetcher

    fonts = _fonts()[0].resolve()
    allowed = {fonts: ".woff2", (fonts.parent / "easyread").resolve(): ".svg"}  # dist/fonts, dist/easyread

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.scheme != "file" or not any(
                path.is_relative_to(directory) and path.suffix == suffix
                for directory, suffix in allowed.items()
            ):
                raise ValueError(f"printed material may only load the site's own files, not {url[:80]}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"}, fail_on_errors=True)


# --- the paper form, from the journey ---------------------------------------------------------------------


@dataclass
class Option:
    label: str
    hint: str = ""
    lang: str = ""  # set when the option is a language's name, written in its own script


@dataclass
class Question:
    name: str
    label: str
    hint: str
    kind: str  # one | many | tick | lines | date | files
    options: list[Option] = field(default_factory=list)
    lines: int = 1
    required: bool = False

    @property
    def lines_range(self) -> range:
        return range(self.lines)


@dataclass
class PaperStep:
    number: int
    slug: str
    title: str
    questions: list[Question]


def _question(bound: forms.BoundField, hints: dict[str, str]) -> Question:
    widget = bound.field.widget
    label, hint = str(bound.label), str(bound.help_text or "")
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        # The website's hint is about file types and sizes; on paper people attach copies.
        return Question(bound.name, label, _("You can attach copies to this form."), "files")
    if isinstance(widget, forms.MultiWidget):
        return Question(bound.name, label, hint, "date")
    if isinstance(widget, forms.CheckboxInput):
        return Question(bound.name, label, hint, "tick")
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.Select):
        options = [
            Option(
                str(text),
                str(hints.get(code, "")),
                code if settings.ALL_LANGUAGES.get(code) == str(text) else "",
            )
            for code, text in bound.field.choices
            if code
        ]
        kind = "many" if isinstance(widget, forms.CheckboxSelectMultiple) else "one"
        return Question(bound.name, label, hint, kind, options)
    if isinstance(widget, forms.Textarea):
        return Question(bound.name, label, hint, "lines", lines=max(4, int(widget.attrs.get("rows", 5)) + 2))
    return Question(bound.name, label, hint, "lines", lines=1)


def paper_steps() -> list[PaperStep]:
    """Every step of the online journey as printed questions, in the active language."""
    steps = []
    for number, step in enumerate(journey.STEPS, start=1):
        form = step.form()
        hints = form.hints()
        questions = []
        for bound in form.questions():
            question = _question(bound, hints.get(bound.name, {}))
            question.required = bound.field.required
            questions.append(question)
        steps.append(PaperStep(number, step.slug, str(step.title), questions))
    return steps


# --- rendering --------------------------------------------------------------------------------------------


def public_url(view: str, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(view)


def qr_svg(url: str, size_mm: float) -> str:
    """The QR code as inline SVG of a fixed printed size, with the quiet zone scanners need (4 modules)."""
    code = segno.make(url, error="m")
    modules = code.symbol_size(border=4)[0]
    return code.svg_inline(border=4, scale=size_mm / modules, unit="mm", dark="#0b0c0c")


def _page_footer() -> str:
    """ "Page 2 of 4" as a CSS content value, from the translation the website already has."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    # Translations may put the two numbers in either order ("%(m)s میں سے صفحہ %(n)s").
    counters = {"%(n)s": "counter(page)", "%(m)s": "counter(pages)"}
    parts = re.split(r"(%\(n\)s|%\(m\)s)", _("Page %(n)s of %(m)s"))
    return " ".join(counters.get(part) or quoted(part) for part in parts if part)


def _check(kind: str, language: str) -> None:
    if kind not in KINDS:
        raise LookupError(f"no printed material called {kind!r}")
    if language not in dict(settings.LANGUAGES):
        raise LookupError(f"{language!r} is not an offered language")


def render_html(kind: str, language: str) -> str:
    _check(kind, language)
    with translation.override(language):
        report_url = public_url("intake:start", language)
        template, title = KINDS[kind]
        context = {
            "kind": kind,
            "title": title,
            "language": language,
            "direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
            "font_css": font_css(language, every_script=kind == "paper-form"),
            "page_footer": _page_footer(),
            "partnership_name": settings.PARTNERSHIP_NAME,
            "report_url": report_url,
            "track_url": public_url("intake:track", language),
            "support_url": public_url("support", language),
            "qr_svg": qr_svg(report_url, POSTER_QR_MM if kind == "poster" else GUIDE_QR_MM),
            "services": Agency.objects.filter(is_support_service=True, active=True),
            "centres": Agency.objects.filter(kind=AgencyKind.COMMUNITY, active=True),
        }
        if kind == "paper-form":
            context["steps"] = paper_steps()
        return render_to_string(template, context)


def render_pdf(kind: str, language: str) -> bytes:
    from weasyprint import HTML

    html = render_html(kind, language)
    # Tagged (headings, lists, reading order) so screen readers can follow it.
    return HTML(string=html, url_fetcher=_fonts_only_fetcher()).write_pdf(pdf_tags=True)


# --- the cache --------------------------------------------------------------------------------------------


def pdf_path(kind: str, language: str, root: Path | None = None) -> Path:
    _check(kind, language)
    return Path(root or settings.PRINT_ROOT) / language / f"{kind}.pdf"


def build_pdf(kind: str, language: str, root: Path | None = None) -> Path:
    """Write the PDF; readers see the old file or the new one, never half of one."""
    path = pdf_path(kind, language, root)
    data = render_pdf(kind, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path


EASY_READ_GUIDE = "guide-easy"


def download(kind: str, language: str) -> dict:
    """One PDF's link: its kind, title and, once built, its size."""
    path = pdf_path(kind, language)
    return {"kind": kind, "title": KINDS[kind][1], "size": path.stat().st_size if path.exists() else None}


def downloads(language: str) -> list[dict]:
    """The support page's list of PDFs, the Easy Read guide among them."""
    return [download(kind, language) for kind in KINDS]


def cached_pdf(kind: str, language: str) -> Path:
    path = pdf_path(kind, language)
    if not path.exists():
        build_pdf(kind, language)
    return path

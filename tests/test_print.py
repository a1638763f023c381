"""Printed material: a guide, a poster and a paper form per language, as PDFs that a reporting centre, a
school or a mosque can print, and that a person can take away without using the website.

Every offered language is built. Text extraction from a PDF is reliable for Latin and Cyrillic scripts, so
there the words themselves are checked in the PDF; for Arabic-script and Indic languages (where pypdf reads
shaped glyphs back out of order) the fonts are checked instead, with the words checked in the HTML the PDF
was made from.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from standtogether.intake import journey, printed
from tests.fonts import FAMILY

pytestmark = pytest.mark.django_db

SITE = "https://report.example.org"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
EXTRACTABLE = {"en", "pl", "ro", "bg", "pt", "uk"}  # Latin and Cyrillic: pypdf reads the words back
OURS = {"Noto Sans", *FAMILY.values()}
_BUILT: dict[tuple[str, str], bytes] = {}  # one build per language and kind, shared by this module's tests


@pytest.fixture(autouse=True)
def _print_settings(settings, tmp_path):
    settings.SITE_URL = SITE
    settings.PRINT_ROOT = tmp_path / "print"


def pdf(kind: str, language: str) -> PdfReader:
    if (kind, language) not in _BUILT:
        _BUILT[kind, language] = printed.render_pdf(kind, language)
    return PdfReader(io.BytesIO(_BUILT[kind, language]))


def families(reader: PdfReader) -> set[str]:
    """The families of every embedded font ('ABCDEF+Noto-Sans-latin-Bold' -> 'Noto Sans')."""
    found = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            found.add(
                re.sub(r"-(latin|latin-ext|cyrillic|arabic|gurmukhi|gujarati|bengali)(-Bold)?$", "", name)
            )
    return {name.replace("-", " ") for name in found}


def squeeze(text: str) -> str:
    """Compare words regardless of where lines wrap."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def text_of(reader: PdfReader) -> str:
    return squeeze("".join(page.extract_text() for page in reader.pages))


def translated(language: str, *messages: str) -> list[str]:
    with translation.override(language):
        return [translation.gettext(message) for message in messages]


def links(reader: PdfReader) -> set[str]:
    found = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                found.add(str(action["/URI"]))
    return found


# --- every language, every kind --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_prints_in_its_own_script_font(language):
    for kind in printed.KINDS:
        reader = pdf(kind, language)
        assert len(reader.pages) > 0
        root = reader.trailer["/Root"]
        # Tagged, in its language: a screen reader follows headings and lists and picks the right voice.
        assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == language
        used = families(reader)
        assert FAMILY[language] in used, f"{kind} in {language} does not use {FAMILY[language]}: {used}"
        # No system font stepped in for a character our fonts lack: that is where boxes come from.
        assert used <= OURS, f"{kind} in {language} fell back to other fonts: {used - OURS}"
        if kind != "paper-form":  # the paper form names every language in its own script
            assert used <= {FAMILY[language], "Noto Sans"}, (kind, language, used)
    assert len(pdf("poster", language).pages) == 1, "the poster must fit on one page"


@pytest.mark.parametrize("language", LANGUAGES)
def test_guide_and_poster_carry_the_translated_words(language):
    if language not in EXTRACTABLE:
        # Arabic-script and Indic text is checked in the HTML WeasyPrint lays out; the fonts test above
        # checks that it was drawn with the script's own font.
        page = printed.render_html("guide", language)
        for message in translated(language, "What happens after you report", "Check your report"):
            assert html.escape(message) in page
        return
    guide = text_of(pdf("guide", language))
    for message in translated(
        language,
        "Report hate crime and hate incidents",
        "In danger now? Call 999.",
        "What happens after you report",
        "You can stay anonymous. You do not need an account.",
    ):
        assert squeeze(message) in guide, (language, message)
    poster = text_of(pdf("poster", language))
    assert squeeze(translated(language, "Report hate crime and hate incidents")[0]) in poster


@pytest.mark.parametrize("language", LANGUAGES)
def test_poster_and_guide_point_to_the_report_page_in_their_language(language):
    url = f"{SITE}/{language}/report/"
    for kind in ("poster", "guide"):
        reader = pdf(kind, language)
        assert url in "".join(page.extract_text() for page in reader.pages), (kind, language)  # ASCII
        assert url in links(reader), (kind, language)
    page = printed.render_html("poster", language)
    assert printed.qr_svg(url, printed.POSTER_QR_MM) in page  # the QR code encodes the same address


@pytest.mark.parametrize("language", LANGUAGES)
def test_paper_form_asks_every_question_of_the_online_journey(language):
    with translation.override(language):
        expected = [
            (str(step.title), [str(bound.label) for bound in step.form().questions()])
            for step in journey.STEPS
        ]
    page = printed.render_html("paper-form", language)
    assert html.escape(translated(language, "For office use")[0]) in page
    for title, labels in expected:
        assert html.escape(title) in page
        for label in labels:
            assert html.escape(label) in page, (language, label)
    if language in EXTRACTABLE:
        text = text_of(pdf("paper-form", language))
        for title, labels in expected:
            for label in [title, *labels]:
                assert squeeze(label) in text, (language, label)


def test_paper_form_choices_come_from_the_journey_and_the_vocabulary():
    from standtogether.taxonomy.models import Strand

    steps = {step.slug: step for step in printed.paper_steps()}
    why = {q.name: q for q in steps["why"].questions}
    assert [o.label for o in why["strands"].options] == [s.label for s in Strand.objects.filter(active=True)]
    assert why["strands"].kind == "many" and why["not_sure"].kind == "tick"
    what = {q.name: q for q in steps["what"].questions}
    assert what["description"].required and what["description"].kind == "lines"
    assert {q.kind for q in steps["when-where"].questions} >= {"one", "date", "lines"}
    languages = {q.name: q for q in steps["needs"].questions}["preferred_language"]
    assert {o.lang for o in languages.options} == set(settings.ALL_LANGUAGES)


def test_right_to_left_languages_print_right_to_left():
    for language in ("ar", "ur", "ps", "fa"):
        assert f'<html lang="{language}" dir="rtl">' in printed.render_html("guide", language)
    assert '<html lang="en" dir="ltr">' in printed.render_html("guide", "en")


def test_page_numbers_follow_the_translation_whatever_the_order():
    with translation.override("en"):
        assert printed._page_footer() == '"Page " counter(page) " of " counter(pages)'


def test_pdfs_fetch_nothing_but_our_font_files_and_easy_read_pictures():
    fetcher = printed._fonts_only_fetcher()
    directory, manifest = printed._fonts()
    font = directory / manifest["families"][0]["files"][0]["file"]
    assert fetcher.fetch(font.as_uri()).read(4) == b"wOF2"
    picture = directory.parent / "easyread" / "speech.svg"
    assert b"<svg" in fetcher.fetch(picture.as_uri()).read(200)
    for url in (
        "https://fonts.example.org/noto.woff2",
        "https://openmoji.example.org/speech.svg",
        "file:///etc/passwd",
        (directory / "manifest.json").as_uri(),
        (directory.parent / "easyread" / "OpenMoji-LICENSE.txt").as_uri(),
        (directory.parent.parent / "img" / "favicon.svg").as_uri(),  # an SVG, but not an Easy Read picture
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize("language", ["en", "pl", "ar"])
def test_easy_read_guide_has_a_picture_beside_each_point(language):
    page = printed.render_html("guide-easy", language)
    picture = re.compile(r"<span class=\"st-easy-point__picture\" style=\"background-image: url\('([^']+)'\)")
    pictures = picture.findall(page)
    assert len(pictures) >= 15 and all(re.search(r"^file://.*/easyread/[a-z]+\.svg$", p) for p in pictures)
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in page
    reader = pdf("guide-easy", language)
    # WeasyPrint draws each SVG as vector graphics in a form XObject on the page.
    drawn = sum(len(page_["/Resources"].get("/XObject", {})) for page_ in reader.pages)
    assert drawn >= len(set(pictures)), (language, drawn)
    assert f"{SITE}/{language}/report/" in links(reader)
    if language in EXTRACTABLE:
        text = text_of(reader)
        for message in translated(
            language, "What is hate?", "You do not have to be sure.", "Keep them safe."
        ):
            assert squeeze(message) in text, (language, message)


# --- building and downloading ----------------------------------------------------------------------------


def test_build_print_writes_each_kind_per_language(tmp_path):
    call_command("build_print", "--lang", "en", "--lang", "uk", "--kind", "poster", "--out", str(tmp_path))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf")) == [
        "en/poster.pdf",
        "uk/poster.pdf",
    ]
    assert PdfReader(tmp_path / "uk" / "poster.pdf").pages


def test_the_easy_read_guide_is_served_and_described_for_its_link(client):
    response = client.get("/pl/support/print/guide-easy.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    with translation.override("en"):
        item = printed.download(printed.EASY_READ_GUIDE, "pl")
        assert str(item["title"]) == "Easy Read guide to reporting hate" and item["size"] > 0


def test_download_is_built_on_first_request_then_served_from_the_cache(client, settings):
    response = client.get("/ur/support/print/guide.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="stand-together-guide-ur.pdf"'
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and "Noto Nastaliq Urdu" in families(PdfReader(io.BytesIO(body)))
    cached = settings.PRINT_ROOT / "ur" / "guide.pdf"
    assert cached.read_bytes() == body
    cached.write_bytes(body + b"\n%cached")  # the second request must not build again
    assert b"".join(client.get("/ur/support/print/guide.pdf").streaming_content).endswith(b"%cached")


@pytest.mark.parametrize(
    "path", ["/en/support/print/leaflet.pdf", "/xx/support/print/guide.pdf", "/en/support/print/guide.txt"]
)
def test_unknown_kinds_and_languages_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_support_page_links_each_pdf_with_size(client, settings):
    printed.build_pdf("poster", "en")
    page = client.get("/en/support/").content.decode()
    for kind in printed.KINDS:
        assert f'href="/en/support/print/{kind}.pdf"' in page
    assert re.search(r"Poster with a QR code \(PDF, [\d.]+\xa0KB\)", page), "the built poster shows its size"
    assert "Paper form (PDF)" in page  # not built yet: no size to show
    assert "no-store" in client.get("/en/support/")["Cache-Control"]  # only the PDFs may be cached

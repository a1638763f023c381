"""The issue's deliverable check, as a reviewer who reads no English would do it: open /ar/, report
anonymously, get a reference, later open /ar/track/ and read the update the officer sent, all in Arabic,
right to left, without JavaScript. Screenshots of every page are kept in test-artifacts/deliverable/.

(The same check in Polish Easy Read follows when the Easy Read reading mode exists.)
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from standtogether.cases import actions as case_actions
from standtogether.intake.models import Report
from standtogether.partners.models import Role
from tests.staff import member

from .conftest import ARTIFACTS_DIR
from .flows import REFERENCE, SECRET, STEP_SLUGS, continue_step, submit

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS_DIR / "deliverable"
UPDATE = "تحدثنا مع صاحب المحل، وأزال البلدية الملصقات. سنتصل بك مرة أخرى الأسبوع القادم."
# Latin-script text allowed on an Arabic page: names (of the service, the partnership, the languages in the
# chooser), the reference and code people copy, and an English word in brackets after its Arabic
# translation (a gloss the translators add for terms people meet in English, e.g. "(text relay)").
ALLOWED_LATIN = re.compile(
    r"Stand Together|Warwickshire Hate Crime Partnership|English|Polski|Română|Português"
    r"|WST-[0-9A-Z-]+|[0-9A-Z]{4}(-[0-9A-Z]{4}){3}|\([A-Za-z][A-Za-z ,\-]*\)"
)
# Untranslated interface text shows as an English phrase; single Latin words are names people know in
# English (Facebook, a street), and the catalogue tests already catch any untranslated string.
ENGLISH_UI = re.compile(r"[A-Za-z]{2,}(?:[ ,.'’-]+[A-Za-z]{2,}){2,}")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ar-{name}.png"), full_page=True)


def _arabic_page(page, name: str) -> str:
    """Check the page is Arabic and right to left, keep a screenshot, return its visible text."""
    assert page.locator("html").get_attribute("lang") == "ar", page.url
    assert page.locator("html").get_attribute("dir") == "rtl", page.url
    text = page.locator("body").inner_text()
    leftover = ENGLISH_UI.findall(ALLOWED_LATIN.sub(" ", text))
    assert not leftover, f"English words on {page.url}: {leftover}"
    assert re.search(r"[\u0600-\u06FF]{3,}", text), page.url
    _shot(page, name)
    return text


def test_arabic_reviewer_reports_anonymously_and_reads_the_officers_update_without_javascript(page_nojs):
    page = page_nojs
    page.goto("/ar/")
    _arabic_page(page, "01-home")
    with page.expect_navigation():
        page.locator("main a.govuk-button--start").click()  # "Report something", in Arabic
    assert page.url.endswith("/ar/report/")
    _arabic_page(page, "02-start")
    with page.expect_navigation():
        page.locator("main a.govuk-button--start").click()  # "Start now"
    for number, slug in enumerate(STEP_SLUGS, start=3):
        assert page.url.endswith(f"/ar/report/{slug}/"), page.url
        if slug == "what":
            page.locator("#id_description").fill("كتب شخص عبارات مسيئة على باب محلي ووضع ملصقات عنصرية.")
        _arabic_page(page, f"{number:02d}-{slug}")
        continue_step(page)
    assert page.url.endswith("/ar/report/check/")
    _arabic_page(page, "12-check")
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/ar/report/sent/")
    _arabic_page(page, "13-sent")
    reference = page.locator("#reference").inner_text().strip()
    secret = page.locator("#secret").inner_text().strip()
    assert REFERENCE.fullmatch(reference) and SECRET.fullmatch(secret)

    report = Report.system.get(reference=reference)
    assert report.anonymous and report.preferred_language == "ar"
    officer = member("warwickshire-hcp", Role.COORDINATOR)
    with translation.override("en"):  # the officer works in English; the update is written in Arabic
        case_actions.record_contact(
            report.case, channel="tracking", kind="update", summary=UPDATE, by=officer
        )

    page.goto("/ar/track/")
    _arabic_page(page, "14-track")
    page.locator("#id_reference").fill(reference)
    page.locator("#id_code").fill(secret)
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/ar/track/report/"), page.url
    text = _arabic_page(page, "15-tracking-page")
    assert UPDATE in text
    assert reference in text


def test_support_services_are_described_in_the_readers_language(page_nojs):
    page_nojs.goto("/ar/support/")
    text = page_nojs.locator("main").inner_text()
    assert not ENGLISH_UI.findall(ALLOWED_LATIN.sub(" ", text)), text

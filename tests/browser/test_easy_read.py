"""The issue's deliverable check in Polish Easy Read, as a reviewer who reads no English would do it: open
/pl/, switch to Easy Read, report anonymously through every step, get a reference, later open /pl/track/
and read the update the officer sent, all in Polish and Easy Read, without JavaScript. Screenshots of every
page are kept in test-artifacts/deliverable/pl-easy-*.png.

Polish is written in Latin letters, so leftover English is found two ways: the English Easy Read sentences
themselves (an untranslated one shows verbatim), and English words that Polish never uses.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from standtogether.cases import actions as case_actions
from standtogether.intake import easyread
from standtogether.intake.models import Report
from standtogether.partners.models import Role
from tests.staff import member

from .conftest import ARTIFACTS_DIR
from .flows import REFERENCE, SECRET, STEP_SLUGS, continue_step, submit
from .test_deliverable import ALLOWED_LATIN

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS_DIR / "deliverable"
DESCRIPTION = "Ktoś krzyczał na mnie w autobusie i obrażał mnie, bo jestem z Polski."
UPDATE = "Rozmawialiśmy z kierowcą autobusu. Sprawdzamy nagranie z kamery. Zadzwonimy w przyszłym tygodniu."
# Short English words that are not Polish words (Polish has "to", "do", "we", "i", "a", "na": left out).
ENGLISH_WORD = re.compile(
    r"\b(the|you|your|what|with|this|that|have|can|will|not|our|tell|happened|when|where|who|report|"
    r"about|there|they|them|it|is|are|if|or|and|of|for|on|by|at)\b",
    re.IGNORECASE,
)


def _english_sentences() -> list[str]:
    """Every Easy Read sentence in English, and the few Easy Read words that live in templates."""
    with translation.override("en"):
        return [str(message) for message in easyread.every_sentence()] + [
            "Standard version",
            "Tell us about hate",
            "What is hate?",
            "Your secret code",
            "How to use text relay or BSL",
        ]


def _polish_easy_read_page(page, name: str, problems: list[str]) -> str:
    """Check the page is Polish and Easy Read, keep a screenshot, return its visible text. English left on
    the page is added to `problems` (reported at the end, so one run lists every page's leftovers)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pl-easy-{name}.png"), full_page=True)
    assert page.locator("html").get_attribute("lang") == "pl", page.url
    assert "st-easy-read" in (page.locator("body").get_attribute("class") or ""), page.url
    text = page.locator("body").inner_text()
    for services in page.locator("#services").all():  # partnership data: see test_deliverable.py
        text = text.replace(services.inner_text(), " ")
    leftover = [sentence for sentence in _english_sentences() if sentence in text]
    words = sorted(set(ENGLISH_WORD.findall(ALLOWED_LATIN.sub(" ", text))))
    if leftover or len(words) > 2:
        problems.append(f"{page.url}: English Easy Read text {leftover}; English words {words}")
    return text


def test_polish_reviewer_reports_in_easy_read_and_reads_the_officers_update_without_javascript(page_nojs):
    page, problems = page_nojs, []
    page.goto("/pl/")
    assert page.locator("html").get_attribute("lang") == "pl"
    with page.expect_navigation():
        page.locator("#reading-mode").click()  # "Easy Read", in Polish
    assert page.url.endswith("/pl/"), page.url
    _polish_easy_read_page(page, "01-home", problems)
    with page.expect_navigation():
        page.locator("main a.govuk-button--start").click()
    assert page.url.endswith("/pl/report/")
    _polish_easy_read_page(page, "02-start", problems)
    with page.expect_navigation():
        page.locator("main a.govuk-button--start").click()
    for number, slug in enumerate(STEP_SLUGS, start=3):
        assert page.url.endswith(f"/pl/report/{slug}/"), page.url
        assert page.locator("main .st-easy-point").count() >= 2, f"no Easy Read intro on {slug}"
        if slug == "what":
            page.locator("#id_description").fill(DESCRIPTION)
        if slug == "contact":
            page.locator("input[name=anonymous][value=yes]").check()
        _polish_easy_read_page(page, f"{number:02d}-{slug}", problems)
        continue_step(page)
    assert page.url.endswith("/pl/report/check/")
    _polish_easy_read_page(page, "12-check", problems)
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/pl/report/sent/")
    _polish_easy_read_page(page, "13-sent", problems)
    reference = page.locator("#reference").inner_text().strip()
    secret = page.locator("#secret").inner_text().strip()
    assert REFERENCE.fullmatch(reference) and SECRET.fullmatch(secret)

    report = Report.system.get(reference=reference)
    assert report.anonymous and report.preferred_language == "pl"
    officer = member("warwickshire-hcp", Role.COORDINATOR)
    with translation.override("en"):  # the officer works in English; the update is written in Polish
        case_actions.record_contact(
            report.case, channel="tracking", kind="update", summary=UPDATE, by=officer
        )

    page.goto("/pl/track/")
    _polish_easy_read_page(page, "14-track", problems)
    page.locator("#id_reference").fill(reference)
    page.locator("#id_code").fill(secret)
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/pl/track/report/"), page.url
    text = _polish_easy_read_page(page, "15-tracking-page", problems)
    assert UPDATE in text and reference in text
    assert not problems, "English left on Polish Easy Read pages:\n" + "\n".join(problems)

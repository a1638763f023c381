"""The staff languages page and translating in the browser: axe-core and reflow at 320 px on each page and
on a refused save, and a save that works without JavaScript, with the CSP enforced. Saves go to a copy of
the catalogues (LOCALE_PATHS points at it), never to the files under src/."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from django.conf import settings

from standtogether.languages import catalogues
from standtogether.partners.models import Role
from tests.staff import member

from .flows import submit
from .staff_flows import check_page, sign_in

pytestmark = pytest.mark.browser

ENTRY = "The reporter prefers %(language)s and this officer does not speak it: book an interpreter."


@pytest.fixture
def locale_copy(tmp_path, settings):
    copy = tmp_path / "locale"
    shutil.copytree(Path(settings.LOCALE_PATHS[0]), copy)
    settings.LOCALE_PATHS = [copy]
    return copy


def _entry(code: str, msgid: str) -> catalogues.Entry:
    return next(entry for entry in catalogues.read(code) if entry.msgid == msgid)


def test_language_and_translation_pages_have_no_axe_violations_and_reflow(new_context, locale_copy):
    coordinator = member("warwickshire-hcp", Role.COORDINATOR, first_name="Priya", translator=True)
    problems: list[str] = []
    notes: list[str] = []
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, coordinator, next_path="/staff/languages/")
    assert page.locator("main table#languages tbody tr").count() == len(settings.ALL_LANGUAGES)
    check_page(page, "languages", problems, notes)

    page.goto("/staff/translate/")
    assert page.locator("main #translate-languages li").count() == len(settings.ALL_LANGUAGES) - 1
    check_page(page, "translations", problems, notes)

    entry = _entry("ar", ENTRY)
    page.goto("/staff/translate/ar/?show=all&q=interpreter")
    assert page.locator(f"main #entry-{entry.key} textarea[dir=rtl][lang=ar]").count() == 1
    check_page(page, "translate Arabic", problems, notes)

    page.locator(f"#t-{entry.key}-0").fill("احجز مترجمًا.")
    submit(page, f"main #entry-{entry.key} button[type=submit]")
    assert page.locator("main .govuk-error-summary").is_visible()
    check_page(page, "translate Arabic, refused", problems, notes)

    for note in notes:
        warnings.warn(f"table at 320 px: {note}", stacklevel=1)
    assert not problems, "\n\n".join(problems)


def test_a_translator_saves_without_javascript_under_the_real_csp(new_context, locale_copy, js_errors):
    translator = member("equip", Role.ANALYST, first_name="Ola", translator=True)
    page = new_context(js=False).new_page()
    sign_in(page, translator, next_path="/staff/translate/")
    with page.expect_navigation():
        page.locator("main a[href='/staff/translate/pl/']").click()
    page.goto("/staff/translate/pl/?show=all&q=interpreter")
    entry = _entry("pl", ENTRY)
    text = "Osoba zgłaszająca mówi po %(language)s, a Ty nie: zamów tłumacza."
    page.locator(f"#t-{entry.key}-0").fill(text)
    submit(page, f"main #entry-{entry.key} button[type=submit]")
    assert "Translation saved." in page.locator("main").inner_text()
    assert _entry("pl", ENTRY).msgstr == [text]
    assert js_errors == []

"""Scenario 9 in a real browser: a shop owner keeps a private diary over three weeks, with a screenshot,
locks it, comes back with his code and passphrase, downloads it, and reports two of the three entries.
With JavaScript on and off; every diary page checked by axe in English and Arabic, at 320 px too."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from django.utils import timezone

from standtogether.cases.models import Case
from standtogether.diary import sealing
from standtogether.intake.models import Evidence, Report
from standtogether.partners.models import Role
from tests import staff

from .conftest import MOBILE, axe, format_violations, horizontal_overflow
from .flows import continue_step, png_bytes, submit, url

pytestmark = pytest.mark.browser

PASSPHRASE = "blue kettle rain garden"
DIARY_CODE = re.compile(r"^([0-9A-Z]{4}-){4}[0-9A-Z]{4}$")


def make_diary(page, lang: str = "en") -> str:
    page.goto(url(lang, "/diary/"))
    with page.expect_navigation():
        page.locator("main a[href$='/diary/new/']").click()
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.locator("#id_passphrase_again").fill(PASSPHRASE)
    page.locator("#id_understood").check()
    submit(page, "#make-diary")
    code = page.locator("#diary-code").inner_text().strip()
    assert DIARY_CODE.fullmatch(code), code
    with page.expect_navigation():
        page.locator("#go-to-diary").click()
    assert page.url.endswith(url(lang, "/diary/entries/"))
    return code


def add_entry(page, day: dt.date, what: str, *, where: str = "", screenshot=None) -> None:
    with page.expect_navigation():
        page.locator("#add-entry").click()
    page.locator("#id_date_0").fill(str(day.day))
    page.locator("#id_date_1").fill(str(day.month))
    page.locator("#id_date_2").fill(str(day.year))
    page.locator("#id_what").fill(what)
    if where:
        page.locator("#id_where").fill(where)
    if screenshot is not None:
        page.locator("#id_files").set_input_files(str(screenshot))
    submit(page, "#save-entry")
    assert "/diary/entries/" in page.url and page.locator("h1").inner_text()
    with page.expect_navigation():
        page.locator("a.govuk-back-link").click()


def lock(page) -> None:
    submit(page, ".st-diary-lock button")
    assert page.locator("#locked").is_visible()


def open_diary(page, code: str, passphrase: str = PASSPHRASE, lang: str = "en") -> None:
    page.goto(url(lang, "/diary/"))
    page.locator("#id_code").fill(code)
    page.locator("#id_passphrase").fill(passphrase)
    submit(page, "#open-diary")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_shop_owner_keeps_a_diary_for_three_weeks_and_reports_two_entries(
    new_context, tmp_path, js, js_errors
):
    page = new_context(js=js).new_page()
    screenshot = tmp_path / "abuse-screenshot.png"
    screenshot.write_bytes(png_bytes())
    start = timezone.now()
    week = dt.timedelta(days=7)

    with time_machine.travel(start, tick=True):
        code = make_diary(page)
        add_entry(page, start.date(), "Called a name at the till.", where="My shop", screenshot=screenshot)
        lock(page)
    with time_machine.travel(start + week, tick=True):
        open_diary(page, code)
        add_entry(page, (start + week).date(), "Spat at the shop door.")
        lock(page)
    with time_machine.travel(start + 3 * week, tick=True):
        # Wrong passphrase: the generic message, nothing of the diary shown.
        open_diary(page, code, "not my passphrase at all")
        assert "not right" in page.locator(".govuk-error-summary").inner_text()
        open_diary(page, code)
        assert page.url.endswith("/en/diary/entries/")
        add_entry(page, (start + 3 * week).date(), "My own worry, not for the police.")
        cards = page.locator("#entries > li")
        assert cards.count() == 3

        # Download the diary: PDF and plain text.
        with page.expect_navigation():
            page.locator("#export").click()
        with page.expect_download() as pdf:
            page.locator("#export-pdf").click()
        assert pdf.value.suggested_filename == "diary.pdf"
        assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
        with page.expect_download() as text:
            page.locator("#export-text").click()
        assert "Spat at the shop door." in open(text.value.path(), encoding="utf-8").read()

        # Report the first two entries.
        page.goto("/en/diary/report/")
        page.locator("input[name=entries]").nth(0).check()  # oldest first
        page.locator("input[name=entries]").nth(1).check()
        submit(page, "#start-report")
        assert page.url.endswith("/en/report/who/")
        while "/report/check/" not in page.url:
            continue_step(page)
        check = page.locator("main").inner_text()
        assert "Called a name at the till." in check and "Spat at the shop door." in check
        assert "My own worry" not in check
        submit(page, "main form button[type=submit]")
        reference = page.locator("#reference").inner_text().strip()

        page.goto("/en/diary/entries/")
        assert f"{reference}" in page.locator("main").inner_text()
        assert page.locator("#entries > li").count() == 3  # the diary keeps every entry

    report = Report.system.get(reference=reference)
    first, second = start.date(), (start + week).date()
    assert (report.date_kind, report.date_start, report.date_end) == ("repeatedly", first, second)
    assert "My own worry" not in report.description
    assert Evidence.system.filter(report=report).count() == 1
    case = Case.system.get(reference=reference)
    officer = staff.signed_in(staff.member(case.owner_agency.code, Role.COORDINATOR))
    shown = officer.get(f"/staff/cases/{reference}/").content.decode()
    assert "Called a name at the till." in shown and "Spat at the shop door." in shown
    for day in (first, second):
        assert f"{day.day} {day:%B} {day.year}" in shown, day
    assert "My own worry" not in shown
    assert js_errors == []


def test_keyboard_only_opens_a_diary(page, live_server):
    code = make_diary(page)
    lock(page)
    page.goto("/en/diary/")
    page.locator("#id_code").focus()
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_passphrase"
    page.keyboard.type(PASSPHRASE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/diary/entries/")


# --- axe on every diary page ----------------------------------------------------------------------------


def _open_with_one_entry(page, lang):
    make_diary(page, lang)
    add_entry(page, dt.date.today() - dt.timedelta(days=2), "Words shouted at me.", where="Market")


def _state(path: str, setup: Callable | None = None, action: Callable | None = None):
    def visit(page, lang):
        if setup:
            setup(page, lang)
        target = path
        if "{entry}" in path:
            page.goto(url(lang, "/diary/entries/"))
            href = page.locator("#entries a").first.get_attribute("href")
            target = path.replace("{entry}", re.search(r"/entries/([0-9a-f-]{36})/", href).group(1))
        response = page.goto(url(lang, target))
        assert response.status == 200, (target, response.status)
        if action:
            action(page)

    return visit


def _wrong_passphrase(page):
    page.locator("#id_code").fill(sealing.new_code())
    page.locator("#id_passphrase").fill("wrong wrong wrong")
    submit(page, "#open-diary")
    assert page.locator(".govuk-error-summary").is_visible()


def _new_with_errors(page):
    page.locator("#id_passphrase").fill("short")
    submit(page, "#make-diary")
    assert page.locator(".govuk-error-summary").is_visible()


def _entry_with_errors(page):
    submit(page, "#save-entry")
    assert page.locator(".govuk-error-summary").is_visible()


def _report_with_errors(page):
    submit(page, "#start-report")
    assert page.locator(".govuk-error-summary").is_visible()


def _code_page(page, lang):
    page.goto(url(lang, "/diary/new/"))
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.locator("#id_passphrase_again").fill(PASSPHRASE)
    page.locator("#id_understood").check()
    submit(page, "#make-diary")
    assert page.locator("#diary-code").is_visible()


STATES = {
    "index": _state("/diary/"),
    "index-wrong-passphrase": _state("/diary/", action=_wrong_passphrase),
    "guidance": _state("/diary/guidance/"),
    "new": _state("/diary/new/"),
    "new-errors": _state("/diary/new/", action=_new_with_errors),
    "code": _code_page,
    "timeline-empty": _state("/diary/entries/", setup=lambda page, lang: make_diary(page, lang)),
    "timeline": _state("/diary/entries/", setup=_open_with_one_entry),
    "add-entry-errors": _state("/diary/entries/new/", setup=_open_with_one_entry, action=_entry_with_errors),
    "entry": _state("/diary/entries/{entry}/", setup=_open_with_one_entry),
    "change-entry": _state("/diary/entries/{entry}/change/", setup=_open_with_one_entry),
    "delete-entry": _state("/diary/entries/{entry}/delete/", setup=_open_with_one_entry),
    "add-to-report": _state("/diary/entries/{entry}/add-to-report/", setup=_open_with_one_entry),
    "export": _state("/diary/export/", setup=_open_with_one_entry),
    "report": _state("/diary/report/", setup=_open_with_one_entry),
    "report-errors": _state("/diary/report/", setup=_open_with_one_entry, action=_report_with_errors),
    "delete-diary": _state("/diary/delete/", setup=_open_with_one_entry),
}


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("state", list(STATES))
def test_diary_pages_have_no_axe_violations_and_fit_320px(axe_page, state, lang):
    STATES[state](axe_page, lang)
    assert axe_page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert axe_page.locator(".govuk-exit-this-page").count() == 1
    problems = []
    violations = axe(axe_page)
    if violations:
        problems.append(format_violations(violations, f"desktop {axe_page.url}"))
    axe_page.set_viewport_size(MOBILE)
    overflow = horizontal_overflow(axe_page)
    if overflow:
        problems.append(overflow)
    violations = axe(axe_page)
    if violations:
        problems.append(format_violations(violations, f"320 px {axe_page.url}"))
    assert not problems, "\n".join(problems)

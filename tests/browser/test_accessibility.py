"""axe-core on every public page and error state, in every offered language, at desktop width and at 320 px,
in both reading modes (standard and Easy Read).

Each page is its own test. A page is first brought to its state (a draft, a sent report, an error), then
axe runs on it at 1280 px; the viewport is then narrowed to 640 CSS px (that screen at 200% zoom) and to
320 CSS px (WCAG 1.4.10 reflow): the page must not scroll sideways at either, and axe runs again at 320 px
(it can find different problems once the layout changes).
Any violation of any impact fails the test.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings

from standtogether.intake import reading

from .conftest import MOBILE, axe, format_violations, horizontal_overflow
from .flows import STEP_SLUGS, create_report, open_tracking, send_report, start_draft, submit, url

pytestmark = pytest.mark.browser

LANGUAGES = {code: "rtl" if code in settings.RTL_LANGUAGES else "ltr" for code, _name in settings.LANGUAGES}
ZOOM_200 = {"width": 640, "height": 400}
EASY_READ_LANGUAGES = list(LANGUAGES)  # Easy Read is translated into every offered language
MODES = [(lang, "standard") for lang in LANGUAGES] + [(lang, "easy") for lang in EASY_READ_LANGUAGES]
WRONG_RESUME_CODE = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ12"
WRONG_TRACKING_CODE = "ABCD-EFGH-JKMN-PQRS"
NOT_A_PICTURE = b"This is a text file with a .jpg name, not a photo.\n"


def _goto(path: str) -> Callable:
    def visit(page, lang):
        response = page.goto(url(lang, path))
        assert response.status == 200, (path, response.status)

    return visit


def _step(slug: str) -> Callable:
    def visit(page, lang):
        response = page.goto(url(lang, f"/report/{slug}/"))
        assert response.status == 200
        assert page.locator("main form button[name=continue]").count() == 1

    return visit


def _check(page, lang):
    page.goto(url(lang, "/report/what/"))  # a step page makes the draft the check page needs
    page.goto(url(lang, "/report/check/"))
    assert page.locator("main form input[name=submit_key]").count() == 1


def _confirmation(page, lang):
    start_draft(page, lang)
    send_report(page, lang)
    assert page.locator("#secret").is_visible()


def _save_later(page, lang):
    page.goto(url(lang, "/report/what/"))
    page.goto(url(lang, "/report/save/"))
    assert page.locator("main form button[type=submit]").count() == 1


def _save_later_code(page, lang):
    _save_later(page, lang)
    submit(page, "main form button[type=submit]")
    assert page.locator("#resume-code").is_visible()


def _resume_error(page, lang):
    page.goto(url(lang, "/report/continue/"))
    page.locator("#id_code").fill(WRONG_RESUME_CODE)
    submit(page, "main form button[type=submit]")
    assert page.locator("#id_code-error").is_visible()


def _track_error(page, lang):
    page.goto(url(lang, "/track/"))
    page.locator("#id_reference").fill("WST-7KQ4-M2PD")
    page.locator("#id_code").fill(WRONG_TRACKING_CODE)
    submit(page, "main form button[type=submit]")
    assert page.locator("main .govuk-error-summary").is_visible()


def _track_status(page, lang):
    report, secret = create_report()
    open_tracking(page, lang, report.reference, secret)
    assert page.locator("#status").is_visible()


def _track_add(page, lang):
    _track_status(page, lang)
    page.goto(url(lang, "/track/add/"))
    assert page.locator("main textarea#id_text").is_visible()


def _track_add_error(page, lang):
    _track_add(page, lang)
    submit(page, "main form button[type=submit]")
    assert page.locator("#id_text-error").is_visible()


def _track_added(page, lang):
    _track_add(page, lang)
    page.locator("#id_text").fill("He came back the next day.")
    submit(page, "main form button[type=submit]")
    assert page.locator(".govuk-notification-banner--success").is_visible()


def _staff_login(page, lang):
    response = page.goto("/staff/login/")
    assert response.status == 200
    assert page.locator("main form input[type=password]").count() == 1


def _not_found(page, lang):
    response = page.goto(url(lang, "/no-such-page/"))
    assert response.status == 404


def _what_empty(page, lang):
    page.goto(url(lang, "/report/what/"))
    submit(page, "button[name=continue]")
    assert page.locator("#id_description-error").is_visible()


def _future_date(page, lang):
    page.goto(url(lang, "/report/when-where/"))
    page.locator("input[name=date_kind][value=exact]").check()
    page.locator("#id_date_start_0").fill("1")
    page.locator("#id_date_start_1").fill("1")
    page.locator("#id_date_start_2").fill("2999")
    page.locator("#id_place").fill("Outside the library")
    submit(page, "button[name=continue]")
    assert page.locator("#id_date_start-error").is_visible()


def _invalid_email(page, lang):
    page.goto(url(lang, "/report/contact/"))
    page.locator("input[name=anonymous][value=no]").check()
    page.locator("#id_email").fill("not-an-email")
    submit(page, "button[name=continue]")
    assert page.locator("#id_email-error").is_visible()


def _rejected_upload(page, lang):
    page.goto(url(lang, "/report/evidence/"))
    page.locator("#id_files").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": NOT_A_PICTURE}]
    )
    submit(page, "button[name=upload]")
    assert "photo.jpg" in page.locator("main .govuk-error-summary").inner_text()


PAGES: dict[str, Callable] = {
    "home": _goto("/"),
    "support": _goto("/support/"),
    "accessibility": _goto("/accessibility/"),
    "centres": _goto("/centres/"),
    "diary": _goto("/diary/"),
    "diary-new": _goto("/diary/new/"),
    "diary-guidance": _goto("/diary/guidance/"),
    "report-start": _goto("/report/"),
    **{f"step-{slug}": _step(slug) for slug in STEP_SLUGS},
    "check-answers": _check,
    "confirmation": _confirmation,
    "save-later": _save_later,
    "save-later-code": _save_later_code,
    "resume": _goto("/report/continue/"),
    "resume-error": _resume_error,
    "track": _goto("/track/"),
    "track-error": _track_error,
    "track-status": _track_status,
    "track-add": _track_add,
    "track-add-error": _track_add_error,
    "track-status-added": _track_added,
    "staff-login": _staff_login,
    "not-found": _not_found,
    "error-what-empty": _what_empty,
    "error-future-date": _future_date,
    "error-invalid-email": _invalid_email,
    "error-rejected-upload": _rejected_upload,
}


def read_in(context, live_server, mode: str) -> None:
    """Choose the reading mode as the Easy Read link does: its cookie, for this site."""
    if mode == "easy":
        context.add_cookies([{"name": reading.COOKIE, "value": reading.EASY, "url": live_server.url}])


def check_mode(page, mode: str) -> None:
    if page.url.rsplit(page.url.split("/")[2], 1)[-1].startswith("/staff/"):
        return  # staff pages have no reading mode
    easy = "st-easy-read" in (page.locator("body").get_attribute("class") or "")
    assert easy == (mode == "easy"), (page.url, mode)


@pytest.mark.parametrize(("lang", "mode"), MODES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations_and_reflows_at_320_px(
    new_context, live_server, exit_page_url, name, lang, mode
):
    context = new_context(bypass_csp=True, lang=lang)
    read_in(context, live_server, mode)
    page = context.new_page()
    PAGES[name](page, lang)
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == LANGUAGES[lang]
    check_mode(page, mode)

    problems = []
    for selector in ("a.govuk-js-exit-this-page-skiplink", "a.govuk-exit-this-page__button"):
        if [a.get_attribute("href") for a in page.locator(selector).all()] != [exit_page_url]:
            problems.append(f"{selector}: there must be exactly one, linking to {exit_page_url}")
    desktop = axe(page)
    if desktop:
        problems.append(format_violations(desktop, f"axe at 1280 px on {page.url}:"))

    page.set_viewport_size(ZOOM_200)  # a 1280 px screen at 200% zoom
    overflow = horizontal_overflow(page, ZOOM_200["width"])
    if overflow:
        problems.append(f"reflow at 200% zoom (640 px): {overflow}")
    page.set_viewport_size(MOBILE)  # a small phone, or 400% zoom
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append(f"reflow at 320 px: {overflow}")
    seen = {(v["id"], str(node["target"])) for v in desktop for node in v["nodes"]}
    narrow = []
    for violation in axe(page):
        nodes = [node for node in violation["nodes"] if (violation["id"], str(node["target"])) not in seen]
        if nodes:
            narrow.append({**violation, "nodes": nodes})
    if narrow:
        problems.append(format_violations(narrow, f"axe at 320 px (not found at 1280 px) on {page.url}:"))

    assert not problems, "\n\n".join(problems)


NO_JS_PATHS = [
    "/",
    "/support/",
    "/accessibility/",
    "/report/",
    *[f"/report/{slug}/" for slug in STEP_SLUGS],
    "/report/check/",  # the step pages above made the draft it needs
    "/report/save/",
    "/report/continue/",
    "/track/",
]


@pytest.mark.parametrize("mode", ["standard", "easy"])
@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_pages_without_javascript_have_no_axe_violations(new_context, live_server, lang, mode):
    """What a phone with JavaScript off gets: the server's HTML as sent, with its <script> elements removed
    (axe itself needs JavaScript, so the page's own scripts are taken out instead of switching JS off).
    Both reading modes, in every language."""
    context = new_context(bypass_csp=True, without_page_scripts=True, lang=lang)
    read_in(context, live_server, mode)
    page = context.new_page()
    problems = []
    for path in [url(lang, p) for p in NO_JS_PATHS] + ["/staff/login/"]:
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        assert page.evaluate("() => document.body.classList.contains('js-enabled')") is False
        assert page.locator("html").get_attribute("dir") == LANGUAGES[lang]
        check_mode(page, mode)
        violations = axe(page)
        if violations:
            problems.append(format_violations(violations, f"axe without JavaScript on {page.url}:"))
    assert not problems, "\n\n".join(problems)

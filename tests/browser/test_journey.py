"""The public journey in a real browser: with and without JavaScript, by keyboard, on a 320 px phone."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from PIL import Image

from standtogether.intake import evidence as evidence_store
from standtogether.intake.models import Addition, Report

from .conftest import MOBILE_WIDTH, horizontal_overflow
from .flows import (
    GPS_IFD,
    MAKE,
    REFERENCE,
    SECRET,
    STEP_SLUGS,
    continue_step,
    gps_of,
    jpeg_with_gps,
    png_bytes,
    submit,
    url,
)

pytestmark = pytest.mark.browser

PUBLIC_PATHS = [
    "/",
    "/support/",
    "/accessibility/",
    "/report/",
    *[f"/report/{slug}/" for slug in STEP_SLUGS],
    "/report/check/",  # needs the draft the step pages above made
    "/report/save/",
    "/report/continue/",
    "/track/",
    "/no-such-page/",  # the 404 page
]


def public_urls(lang: str) -> list[str]:
    return [url(lang, path) for path in PUBLIC_PATHS] + ["/staff/login/"]


def choose(page, name: str, value: str) -> None:
    page.locator(f"input[name={name}][value='{value}']").check()


# --- the whole journey -------------------------------------------------------------------------------------


def test_a_form_posted_by_the_browser_is_accepted(page_nojs):
    """A plain form POST from Chromium must get through Django's CSRF check (cookie, token and Origin)."""
    page_nojs.goto("/en/report/what/")
    page_nojs.get_by_label("What happened?").fill("Someone threw an egg at our door.")
    continue_step(page_nojs)
    assert page_nojs.url.endswith("/en/report/why/")


def test_references_are_letters_and_digits_only():
    """The confirmation page shows a reference like WST-7KQ4-M2PD that people write down, read out over
    the phone and type on a phone keyboard: never a check symbol such as *, ~, $ or =."""
    from standtogether.core import codes

    references = {codes.new_reference() for _ in range(2000)}
    odd = sorted(ref for ref in references if not REFERENCE.fullmatch(ref))
    assert odd == [], f"{len(odd)} of 2000 references do not match {REFERENCE.pattern}, e.g. {odd[:5]}"


def test_full_journey_in_english_with_javascript(page, tmp_path, js_errors):
    photo = tmp_path / "bus-stop.png"
    photo.write_bytes(png_bytes())
    description = "A man shouted racist abuse at me and my daughter at the bus stop on Corporation Street."
    when = dt.date.today() - dt.timedelta(days=3)

    page.goto("/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.get_by_role("button", name="Report something").click()
    assert page.url.endswith("/en/report/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    assert page.url.endswith("/en/report/who/")

    page.get_by_label("It happened to me").check()
    continue_step(page)

    assert page.url.endswith("/en/report/what/")
    page.get_by_label("What happened?").fill(description)
    page.get_by_label("Verbal abuse, name calling or insults").check()
    continue_step(page)

    assert page.url.endswith("/en/report/why/")
    page.get_by_label("Race, skin colour, nationality or where someone is from").check()
    page.get_by_label("Being a woman or girl (misogyny)").check()
    continue_step(page)

    assert page.url.endswith("/en/report/when-where/")
    page.get_by_label("On one day").check()
    page.locator("#id_date_start_0").fill(str(when.day))
    page.locator("#id_date_start_1").fill(str(when.month))
    page.locator("#id_date_start_2").fill(str(when.year))
    page.get_by_label("In the street or a public place").check()
    page.get_by_label("Rugby", exact=True).check()
    page.get_by_label("The place, street or postcode").fill("Bus stop on Corporation Street, CV21 2AA")
    continue_step(page)

    assert page.url.endswith("/en/report/people/")
    page.get_by_label("Who did it? (optional)").fill("A tall man in a grey hoodie.")
    choose(page, "others_present", "yes")
    continue_step(page)

    assert page.url.endswith("/en/report/evidence/")
    page.locator("#id_files").set_input_files(str(photo))
    submit(page, "button[name=upload]")
    assert page.url.endswith("/en/report/evidence/")
    assert page.locator(".govuk-summary-list__key", has_text="bus-stop.png").is_visible()
    continue_step(page)

    assert page.url.endswith("/en/report/contact/")
    page.get_by_label("Yes, you can contact me").check()
    page.get_by_label("Your name").fill("Amira")
    page.get_by_label("Email address").fill("amira@example.com")
    choose(page, "channels", "email")
    choose(page, "safety", "no-home-visits")
    continue_step(page)

    assert page.url.endswith("/en/report/needs/")
    page.get_by_label("Which language should we use when we contact you?").select_option("ur")
    choose(page, "interpreter", "yes")
    page.get_by_label("Interpreter for which language?").fill("Urdu (Mirpuri)")
    continue_step(page)

    assert page.url.endswith("/en/report/consent/")
    choose(page, "share", "police")
    choose(page, "share", "victim-support")
    continue_step(page)

    assert page.url.endswith("/en/report/check/")
    answers = page.locator("main").inner_text()
    for expected in (
        description,
        "It happened to me",
        "Verbal abuse, name calling or insults",
        "Being a woman or girl (misogyny)",
        f"{when.day} {when:%B} {when.year}",
        "Bus stop on Corporation Street, CV21 2AA",
        "bus-stop.png",
        "amira@example.com",
        "Do not visit my home",
        "Urdu (Mirpuri)",
        "The police",
        "Victim Support",
    ):
        assert expected in answers, f"{expected!r} is not on the check page"

    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/en/report/sent/")
    reference = page.locator("#reference").inner_text().strip()
    secret = page.locator("#secret").inner_text().strip()
    assert REFERENCE.fullmatch(reference), reference
    assert SECRET.fullmatch(secret), secret

    reports = Report.system.filter(reference=reference)
    assert reports.count() == 1
    assert Report.system.count() == 1
    report = reports.get()
    assert report.anonymous is False
    assert report.evidence.count() == 1
    assert report.description == description
    assert report.contact["email"] == "amira@example.com"
    assert report.contact["safety"] == ["no-home-visits"]
    assert {s.code for s in report.strands.all()} == {"race"}
    assert {m.code for m in report.markers.all()} == {"misogyny"}
    assert report.date_start == when
    assert report.interpreter_needed is True
    assert report.consent["share"] == ["police", "victim-support"]

    page.goto("/en/track/")
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Secret tracking code").fill(secret)
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/en/track/report/")
    assert page.locator("#status").inner_text().strip() == "Received"

    with page.expect_navigation():
        page.get_by_role("button", name="Add information or evidence").click()
    assert page.url.endswith("/en/track/add/")
    page.get_by_label("What do you want to add?").fill("I remembered: he got on the number 85 bus.")
    submit(page, "main form button[type=submit]")
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.is_visible()
    assert "We have added your information to your report." in banner.inner_text()
    assert Addition.system.filter(report=report).count() == 1
    assert Addition.system.get(report=report).text == "I remembered: he got on the number 85 bus."

    assert js_errors == []


def test_anonymous_minimal_journey_without_javascript_sends_one_report_when_sent_twice(page_nojs):
    page = page_nojs
    page.goto("/en/report/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    assert page.url.endswith("/en/report/who/")
    continue_step(page)  # skip "who"
    page.get_by_label("What happened?").fill("Someone spat at me in the park.")
    continue_step(page)
    for slug in STEP_SLUGS[2:]:  # skip every other question
        assert page.url.endswith(f"/en/report/{slug}/"), page.url
        continue_step(page)
    assert page.url.endswith("/en/report/check/")
    assert "Someone spat at me in the park." in page.locator("main").inner_text()

    form = {
        "csrfmiddlewaretoken": page.locator("main form input[name=csrfmiddlewaretoken]").input_value(),
        "submit_key": page.locator("main form input[name=submit_key]").input_value(),
    }
    assert form["submit_key"]
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/en/report/sent/")
    reference = page.locator("#reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference), reference

    # The same form posted again (a double click, a retry on a bad connection) ...
    again = page.request.post("/en/report/check/", form=form)
    assert again.ok, again.status
    assert again.url.endswith("/en/report/sent/"), again.url
    assert reference in again.text()
    # ... and the back button, then "Send report" again if the page is still there.
    page.go_back()
    if page.locator("main form input[name=submit_key]").count():
        submit(page, "main form button[type=submit]")
    assert page.url.endswith("/en/report/sent/"), page.url

    assert Report.system.count() == 1
    report = Report.system.get()
    assert report.reference == reference
    assert report.anonymous is True
    assert report.description == "Someone spat at me in the park."
    assert report.evidence.count() == 0


def test_scenario_5_anonymous_witness_photo_loses_its_gps_position(page_nojs, tmp_path):
    """Product scenario 5: a witness reports far-right stickers near a hotel, anonymously, with a photo."""
    photo = tmp_path / "stickers.jpg"
    photo.write_bytes(jpeg_with_gps())
    assert gps_of(photo.read_bytes())[2] == (52.0, 22.0, 10.0), "the test photo must carry a GPS position"
    assert b"Canon" in photo.read_bytes()

    page = page_nojs
    page.goto("/en/report/who/")
    page.get_by_label("I saw it happen").check()
    continue_step(page)
    page.get_by_label("What happened?").fill(
        "Far-right stickers have been put on the lamp posts and bus shelter near the hotel."
    )
    page.get_by_label("Damage, graffiti or stickers").check()
    continue_step(page)
    page.get_by_label("Race, skin colour, nationality or where someone is from").check()
    page.get_by_label("Religion or belief").check()
    continue_step(page)
    page.get_by_label("At a hotel or other place people are housed").check()
    page.get_by_label("Warwick", exact=True).check()
    continue_step(page)
    continue_step(page)  # people
    assert page.url.endswith("/en/report/evidence/")
    page.locator("#id_files").set_input_files(str(photo))
    continue_step(page)  # the file goes with "Continue" too
    assert page.url.endswith("/en/report/contact/"), page.url
    page.get_by_label("No, I want to stay anonymous").check()
    continue_step(page)
    continue_step(page)  # needs
    continue_step(page)  # consent
    assert page.url.endswith("/en/report/check/")
    assert "stickers.jpg" in page.locator("main").inner_text()
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/en/report/sent/")
    reference = page.locator("#reference").inner_text().strip()

    report = Report.system.get(reference=reference)
    assert report.anonymous is True
    assert report.contact == {}
    assert report.reporter_role == "witness"
    assert report.setting.code == "hotel"
    assert report.evidence.count() == 1
    stored = report.evidence.get()
    assert stored.label == "stickers.jpg"
    data = evidence_store.read(stored)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert GPS_IFD not in exif
    assert MAKE not in exif
    assert b"Canon" not in data
    assert b"Exif" not in data


# --- errors -------------------------------------------------------------------------------------------------


def test_empty_what_shows_an_error_summary_whose_link_focuses_the_textarea(page, js_errors):
    page.goto("/en/report/what/")
    continue_step(page)
    assert page.url.endswith("/en/report/what/")
    assert page.title().startswith("Error:")
    summary = page.locator("main .govuk-error-summary")
    assert summary.is_visible()
    # At the top: before the step caption and the heading.
    summary_top = summary.bounding_box()["y"]
    assert summary_top < page.locator("main h1").bounding_box()["y"]
    assert summary_top < page.locator("main .govuk-caption-l").bounding_box()["y"]
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")

    error = page.locator("#id_description-error")
    assert "Tell us what happened" in error.inner_text()
    assert "id_description-error" in page.locator("#id_description").get_attribute("aria-describedby").split()
    summary.get_by_role("link", name=re.compile("Tell us what happened")).click()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_description'")
    assert page.evaluate("() => document.activeElement.id") == "id_description"
    assert js_errors == []


def test_future_date_shows_the_error_by_the_date_and_keeps_the_other_answers(page):
    future = dt.date.today() + dt.timedelta(days=400)
    page.goto("/en/report/when-where/")
    page.get_by_label("On one day").check()
    page.locator("#id_date_start_0").fill(str(future.day))
    page.locator("#id_date_start_1").fill(str(future.month))
    page.locator("#id_date_start_2").fill(str(future.year))
    page.get_by_label("In the street or a public place").check()
    page.get_by_label("Rugby", exact=True).check()
    page.get_by_label("The place, street or postcode").fill("Outside the library")
    choose(page, "happened_before", "yes")
    continue_step(page)

    assert page.url.endswith("/en/report/when-where/")
    error = page.locator("#id_date_start-error")
    assert error.is_visible()
    assert "The date cannot be in the future." in error.inner_text()
    # Next to the date: in the same fieldset as the day, month and year boxes, announced with them.
    fieldset = page.locator("fieldset", has=page.locator("#id_date_start_0"))
    assert fieldset.locator("#id_date_start-error").count() == 1
    assert "id_date_start-error" in (fieldset.get_attribute("aria-describedby") or "").split()
    assert page.locator("main .govuk-error-summary a[href='#id_date_start_0']").is_visible()

    assert page.locator("#id_date_start_0").input_value() == str(future.day)
    assert page.locator("#id_date_start_1").input_value() == str(future.month)
    assert page.locator("#id_date_start_2").input_value() == str(future.year)
    assert page.get_by_label("On one day").is_checked()
    assert page.get_by_label("In the street or a public place").is_checked()
    assert page.get_by_label("Rugby", exact=True).is_checked()
    assert page.locator("input[name=happened_before][value=yes]").is_checked()
    assert page.get_by_label("The place, street or postcode").input_value() == "Outside the library"

    page.locator("main .govuk-error-summary a[href='#id_date_start_0']").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_date_start_0'")


# --- keyboard ---------------------------------------------------------------------------------------------

_FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== 'rgba(0, 0, 0, 0)';
  const shadow = style.boxShadow !== 'none';
  const label = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  return {name, label, href: el.getAttribute('href'), visible: outline || shadow, shadow: style.boxShadow,
          outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`};
}"""


def test_keyboard_reaches_skip_link_then_exit_with_visible_focus(page, exit_page_url):
    page.goto("/en/report/")
    page.keyboard.press("Tab")
    first = page.evaluate(_FOCUS_STYLE)
    assert first is not None and "govuk-skip-link" in first["name"], first
    assert first["label"] == "Skip to main content"
    assert first["href"] == "#main-content"
    assert first["visible"], f"no visible focus on the skip link: {first}"

    page.keyboard.press("Tab")
    second = page.evaluate(_FOCUS_STYLE)
    assert second is not None and second["label"] == "Exit this page", second
    assert second["href"] == exit_page_url
    assert second["visible"], f"no visible focus on 'Exit this page': {second}"

    # Every other stop on the page shows where focus is too.
    invisible, seen = [], set()
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUS_STYLE)
        if focused is None:
            break
        key = (focused["name"], focused["label"], focused["href"])
        if key in seen:
            break
        seen.add(key)
        if not focused["visible"]:
            invisible.append(focused)
    assert len(seen) >= 8, f"Tab stopped early: {seen}"
    assert invisible == [], "focus is not visible on: " + "; ".join(
        f"{f['name']} '{f['label']}' (outline {f['outline']}, box-shadow {f['shadow']})" for f in invisible
    )


def test_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/en/report/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main-content'")
    page.keyboard.press("Tab")
    inside_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside_main, "after the skip link, Tab must go to the first link or control in the main content"


def test_pressing_shift_three_times_exits_the_page(page, exit_page_url):
    page.goto("/en/report/what/")
    page.wait_for_selector(".govuk-exit-this-page__indicator", state="attached")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(exit_page_url)


# --- small screens and the exit link ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_public_page_fits_320_px_without_javascript(mobile_page_nojs, lang):
    page = mobile_page_nojs
    assert page.viewport_size["width"] == MOBILE_WIDTH
    problems = []
    for address in public_urls(lang):
        page.goto(address)
        assert page.evaluate("() => window.innerWidth") == MOBILE_WIDTH
        overflow = horizontal_overflow(page)
        if overflow:
            problems.append(overflow)
    assert problems == [], "horizontal scrolling at 320 px:\n" + "\n".join(problems)


def test_exit_this_page_is_a_plain_link_to_the_exit_page_on_every_public_page(page_nojs, exit_page_url):
    page = page_nojs
    problems = []
    for address in public_urls("en") + public_urls("ar"):
        response = page.goto(address)
        assert response.status in (200, 404), (address, response.status)
        skip_link = page.locator("a.govuk-js-exit-this-page-skiplink")
        button = page.locator("a.govuk-exit-this-page__button")
        if skip_link.count() != 1 or skip_link.get_attribute("href") != exit_page_url:
            problems.append(f"{address}: the 'Exit this page' skip link is missing or goes elsewhere")
        if button.count() != 1 or button.get_attribute("href") != exit_page_url:
            problems.append(f"{address}: the 'Exit this page' button is missing or goes elsewhere")
        elif not button.is_visible():
            problems.append(f"{address}: the 'Exit this page' button is not visible")
    assert problems == [], "\n".join(problems)

    page.goto("/en/report/what/")
    with page.expect_navigation():
        page.locator(".govuk-exit-this-page__button").click()
    assert page.url == exit_page_url
    assert page.title() == "Weather"

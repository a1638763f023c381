"""The reporting centres finder in Chromium: axe (0 violations) at 1280 and 320 px in English and Arabic
(right to left), no sideways scrolling at 320 px, the filters with JavaScript off, filtering by language
with the keyboard only, and the map never mirrored. Screenshots at 320 px go to test-artifacts/centres/.
"""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS_DIR, MOBILE, axe, format_violations, horizontal_overflow

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS_DIR / "centres"
STATES = {
    "all": "",
    "filtered": "?area=rugby&language=pa",
    "no-match": "?area=north-warwickshire",
}


def _assert_no_violations(page, where: str) -> None:
    violations = axe(page)
    assert not violations, format_violations(violations, f"axe: {len(violations)} violation(s) on {where}")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_and_reflow(new_context, lang, state):
    page = new_context(bypass_csp=True, lang=lang).new_page()
    response = page.goto(f"/{lang}/centres/{STATES[state]}")
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    _assert_no_violations(page, f"{page.url} at 1280 px")
    if state != "no-match":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{lang}-{state}-1280.png"), full_page=True)
    page.set_viewport_size(MOBILE)
    assert horizontal_overflow(page) is None, horizontal_overflow(page)
    _assert_no_violations(page, f"{page.url} at 320 px")
    if state != "no-match":
        page.screenshot(path=str(SHOTS / f"{lang}-{state}-320.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_without_javascript_the_filters_and_the_map_work(new_context, lang):
    page = new_context(js=False, mobile=True, lang=lang).new_page()
    page.goto(f"/{lang}/centres/")
    assert page.locator("#centres > li").count() == 6
    assert page.locator("svg.st-map__svg path.st-map__district").count() == 5
    assert page.locator("svg.st-map__svg .st-map__marker").count() == 6
    page.select_option("#area", "warwick")
    page.select_option("#language", "pl")
    page.locator("#filters button").click()
    page.wait_for_url("**/centres/?area=warwick&language=pl")
    assert page.locator("#centres > li").count() == 1
    assert page.locator("#centre-leamington-polish-centre").is_visible()
    assert page.locator("svg .st-map__district--selected").count() == 1
    assert page.locator("svg .st-map__marker").count() == 1
    assert horizontal_overflow(page) is None, horizontal_overflow(page)


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "320px"])
def test_filter_by_language_with_the_keyboard_only(new_context, mobile):
    page = new_context(mobile=mobile).new_page()
    page.goto("/en/centres/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "language":
            break
    else:
        pytest.fail("Tab never reached the language filter")
    # Type the start of the language's own name: a closed select jumps to the matching option.
    page.keyboard.type("Soo")
    assert page.locator("#language").input_value() == "so"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/centres/?area=&language=so")
    assert page.locator("#centres > li").count() == 1
    assert page.locator("#centre-nuneaton-mosque-centre").is_visible()
    assert page.locator("#language").input_value() == "so"


def test_right_to_left_the_list_follows_the_page_and_the_map_is_not_mirrored(new_context):
    boxes = {}
    for lang in ("en", "ar"):
        page = new_context(lang=lang).new_page()
        page.goto(f"/{lang}/centres/")
        warwick = page.locator('path[data-code="E07000222"]').bounding_box()
        rugby = page.locator('path[data-code="E07000220"]').bounding_box()
        assert warwick["x"] < rugby["x"], lang  # Warwick lies west of Rugby, in any language
        boxes[lang] = (page.locator("#centres").bounding_box(), page.locator("#map").bounding_box())
    (list_en, map_en), (list_ar, map_ar) = boxes["en"], boxes["ar"]
    assert list_en["x"] < map_en["x"]  # left to right: the list, then the map
    assert list_ar["x"] > map_ar["x"]  # right to left: the list on the right

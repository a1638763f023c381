"""The whole reporting journey by keyboard only (WCAG 2.1.1, 2.4.3, 2.4.7, 2.4.11): from the start page to
the confirmation with Tab, typing and Enter, on a desktop screen and on a 320 px phone. At every stop the
focus is visible, the focused control is not hidden behind anything (e.g. the sticky "Exit this page"
button), and the order follows the page (each stop comes after the one before in the document).
"""

from __future__ import annotations

import pytest

from standtogether.intake.models import Report

from .flows import REFERENCE, STEP_SLUGS

pytestmark = pytest.mark.browser

DESCRIPTION = "A man shouted at me and my son at the bus stop."

# What the focused element is, whether its focus shows, whether it is the topmost thing at its centre
# (not obscured), and whether it follows the previous stop in document order.
_STOP = """(previous) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== 'rgba(0, 0, 0, 0)';
  const shadow = style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || label || '').trim().slice(0, 50);
  const id = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? `[name=${el.name}]` : '');
  window.__stops = window.__stops || [];
  const before = previous === null ? null : window.__stops[previous];
  const index = window.__stops.push(el) - 1;
  return {
    index, id, text, name: el.name || '', type: el.type || '',
    visible: outline || shadow,
    onScreen: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    unobscured: !!top && (el === top || el.contains(top)
                          || (el.labels && [...el.labels].some(l => l.contains(top)))),
    inOrder: !before || !!(before.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
  };
}"""


def _tab_until(page, wanted, problems: list[str], limit: int = 120) -> dict:
    """Press Tab until `wanted(stop)` is true, checking every stop on the way; return that stop."""
    previous = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(_STOP, previous)
        if stop is None:
            continue
        where = f"{page.url} at {stop['id']} '{stop['text']}'"
        if not stop["visible"]:
            problems.append(f"focus not visible: {where}")
        if not stop["onScreen"] or not stop["unobscured"]:
            problems.append(f"focused control hidden or covered: {where}")
        if not stop["inOrder"] and "govuk-skip-link" not in stop["id"]:
            problems.append(f"focus order jumps back: {where}")
        if wanted(stop):
            return stop
        previous = stop["index"]
    raise AssertionError(f"Tab never reached the wanted control on {page.url}; problems so far: {problems}")


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "320px"])
def test_the_whole_journey_by_keyboard_only(new_context, mobile):
    page = new_context(mobile=mobile).new_page()
    problems: list[str] = []
    page.goto("/en/report/")
    _tab_until(page, lambda s: s["text"].startswith("Start now"), problems)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for slug in STEP_SLUGS:
        assert page.url.endswith(f"/en/report/{slug}/"), page.url
        if slug == "what":
            _tab_until(page, lambda s: s["id"] == "textarea#id_description[name=description]", problems)
            page.keyboard.type(DESCRIPTION)
        _tab_until(page, lambda s: s["name"] == "continue", problems)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/en/report/check/"), page.url
    assert DESCRIPTION in page.locator("main").inner_text()
    _tab_until(page, lambda s: s["type"] == "submit" and "Send" in s["text"], problems)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/report/sent/"), page.url
    reference = page.locator("#reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference)
    assert Report.system.get(reference=reference).description == DESCRIPTION
    assert problems == [], "\n".join(dict.fromkeys(problems))


def test_the_checks_see_a_covered_control_and_a_missing_focus_style(new_context):
    """The checks above can fail: a banner fixed over the page, and focus styles removed, are both seen."""
    page = new_context(bypass_csp=True).new_page()  # to inject the faults
    page.goto("/en/report/what/")
    page.add_style_tag(content="*:focus { outline: none !important; box-shadow: none !important; }")
    page.evaluate(
        "() => { const d = document.createElement('div');"
        " d.style.cssText = 'position:fixed;inset:0;background:#fff;z-index:9999';"
        " document.body.append(d); }"
    )
    problems: list[str] = []
    _tab_until(page, lambda s: s["name"] == "continue", problems)
    assert any("hidden or covered" in p for p in problems)
    assert any("focus not visible" in p for p in problems)

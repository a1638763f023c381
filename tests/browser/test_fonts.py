"""Every language is shown in our own self-hosted Noto font for its script, in a real browser.

A person with little English on a cheap phone may have no font for Gurmukhi or Nastaliq at all, and then
sees boxes. So each page must load the right family from our own server (never from another host) and
actually draw the text with it: `document.fonts` says the face is loaded, and Chromium's own record of the
fonts it drew a node with (CSS.getPlatformFontsForNode over the DevTools protocol) names our web font, not a
system font that happens to be installed on the test machine.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tests.fonts import FAMILY

from .conftest import ARTIFACTS_DIR, LOCAL_HOSTS
from .flows import url

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS_DIR / "fonts"

_FONT_STATE = """async ([family, selector]) => {
  await document.fonts.ready;
  const element = document.querySelector(selector);
  const text = element.innerText.trim();
  const faces = [...document.fonts]
    .filter((face) => face.family.replace(/["']/g, '') === family)
    .map((face) => ({weight: face.weight, status: face.status}));
  return {
    text,
    faces,
    check: document.fonts.check(`16px "${family}"`, text),
    computed: getComputedStyle(element).fontFamily,
  };
}"""


def offered(lang: str) -> bool:
    return lang in dict(settings.LANGUAGES)


def drawn_with(page, selector: str) -> list[dict]:
    """The fonts Chromium drew the node's text with: [{familyName, isCustomFont, glyphCount}, ...]."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no {selector} on {page.url}"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def assert_drawn_in(page, family: str, selector: str) -> None:
    state = page.evaluate(_FONT_STATE, [family, selector])
    assert state["computed"].startswith(f'"{family}"'), (page.url, selector, state["computed"])
    assert any(face["status"] == "loaded" for face in state["faces"]), (
        f"{family} is not loaded on {page.url}: {state['faces']}"
    )
    assert state["check"], f"document.fonts.check says {family} is not ready for {state['text'][:40]!r}"
    fonts = drawn_with(page, selector)
    main = max(fonts, key=lambda font: font["glyphCount"])
    assert main["familyName"] == family and main["isCustomFont"], (
        f"{selector} on {page.url} was drawn with {fonts}, not our own {family}"
    )


@pytest.mark.parametrize("lang", [lang for lang in FAMILY if offered(lang)])
def test_each_language_is_drawn_in_its_own_self_hosted_font(new_context, lang):
    family = FAMILY[lang]
    requests: list[str] = []
    page = new_context(lang=lang).new_page()
    page.on("request", lambda request: requests.append(request.url))

    response = page.goto(url(lang, "/"))
    assert response.status == 200
    assert_drawn_in(page, family, "main h1")  # bold (700)
    assert_drawn_in(page, family, "main .govuk-body-l")  # regular (400)

    stem = re.sub(r"\W+", "-", family.lower())
    font_files = [u for u in requests if re.search(rf"/static/dist/fonts/{stem}-[a-z-]+-\d00-normal", u)]
    assert font_files, f"no {family} file was requested: {requests}"
    outside = [u for u in requests if not LOCAL_HOSTS.match(u) and not u.startswith("data:")]
    assert outside == [], f"requests left the test server: {outside}"


@pytest.mark.parametrize("lang", [lang for lang in ("ur", "pa") if offered(lang)])
def test_screenshots_of_nastaliq_and_gurmukhi(new_context, lang):
    """Saved to test-artifacts/fonts/ for a person to look at: joined script, marks not clipped, no boxes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, mobile in (("desktop", False), ("phone", True)):
        page = new_context(lang=lang, mobile=mobile).new_page()
        for path, shot in (("/", "home"), ("/report/who/", "who")):
            assert page.goto(url(lang, path)).status == 200
            assert_drawn_in(page, FAMILY[lang], "main h1")
            page.screenshot(path=str(SCREENSHOTS / f"{lang}-{shot}-{name}.png"), full_page=True)


def test_every_offered_language_has_its_font_checked():
    """Languages are configuration: an offered language without a font in the table would go unchecked."""
    assert set(dict(settings.LANGUAGES)) <= set(FAMILY)

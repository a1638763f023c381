"""Browser tests: Debian Chromium driven by Playwright's sync API against pytest-django's live server.

One browser per test session (so one per xdist worker); every test gets fresh browser contexts (no
cookies, no cache) from `new_context`. Nothing leaves the machine: every request to another host is
answered locally (the exit page gets a stub, anything else is aborted).

Axe needs its script injected into the page, and the site's CSP (script-src 'self' 'nonce-…') blocks an
injected script, so contexts used for axe are made with `bypass_csp=True`. The journey tests use contexts
that keep the CSP, so a page that only works with a relaxed CSP fails there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API keeps an asyncio loop running in the test thread, which trips Django's async-unsafe
# guard for ORM calls the tests make (database setup, assertions). The live server is a plain thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DESKTOP = {"width": 1280, "height": 800}
MOBILE_WIDTH = 320
MOBILE = {"width": MOBILE_WIDTH, "height": 640}
TIMEOUT_MS = 15_000
LOCAL_HOSTS = re.compile(r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?/")
SCRIPT_ELEMENT = re.compile(rb"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
SCRIPTS_OFF: set[int] = set()  # ids of the contexts made with JavaScript off
STUB_EXIT_PAGE = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"


# --- failure reports (for screenshots) ---------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    return report


def _failed(node) -> bool:
    return any(
        getattr(getattr(node, f"_browser_report_{when}", None), "failed", False) for when in ("setup", "call")
    )


# --- the browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver):
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def exit_page_url() -> str:
    from django.conf import settings

    return settings.EXIT_PAGE_URL


@pytest.fixture
def js_errors() -> list[str]:
    """Uncaught script errors and console errors (CSP violations show up here) of every page in the test."""
    return []


@pytest.fixture
def new_context(browser, live_server, request, js_errors, exit_page_url) -> Callable:
    """Make a fresh browser context: `new_context(js=True, mobile=False, bypass_csp=False, lang="en")`.

    `mobile=True` is a 320 CSS px wide touch phone (the meta viewport applies). `lang` sets the browser's
    Accept-Language (the URL prefix still wins on /en/ and /ar/ pages). Contexts are closed after the test;
    if the test failed, a screenshot of each open page goes to test-artifacts/.
    """
    contexts = []

    def answer_offline(route):
        if route.request.url.startswith(exit_page_url):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=STUB_EXIT_PAGE)
        else:
            route.abort()

    def record_console(message):
        if message.type != "error":
            return
        page_url = message.page.url if message.page else ""
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page_url:
            return  # the page itself came with an error status (400 for a form with errors, 404): expected
        js_errors.append(f"console: {message.text} ({message.location.get('url')})")

    def strip_scripts(route):
        if route.request.resource_type != "document" or route.request.method != "GET":
            return route.continue_()
        response = route.fetch(max_redirects=0)
        body = response.body()
        if "text/html" in response.headers.get("content-type", ""):
            body = SCRIPT_ELEMENT.sub(b"", body)
        route.fulfill(response=response, body=body)

    def make(
        *,
        js: bool = True,
        mobile: bool = False,
        bypass_csp: bool = False,
        lang: str = "en",
        without_page_scripts: bool = False,
    ):
        options = {
            "base_url": live_server.url,
            "java_script_enabled": js,
            "bypass_csp": bypass_csp,
            "locale": {"en": "en-GB", "ar": "ar"}.get(lang, lang),
            "viewport": MOBILE if mobile else DESKTOP,
        }
        if mobile:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(lambda url: not LOCAL_HOSTS.match(url), answer_offline)
        if without_page_scripts:
            context.route(lambda url: bool(LOCAL_HOSTS.match(url)), strip_scripts)
        if not js:
            SCRIPTS_OFF.add(id(context))
        context.on("weberror", lambda error: js_errors.append(f"uncaught: {error.error}"))
        context.on("console", record_console)
        contexts.append(context)
        return context

    yield make

    failed = _failed(request.node)
    if failed:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    for number, context in enumerate(contexts):
        if failed:
            for page_number, page in enumerate(context.pages):
                try:
                    shot = ARTIFACTS_DIR / f"{stem}-{number}-{page_number}.png"
                    page.screenshot(path=str(shot))
                except Exception:  # noqa: BLE001 - a screenshot must never hide the real failure
                    pass
        SCRIPTS_OFF.discard(id(context))
        context.close()


@pytest.fixture
def page(new_context):
    """JavaScript on, CSP enforced, desktop width."""
    return new_context().new_page()


@pytest.fixture
def page_nojs(new_context):
    """JavaScript off (java_script_enabled=False), desktop width."""
    return new_context(js=False).new_page()


@pytest.fixture
def mobile_page_nojs(new_context):
    """JavaScript off, 320 CSS px wide phone."""
    return new_context(js=False, mobile=True).new_page()


@pytest.fixture
def axe_page(new_context):
    """JavaScript on, CSP bypassed so axe can be injected, desktop width."""
    return new_context(bypass_csp=True).new_page()


# --- axe ---------------------------------------------------------------------------------------------------

_RUN_AXE = """async (tags) => {
  const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


def axe(page) -> list[dict]:
    """Run axe-core on the page (WCAG 2.0/2.1/2.2 A and AA, and best practice); return its violations."""
    if id(page.context) in SCRIPTS_OFF:
        # axe.run waits on timers, which never fire with JavaScript off: it would hang, not fail.
        raise RuntimeError(
            "axe needs JavaScript: to check what a browser without JavaScript gets, use "
            "new_context(bypass_csp=True, without_page_scripts=True)"
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        try:
            page.add_script_tag(path=str(AXE_JS))
        except PlaywrightError as error:
            raise RuntimeError(
                "axe could not be injected: use a context made with bypass_csp=True"
            ) from error
    return page.evaluate(_RUN_AXE, AXE_TAGS)


def format_violations(violations: list[dict], heading: str = "") -> str:
    lines = [heading] if heading else []
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}    {node['html'][:160]}")
    return "\n".join(lines)


def assert_no_axe_violations(page) -> None:
    violations = axe(page)
    if violations:
        pytest.fail(format_violations(violations, f"axe found {len(violations)} violation(s) on {page.url}:"))


# --- reflow ------------------------------------------------------------------------------------------------

_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 1 && (box.right > width + 1 || box.left < -1)) {
      wide.push(`${describe(el)} [${Math.round(box.left)}..${Math.round(box.right)}]`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide: wide.slice(0, 8)};
}"""


def horizontal_overflow(page, limit: int = MOBILE_WIDTH) -> str | None:
    """None if the page fits in `limit` CSS px (document.documentElement.scrollWidth), else what sticks out.

    Playwright's evaluate runs even when the page's own JavaScript is off, so this works in every context.
    """
    result = page.evaluate(_OVERFLOW)
    if result["scrollWidth"] <= limit:
        return None
    return (
        f"{page.url}: document.documentElement.scrollWidth is {result['scrollWidth']} > {limit}; "
        f"wider elements: {', '.join(result['wide']) or 'none found'}"
    )

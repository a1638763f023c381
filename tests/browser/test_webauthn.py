"""Security keys and passkeys in a real browser: Chromium's virtual authenticator (Chrome DevTools Protocol)
stands in for a key. A member of staff signs in with the authenticator app, adds a key by keyboard, signs
out, signs in again with the password and the key (no code) straight to the case queue, and removes the
key; all with the site's CSP enforced. Then axe-core and reflow on the pages with a key, and the same pages
without JavaScript, where the code from the app is the way in.

WebAuthn needs a secure context and a relying-party id that is a domain: the live server is
http://localhost:<port> (never 127.0.0.1), the relying-party id is "localhost" (settings), and the test
allows the live server's origin.
"""

from __future__ import annotations

import warnings

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from standtogether.core.models import AuditEvent
from standtogether.partners.models import Role
from tests.staff import member

from .staff_flows import (
    banners,
    check_page,
    code_for,
    enter_code,
    enter_password,
    path_of,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser

KEYS_PAGE = "/staff/mfa/keys/"
ADD_KEY = "Add a security key or passkey"
USE_KEY = "Use your security key or passkey"


@pytest.fixture
def webauthn_origin(settings, live_server):
    assert live_server.url.startswith("http://localhost:"), live_server.url
    assert settings.OTP_WEBAUTHN_RP_ID == "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


def virtual_authenticator(page) -> tuple[object, str]:
    """A platform authenticator with user verification (a passkey on this device), for this page only."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def credentials_in(cdp, authenticator_id: str) -> list[dict]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def test_add_a_key_sign_in_with_it_instead_of_a_code_and_remove_it(new_context, webauthn_origin, js_errors):
    person = member("warwickshire-hcp", Role.CASEWORKER, first_name="Sara")
    user = person.user
    page = new_context().new_page()  # CSP enforced: the library's scripts must run under it
    cdp, authenticator = virtual_authenticator(page)

    # 1. First sign-in: password and the authenticator app (mandatory), then the keys page from the menu.
    sign_in(page, person)
    with page.expect_navigation():
        page.get_by_role("link", name="Security keys and passkeys").click()
    assert path_of(page) == KEYS_PAGE
    expect(page.locator("#no-security-keys")).to_be_visible()

    # 2. Add a key, by keyboard: the button appears only with JavaScript and a browser that can use keys.
    add = page.get_by_role("button", name=ADD_KEY)
    add.focus()
    with page.expect_navigation():  # the page loads again once the key is added, listing it
        page.keyboard.press("Enter")
    assert path_of(page) == KEYS_PAGE
    assert "Security key or passkey added" in banners(page)
    assert page.locator("#security-keys .govuk-summary-list__row").count() == 1
    assert len(credentials_in(cdp, authenticator)) == 1
    [key] = WebAuthnCredential.objects.filter(user=user)
    assert AuditEvent.objects.filter(action="staff.security_key_added", details={"key": key.pk}).exists()

    # 3. Sign out; sign in with the password and the key, no code, straight to the case queue.
    sign_out(page)
    assert enter_password(page, person, next_path="/staff/cases/") == "verify"
    assert page.locator("main #id_token").is_visible()  # the code stays on offer
    verified_before = AuditEvent.objects.filter(action="staff.mfa_verified").count()
    with page.expect_navigation(url=f"{webauthn_origin}/staff/cases/"):
        page.get_by_role("button", name=USE_KEY).click()
    assert path_of(page) == "/staff/cases/"
    assert page.locator("main h1").is_visible()
    events = AuditEvent.objects.filter(action="staff.mfa_verified").order_by("pk")
    assert events.count() == verified_before + 1
    assert events.last().details == {"device": "WebAuthnCredential"}
    key.refresh_from_db()
    assert key.last_used_at is not None

    # 4. Remove the key. This session was verified with it, so a code from the app carries on.
    page.goto(KEYS_PAGE)
    assert "Last used" in page.locator("#security-keys").inner_text()
    with page.expect_navigation():
        page.locator("#security-keys button[type=submit]").click()
    assert path_of(page) == "/staff/verify/"
    assert "Security key or passkey removed" in banners(page)
    assert page.get_by_role("button", name=USE_KEY).count() == 0  # no key left to offer
    enter_code(page, code_for(user))
    assert path_of(page) == KEYS_PAGE
    assert page.locator("#no-security-keys").is_visible()
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="staff.security_key_removed", details={"key": key.pk}).exists()

    assert not js_errors, js_errors


def test_key_pages_have_no_axe_violations_and_work_without_javascript(
    new_context, webauthn_origin, js_errors
):
    person = member("warwickshire-hcp", Role.CASEWORKER, first_name="Ali")
    user = person.user
    problems: list[str] = []
    notes: list[str] = []

    page = new_context(bypass_csp=True).new_page()
    virtual_authenticator(page)
    sign_in(page, person)
    page.goto(KEYS_PAGE)
    check_page(page, "security keys, none yet", problems, notes)
    page.get_by_role("button", name=ADD_KEY).click()
    page.wait_for_selector("#security-keys")
    check_page(page, "security keys, one added", problems, notes)
    # The same key again: the browser refuses, and the page says so in our words (our translations).
    page.get_by_role("button", name=ADD_KEY).click()
    status = page.locator("#passkey-register-status-message")
    expect(status).to_have_text("This security key or passkey is already added.")
    expect(page.get_by_role("button", name=ADD_KEY)).to_be_focused()
    # The library's script also logs the browser's refusal to the console: expected here, and only here.
    js_errors[:] = [error for error in js_errors if "InvalidStateError" not in error]
    # From the top, as the other pages are checked: scrolled down at 320 px, the sticky "Exit this page"
    # button covers part of the staff menu on every staff page (axe: target-size), not only here.
    page.evaluate("window.scrollTo(0, 0)")
    check_page(page, "security keys, the same key again", problems, notes)
    sign_out(page)
    assert enter_password(page, person) == "verify"
    assert page.get_by_role("button", name=USE_KEY).is_visible()
    check_page(page, "confirm it is you, with a key", problems, notes)

    # A browser with no way to use keys: the page says so, and the code works.
    no_webauthn = new_context(bypass_csp=True).new_page()
    no_webauthn.add_init_script("delete window.PublicKeyCredential;")
    assert enter_password(no_webauthn, person) == "verify"
    assert no_webauthn.get_by_text("This browser cannot use security keys or passkeys").is_visible()
    assert no_webauthn.get_by_role("button", name=USE_KEY).count() == 0
    check_page(no_webauthn, "confirm it is you, browser without keys", problems, notes)

    # Without JavaScript: what the page says instead of the button (checked with axe on the page as a
    # browser without scripts gets it), then the code from the app signs in and the keys page still lists
    # and removes keys.
    bare = new_context(bypass_csp=True, without_page_scripts=True).new_page()
    assert enter_password(bare, person) == "verify"
    bare.goto("/staff/verify/")  # the routing that takes scripts out sees direct loads, not redirects
    assert bare.locator("script").count() == 0
    assert bare.get_by_text("this page needs JavaScript").is_visible()
    check_page(bare, "confirm it is you, without JavaScript", problems, notes)
    nojs = new_context(js=False).new_page()
    assert enter_password(nojs, person) == "verify"
    assert nojs.get_by_role("button", name=USE_KEY).count() == 0
    enter_code(nojs, code_for(user))
    assert path_of(nojs) == "/staff/"
    nojs.goto(KEYS_PAGE)
    assert nojs.get_by_text("Adding a key needs JavaScript").is_visible()
    with nojs.expect_navigation():
        nojs.locator("#security-keys button[type=submit]").click()
    assert path_of(nojs) == KEYS_PAGE  # verified with the app: removing a key leaves the session as it is
    assert nojs.locator("#no-security-keys").is_visible()

    for note in notes:
        warnings.warn(f"table at 320 px: {note}", stacklevel=1)
    assert not problems, "\n\n".join(problems)
    assert not js_errors, js_errors

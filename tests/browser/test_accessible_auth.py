"""WCAG 2.2 "accessible authentication" (3.3.8) for staff: no cognitive test, and a password manager or the
clipboard can fill every field (paste is never blocked; autocomplete names each field)."""

from __future__ import annotations

import pytest

from standtogether.partners.models import Role
from tests.staff import member

from .flows import submit
from .staff_flows import PASSWORD, code_for, path_of, set_up_authenticator

pytestmark = pytest.mark.browser


def _paste(page, selector: str, text: str) -> None:
    """Put `text` on the clipboard, then paste it into the field with the keyboard, as a person would."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.locator(selector).focus()
    page.keyboard.press("Control+V")
    assert page.locator(selector).input_value() == text, f"paste into {selector} was blocked"


def test_staff_sign_in_takes_pasted_password_and_code_and_names_each_field(new_context, live_server):
    person = member("warwickshire-hcp", Role.CASEWORKER)
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto("/staff/login/")
    assert page.locator("main #id_username").get_attribute("autocomplete") == "username"
    assert page.locator("main #id_password").get_attribute("autocomplete") == "current-password"
    _paste(page, "main #id_username", person.user.username)
    _paste(page, "main #id_password", PASSWORD)
    submit(page, "main form button[type=submit]")
    assert path_of(page) == "/staff/mfa/setup/", page.url
    set_up_authenticator(page, person)  # first sign-in: the app is set up and its first code typed
    context.clear_cookies()  # a new sign-in, as on another day

    page.goto("/staff/login/")
    _paste(page, "main #id_username", person.user.username)
    _paste(page, "main #id_password", PASSWORD)
    submit(page, "main form button[type=submit]")
    assert path_of(page) == "/staff/verify/", page.url
    assert page.locator("main #id_token").get_attribute("autocomplete") == "one-time-code"
    _paste(page, "main #id_token", code_for(person.user))
    submit(page, "main form button[type=submit]")
    assert path_of(page).startswith("/staff/") and path_of(page) not in ("/staff/login/", "/staff/verify/")
    # No puzzle, no "type the characters you see", no memory test anywhere on the way.
    assert page.locator("img[alt*='captcha' i], [class*='captcha' i]").count() == 0

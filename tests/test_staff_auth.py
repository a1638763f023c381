"""Staff sign in with a password and a second factor, always; lockout; idle and absolute timeouts."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from standtogether.core.models import AuditEvent
from standtogether.staff import sessions

pytestmark = pytest.mark.django_db
PASSWORD = "a long staff passphrase 42"


@pytest.fixture
def officer():
    return get_user_model().objects.create_user("officer", "officer@example.org", PASSWORD, is_staff=True)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _enrol(client) -> tuple[TOTPDevice, list[str]]:
    response = client.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    assert response["Location"].startswith("/staff/mfa/setup/")
    page = client.get(response["Location"]).content.decode()
    assert "data:image/svg+xml" in page and 'id="totp-secret"' in page
    device = TOTPDevice.objects.get(confirmed=False)
    page = client.post("/staff/mfa/setup/", {"token": _code(device)}).content.decode()
    codes = re.findall(r'<li class="st-code">([^<]+)</li>', page)
    device.refresh_from_db()
    return device, codes


def test_staff_pages_need_a_password_and_a_second_factor(client, officer):
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    client.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    # Password alone is not enough.
    assert client.get("/staff/")["Location"] == "/staff/mfa/setup/"


def test_first_sign_in_enrols_totp_and_shows_recovery_codes_once(client, officer):
    device, codes = _enrol(client)
    assert device.confirmed and len(codes) == 10
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.mfa_enrolled").exists()


def test_later_sign_in_asks_for_the_code_and_accepts_a_recovery_code_once(client, officer):
    device, codes = _enrol(client)
    client.post("/staff/logout/")
    response = client.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    assert response["Location"].startswith("/staff/verify/")
    wrong = client.post("/staff/verify/", {"token": "000000"})
    assert wrong.status_code == 400 and "did not work" in wrong.content.decode()
    # After a wrong code every device is throttled for a moment (django-otp), even for a right code.
    assert client.post("/staff/verify/", {"token": codes[0]}).status_code == 400
    time.sleep(1.1)
    assert client.post("/staff/verify/", {"token": codes[0]})["Location"] == "/staff/"
    client.post("/staff/logout/")
    client.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    assert client.post("/staff/verify/", {"token": codes[0]}).status_code == 400  # used up
    time.sleep(1.1)
    assert client.post("/staff/verify/", {"token": codes[1]})["Location"] == "/staff/"


def test_settings_admin_requires_the_second_factor(client, officer):
    officer.is_superuser = True
    officer.save()
    client.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    response = client.get("/staff/settings/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/staff/login/")
    _device, _codes = _enrol(type(client)())  # another browser enrols; this one is still unverified
    assert client.get("/staff/settings/").status_code == 302


def test_account_locks_after_repeated_wrong_passwords(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/staff/login/", {"username": "officer", "password": "wrong password!"})
    response = client.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_wrong_password_message_is_plain_and_allows_paste(client, officer):
    page = client.get("/staff/login/").content.decode()
    assert "onpaste" not in page
    response = client.post("/staff/login/", {"username": "officer", "password": "nope"})
    assert "The username or password is not right" in response.content.decode()


def test_idle_and_absolute_timeouts_sign_staff_out(client, officer):
    _enrol(client)
    session = client.session
    session[sessions.SEEN_AT] = time.time() - 31 * 60
    session.save()
    assert client.get("/staff/")["Location"] == "/staff/login/?expired=1"
    _enrol_again = client.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    device = TOTPDevice.objects.get(confirmed=True)
    client.post("/staff/verify/", {"token": _code(device, offset=1)})
    session = client.session
    session[sessions.LOGIN_AT] = time.time() - 13 * 3600
    session.save()
    assert client.get("/staff/")["Location"] == "/staff/login/?expired=1"

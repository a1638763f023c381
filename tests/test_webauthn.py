"""Security keys and passkeys (WebAuthn) as a second factor: who may add one, removing only your own, signing
in with one after the password (never instead of it), audit events, and the session rules that keep applying.

A software authenticator (tests/softkey.py) answers the challenges, so the library's checks run for real.
"""

from __future__ import annotations

import json
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from standtogether.core.models import AuditEvent
from standtogether.partners.models import Role, StaffProfile
from standtogether.staff import actions, sessions
from tests.softkey import SoftKey, b64url
from tests.staff import member, signed_in

pytestmark = pytest.mark.django_db
PASSWORD = "a long staff passphrase 42"  # what tests.staff.member sets
ADD_BEGIN = "/staff/mfa/webauthn/add/begin/"
ADD_COMPLETE = "/staff/mfa/webauthn/add/complete/"
SIGN_IN_BEGIN = "/staff/mfa/webauthn/sign-in/begin/"
SIGN_IN_COMPLETE = "/staff/mfa/webauthn/sign-in/complete/"
KEYS_PAGE = "/staff/mfa/keys/"


def _post_json(client: Client, url: str, data: dict):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def _add_key(client: Client, key: SoftKey):
    options = client.post(ADD_BEGIN)
    assert options.status_code == 200, options.content
    return _post_json(client, ADD_COMPLETE, key.register(options.json()))


def _password_only(membership) -> Client:
    client = Client()
    response = client.post("/staff/login/", {"username": membership.user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def sara():
    return member("warwickshire-hcp", Role.CASEWORKER, first_name="Sara")


@pytest.fixture
def tom():
    return member("warwickshire-hcp", Role.CASEWORKER, first_name="Tom")


def _with_key(membership) -> tuple[Client, SoftKey, WebAuthnCredential]:
    client = signed_in(membership)
    key = SoftKey()
    response = _add_key(client, key)
    assert response.status_code == 200, response.content
    return client, key, WebAuthnCredential.objects.get(pk=response.json()["id"])


# --- adding a key ------------------------------------------------------------------------------------------


def test_a_verified_member_adds_a_key_and_the_audit_trail_says_so(sara):
    client, _key, credential = _with_key(sara)
    assert credential.user == sara.user and credential.confirmed
    [event] = _events("staff.security_key_added")
    assert event.actor == f"user:{sara.user.pk}" and event.details == {"key": credential.pk}
    page = client.get(KEYS_PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="security-keys"' in html and f"/staff/mfa/keys/{credential.pk}/remove/" in html
    assert "Security key or passkey added" in html  # the banner the script's reload shows


def test_adding_a_key_needs_a_session_that_passed_the_second_factor(sara):
    # Password only, no authenticator app yet: the library alone would let this person add a key and count
    # it as their second factor. Not here: the app is set up first, always.
    client = _password_only(sara)
    refused = client.post(ADD_BEGIN)
    assert refused.status_code == 403 and refused.json()["code"] == "user_not_verified"
    assert client.get(KEYS_PAGE)["Location"] == "/staff/mfa/setup/"
    # Password, with the app set up but no code given in this session: refused as well.
    TOTPDevice.objects.create(user=sara.user, name="app", confirmed=True)
    assert client.post(ADD_BEGIN).status_code == 403
    assert _post_json(client, ADD_COMPLETE, SoftKey().register({"challenge": "x"})).status_code == 403
    assert client.get(KEYS_PAGE)["Location"] == "/staff/verify/"
    # Nobody signed in at all.
    assert Client().post(ADD_BEGIN).status_code == 403
    assert not WebAuthnCredential.objects.exists()
    assert not _events("staff.security_key_added")


def test_the_add_action_itself_refuses_an_unverified_session(sara):
    request = RequestFactory().post(ADD_COMPLETE)
    request.user = sara.user
    request.user.is_verified = lambda: False
    with pytest.raises(PermissionDenied):
        actions.add_security_key(request, {"challenge": "x", "require_user_verification": False}, {})
    assert not _events("staff.security_key_added")


def test_a_registration_challenge_is_used_once_and_bound_to_our_origin(sara):
    client = signed_in(sara)
    options = client.post(ADD_BEGIN).json()
    stranger = SoftKey(origin="https://stand-together.example.net")
    wrong_origin = _post_json(client, ADD_COMPLETE, stranger.register(options))
    assert wrong_origin.status_code == 422
    # The challenge went with that attempt: the right answer to it is refused too.
    again = _post_json(client, ADD_COMPLETE, SoftKey().register(options))
    assert again.status_code == 400 and again.json()["code"] == "invalid_state"
    assert not WebAuthnCredential.objects.exists()
    assert not _events("staff.security_key_added")


def test_a_key_already_registered_is_refused_whoever_adds_it(sara, tom):
    _client, key, credential = _with_key(sara)
    again = _add_key(signed_in(tom), key)  # the same credential id, for another person
    assert again.status_code == 422 and again.json()["code"] == "credential_exists"
    assert again.json()["detail"] == "This security key or passkey is already added."
    assert list(WebAuthnCredential.objects.all()) == [credential]
    assert len(_events("staff.security_key_added")) == 1


def test_errors_are_in_our_words(sara):
    client = _password_only(sara)
    detail = client.post(ADD_BEGIN).json()["detail"]
    assert detail == "Sign in again, then try once more."


# --- signing in with a key ---------------------------------------------------------------------------------


def test_password_then_key_opens_the_staff_area_like_a_code_does(sara):
    _client, key, credential = _with_key(sara)
    client = _password_only(sara)
    page = client.get("/staff/verify/?next=/staff/cases/").content.decode()
    assert "Use your security key or passkey" in page and 'id="otp_webauthn_config"' in page
    assert 'name="token"' in page  # the code still works, and is all there is without JavaScript
    assert client.get("/staff/")["Location"] == "/staff/verify/"
    options = client.post(SIGN_IN_BEGIN).json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(bytes(credential.credential_id))]
    done = _post_json(client, f"{SIGN_IN_COMPLETE}?next=/staff/cases/", key.sign_in(options))
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == "/staff/cases/"
    assert client.get("/staff/").status_code == 200
    event = _events("staff.mfa_verified")[-1]
    assert event.actor == f"user:{sara.user.pk}" and event.details == {"device": "WebAuthnCredential"}
    credential.refresh_from_db()
    assert credential.sign_count == 1 and credential.last_used_at is not None


def test_an_unsafe_next_goes_to_the_staff_home(sara):
    _client, key, _credential = _with_key(sara)
    client = _password_only(sara)
    options = client.post(SIGN_IN_BEGIN).json()
    done = _post_json(client, f"{SIGN_IN_COMPLETE}?next=https://evil.example/", key.sign_in(options))
    assert done.json()["redirect_url"] == "/staff/"


def test_a_key_never_replaces_the_password(sara):
    _client, key, _credential = _with_key(sara)
    stranger = Client()
    refused = stranger.post(SIGN_IN_BEGIN)
    assert refused.status_code == 403
    forged = _post_json(stranger, SIGN_IN_COMPLETE, key.sign_in({"challenge": "AAAA"}))
    assert forged.status_code == 403
    assert stranger.get("/staff/")["Location"].startswith("/staff/login/")


def test_another_persons_key_does_not_sign_you_in(sara, tom):
    _client, saras_key, _credential = _with_key(sara)
    client = _password_only(tom)
    TOTPDevice.objects.create(user=tom.user, name="app", confirmed=True)
    options = client.post(SIGN_IN_BEGIN).json()
    refused = _post_json(client, SIGN_IN_COMPLETE, saras_key.sign_in(options))
    assert refused.status_code == 403 and refused.json()["code"] == "credential_user_mismatch"
    assert "not one of yours" in refused.json()["detail"]
    assert client.get("/staff/")["Location"] == "/staff/verify/"
    assert not _events("staff.mfa_verified")


def test_a_replayed_sign_in_is_refused(sara):
    _client, key, _credential = _with_key(sara)
    client = _password_only(sara)
    options = client.post(SIGN_IN_BEGIN).json()
    answer = key.sign_in(options)
    assert _post_json(client, SIGN_IN_COMPLETE, answer).status_code == 200
    other = _password_only(sara)
    other.post(SIGN_IN_BEGIN)  # a fresh challenge in that session: the old answer does not match it
    assert _post_json(other, SIGN_IN_COMPLETE, answer).status_code == 422
    assert other.get("/staff/")["Location"] == "/staff/verify/"


def test_session_limits_and_revocation_still_apply_after_a_key(sara):
    _client, key, _credential = _with_key(sara)
    client = _password_only(sara)
    login_at = client.session[sessions.LOGIN_AT]
    _post_json(client, SIGN_IN_COMPLETE, key.sign_in(client.post(SIGN_IN_BEGIN).json()))
    assert client.session[sessions.LOGIN_AT] == login_at  # the clock started at the password, as for a code
    assert client.get("/staff/").status_code == 200
    StaffProfile.objects.update_or_create(user=sara.user, defaults={"sessions_valid_after": timezone.now()})
    assert client.get("/staff/")["Location"] == "/staff/login/?expired=1"
    client = _password_only(sara)
    _post_json(client, SIGN_IN_COMPLETE, key.sign_in(client.post(SIGN_IN_BEGIN).json()))
    session = client.session
    session[sessions.SEEN_AT] = time.time() - 31 * 60
    session.save()
    assert client.get("/staff/")["Location"] == "/staff/login/?expired=1"


def test_people_without_a_key_get_the_code_page_as_before(sara):
    TOTPDevice.objects.create(user=sara.user, name="app", confirmed=True)
    page = _password_only(sara).get("/staff/verify/").content.decode()
    assert (
        "Enter your code" in page
        and "otp_webauthn_config" not in page
        and '<script type="module" src="/static/django_otp_webauthn' not in page
    )


# --- seeing and removing keys ------------------------------------------------------------------------------


def test_removing_your_own_key_is_audited(sara):
    client, _key, credential = _with_key(sara)
    response = client.post(f"/staff/mfa/keys/{credential.pk}/remove/")
    assert response["Location"] == KEYS_PAGE
    assert not WebAuthnCredential.objects.exists()
    [event] = _events("staff.security_key_removed")
    assert event.actor == f"user:{sara.user.pk}" and event.details == {"key": credential.pk}
    page = client.get(KEYS_PAGE).content.decode()
    assert 'id="no-security-keys"' in page and "Security key or passkey removed." in page


def test_you_cannot_remove_another_persons_key(sara, tom):
    _client, _key, saras = _with_key(sara)
    toms_client = signed_in(tom)
    assert toms_client.post(f"/staff/mfa/keys/{saras.pk}/remove/").status_code == 404
    assert f"/staff/mfa/keys/{saras.pk}/remove/" not in toms_client.get(KEYS_PAGE).content.decode()
    assert WebAuthnCredential.objects.filter(pk=saras.pk).exists()
    assert not _events("staff.security_key_removed")


def test_removing_needs_a_verified_session_and_a_post(sara):
    client, _key, credential = _with_key(sara)
    assert client.get(f"/staff/mfa/keys/{credential.pk}/remove/").status_code == 405
    unverified = _password_only(sara)
    response = unverified.post(f"/staff/mfa/keys/{credential.pk}/remove/")
    assert response["Location"] == "/staff/verify/"
    assert Client().post(f"/staff/mfa/keys/{credential.pk}/remove/")["Location"].startswith("/staff/login/")
    assert WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    assert not _events("staff.security_key_removed")


def test_removing_the_key_this_session_used_asks_for_a_code_again(sara):
    _client, key, credential = _with_key(sara)
    device = TOTPDevice.objects.get(user=sara.user)
    client = _password_only(sara)
    _post_json(client, SIGN_IN_COMPLETE, key.sign_in(client.post(SIGN_IN_BEGIN).json()))
    response = client.post(f"/staff/mfa/keys/{credential.pk}/remove/")
    assert response["Location"] == "/staff/verify/?next=/staff/mfa/keys/"
    assert client.get(KEYS_PAGE)["Location"] == "/staff/verify/"
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/staff/verify/?next=/staff/mfa/keys/", {"token": code})["Location"] == KEYS_PAGE
    assert client.get(KEYS_PAGE).status_code == 200


def test_the_keys_page_keeps_the_strict_csp_and_serves_the_library_script_itself(sara):
    client = signed_in(sara)
    response = client.get(KEYS_PAGE)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self' 'nonce-" in csp
    html = response.content.decode()
    nonce = csp.split("'nonce-")[1].split("'")[0]
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        if "src=" in opening:  # a file: from our own static files, never another host
            assert 'src="/static/' in opening, opening
        else:  # inline: our nonce, or data that is never run
            assert 'type="application/json"' in opening or f'nonce="{nonce}"' in opening, opening
    assert 'src="/static/django_otp_webauthn/otp_webauthn_register.js"' in html
    assert 'src="/static/js/security-keys.mjs"' in html


def test_every_message_of_the_library_scripts_is_ours():
    """The library's scripts show gettext("...") texts; ours answer them (security-keys.mjs). A failure we
    have not worded gets the general failure message; anything else new (after an upgrade) must be worded."""
    import re
    from pathlib import Path

    import django_otp_webauthn
    from django.utils import translation

    from standtogether.staff import webauthn

    scripts = Path(django_otp_webauthn.__file__).parent / "static" / "django_otp_webauthn"
    texts = set()
    for name in ("otp_webauthn_register.js", "otp_webauthn_auth.js"):
        texts |= set(re.findall(r'gettext\("([^"]*)"\)', (scripts / name).read_text()))
    assert len(texts) > 20
    with translation.override("en"):
        table = webauthn.messages()
    unworded = {t for t in texts if t not in table and not re.search(r"failed|error", t, re.IGNORECASE)}
    assert not unworded
    assert table["*"].startswith("That did not work")


def test_the_key_endpoints_check_csrf(sara):
    client = signed_in(sara, Client(enforce_csrf_checks=True))
    assert client.post(ADD_BEGIN).status_code == 403
    assert client.post(SIGN_IN_BEGIN).status_code == 403
    assert "otp_webauthn_register_state" not in client.session

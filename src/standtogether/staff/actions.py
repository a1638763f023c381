"""Staff sign-in and MFA enrolment: state changes with audit events."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from standtogether.core import audit

from . import sessions

RECOVERY_CODES = 10


def _actor(user) -> str:
    return f"user:{user.pk}"


@transaction.atomic
def sign_in(request: HttpRequest, user) -> None:
    """Password accepted: a new session (new id), MFA still to come."""
    login(request, user)  # rotates the session key
    now = timezone.now().timestamp()
    request.session[sessions.LOGIN_AT] = now
    request.session[sessions.SEEN_AT] = now
    audit.record(_actor(user), "staff.password_accepted", user)


@transaction.atomic
def verify_second_factor(request: HttpRequest, device) -> None:
    otp_login(request, device)
    audit.record(_actor(request.user), "staff.mfa_verified", request.user, device=type(device).__name__)


@transaction.atomic
def start_totp_enrolment(user) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(request: HttpRequest, device: TOTPDevice) -> list[str]:
    """The first code matched: the device is confirmed; new recovery codes are made (shown once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static, _ = StaticDevice.objects.get_or_create(user=device.user, name="Recovery codes")
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        static.token_set.create(token=code)
    otp_login(request, device)
    audit.record(_actor(device.user), "staff.mfa_enrolled", device.user, recovery_codes=len(codes))
    return codes


@transaction.atomic
def add_security_key(request: HttpRequest, state: dict, response: dict) -> WebAuthnCredential:
    """A security key or passkey answered the registration challenge: check it, keep it, audit it.

    Only a person who has already passed the second factor in this session may add one: a key can never
    stand in for setting up the authenticator app, nor be added with the password alone. `state` is the
    challenge kept in the session (taken out of it by the caller, so it is used once); `response` is what
    the browser sent. django-otp-webauthn's helper checks the challenge, origin and relying-party id and
    raises if anything is wrong; nothing is saved then.
    """
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        raise PermissionDenied("verify the second factor before adding a key")
    helper = WebAuthnCredential.get_webauthn_helper(request=request)
    key = helper.register_complete(user=user, state=state, data=response)
    audit.record(_actor(user), "staff.security_key_added", user, key=key.pk)
    return key


@transaction.atomic
def remove_security_key(request: HttpRequest, key_id: int) -> None:
    """Remove one of the person's own keys. Another person's key is "not found", like one that never was.

    If this session was verified with that key, it is not verified any more (django-otp drops a session's
    device when the device is gone): the person confirms with their authenticator app to carry on. The
    same happens to any other session that used the key, which is the point when a key is lost.
    """
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        raise PermissionDenied("verify the second factor before removing a key")
    key = WebAuthnCredential.objects.select_for_update().filter(user=user, pk=key_id).first()
    if key is None:
        raise Http404("no such key")
    audit.record(_actor(user), "staff.security_key_removed", user, key=key.pk)
    key.delete()


@transaction.atomic
def sign_out(request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit.record(_actor(request.user), "staff.signed_out", request.user)
    logout(request)

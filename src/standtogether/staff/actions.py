"""Staff sign-in and MFA enrolment: state changes with audit events."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

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
def sign_out(request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit.record(_actor(request.user), "staff.signed_out", request.user)
    logout(request)

"""The staff area under /staff/: password, then a second factor, always (design/security.md)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from standtogether.cases.models import Case

from . import actions, webauthn
from . import membership as current_membership
from .forms import StaffLoginForm, TokenForm

SETUP_DEVICE = "staff_setup_device"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/staff/"


def _has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def staff_required(view: Callable) -> Callable:
    """Signed in with a password AND a verified second factor."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not request.user.is_verified():
            return redirect("staff_verify" if _has_confirmed_device(request.user) else "staff_mfa_setup")
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = StaffLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.sign_in(request, form.get_user())
        step = "staff_verify" if _has_confirmed_device(form.get_user()) else "staff_mfa_setup"
        return redirect(f"{reverse(step)}?next={quote(_next(request))}")
    context = {
        "title": _("Staff sign in"),
        "form": form,
        "next": _next(request),
        "expired": request.GET.get("expired"),
    }
    return render(request, "staff/login.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("That code did not work. Wait for a new code and try again."))
        else:
            actions.verify_second_factor(request, device)
            return redirect(_next(request))
    keys = webauthn.has_keys(request.user)
    return render(
        request,
        "staff/verify.html",
        {
            "title": _("Confirm it is you") if keys else _("Enter your code"),
            "form": form,
            "next": _next(request),
            "keys": keys,
            "webauthn_config": webauthn.configuration(request) if keys else None,
            "webauthn_messages": webauthn.messages() if keys else None,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if _has_confirmed_device(request.user):
        return redirect("staff_verify")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(SETUP_DEVICE), user=request.user, confirmed=False
    ).first()
    if device is None:
        device = actions.start_totp_enrolment(request.user)
        request.session[SETUP_DEVICE] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = actions.confirm_totp_enrolment(request, device)
            request.session.pop(SETUP_DEVICE, None)
            return render(
                request,
                "staff/recovery_codes.html",
                {"title": _("Save your recovery codes"), "codes": codes, "next": _next(request)},
            )
        form.add_error(
            "token",
            _("That code did not work. Check the time on your phone is right, and try the newest code."),
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return render(
        request,
        "staff/mfa_setup.html",
        {
            "title": _("Set up your authenticator app"),
            "form": form,
            "secret": secret,
            "qr": qr,
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    member = current_membership.current(request)
    by_status = (
        dict(Case.visible.for_member(member).values_list("status").annotate(n=Count("id", distinct=True)))
        if member
        else {}
    )
    return render(
        request,
        "staff/home.html",
        {
            "title": _("Staff area"),
            "by_status": by_status,
            "member": member,
            "choices": current_membership.memberships(request),
        },
    )


@require_POST
@staff_required
def choose_membership(request: HttpRequest) -> HttpResponse:
    try:
        current_membership.choose(request, int(request.POST.get("membership", "")))
    except ValueError:
        pass
    return redirect("staff_home")


@require_http_methods(["GET"])
@staff_required
def security_keys(request: HttpRequest) -> HttpResponse:
    """The person's security keys and passkeys: add one (needs JavaScript), see them, remove one."""
    keys = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).order_by("created_at", "pk")
    return render(
        request,
        "staff/security_keys.html",
        {
            "title": _("Security keys and passkeys"),
            "keys": keys,
            "member": current_membership.current(request),
            "webauthn_config": webauthn.configuration(request),
            "webauthn_messages": webauthn.messages(),
        },
    )


@require_POST
@staff_required
def remove_security_key(request: HttpRequest, pk: int) -> HttpResponse:
    signed_in_with = request.user.otp_device
    actions.remove_security_key(request, pk)
    if isinstance(signed_in_with, WebAuthnCredential) and signed_in_with.pk == pk:
        # This session was verified with that key, so it is not verified any more (the action says why).
        messages.success(
            request,
            _("Security key or passkey removed. You signed in with it: enter a code to carry on."),
        )
        return redirect(f"{reverse('staff_verify')}?next={quote(reverse('staff_security_keys'))}")
    messages.success(request, _("Security key or passkey removed."))
    return redirect("staff_security_keys")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    actions.sign_out(request)
    return redirect(settings.LOGIN_URL)

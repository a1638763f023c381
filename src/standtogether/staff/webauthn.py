"""Security keys and passkeys (WebAuthn) as a second factor, through django-otp-webauthn.

The library does the ceremony (challenges kept in the session and used once, origin and relying-party id
checked, signature counters) and serves the JSON endpoints its scripts call. Here we narrow it to our
rules:

- a key is a second factor only: the password comes first (no passwordless sign-in, see settings), and a
  key is checked against the keys of the person signed in with that password;
- adding a key needs a session that has already passed the second factor (the library would also let a
  person with no second factor at all add one and count it as verified: not here, the authenticator app
  stays mandatory);
- adding goes through `actions.add_security_key` and signing in through `actions.verify_second_factor`,
  the same action as a code from the app, so both write their audit event and the session is marked
  verified exactly as the code path marks it (idle and absolute limits and membership revocation keep
  applying: they hang on the password step's session, see sessions.py);
- every message the scripts can show comes from our translations (`messages()`), not the library's.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.db import IntegrityError
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as library
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration
from django_otp_webauthn.utils import rewrite_exceptions

from . import actions


def has_keys(user) -> bool:
    return user.is_authenticated and WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def configuration(request: HttpRequest) -> dict:
    """What the library's scripts read from the page (`otp_webauthn_config`): endpoints and CSRF token."""
    return get_configuration(request)


def messages() -> dict[str, str]:
    """The library's scripts call a global `gettext(text)`; static/js/security-keys.mjs answers from this
    table, so what the scripts say is in the page's language. Keys are the library's English texts."""
    busy = _("Waiting for your security key or passkey…")
    checking = _("Checking…")
    cancelled = _("Cancelled, or your device did not allow it. You can try again.")
    failed = _("That did not work. Try again, or use a code from your authenticator app.")
    return {
        # adding a key
        "Register a Passkey": _("Add a security key or passkey"),
        "Registering...": busy,
        "Finishing registration...": checking,
        "Registration aborted.": cancelled,
        "Registration aborted or not allowed.": cancelled,
        "Registration failed. You most likely already have a Passkey registered for this site.": _(
            "This security key or passkey is already added."
        ),
        "Registration successful!": _("Security key or passkey added."),
        # signing in with a key
        "Verify with Passkey": _("Use your security key or passkey"),
        "Verifying...": busy,
        "Finishing verification...": checking,
        "Verification aborted.": cancelled,
        "Verification canceled or not allowed.": cancelled,
        "Verification successful!": _("Done. Opening the staff area…"),
        # anything else the scripts can say is a failure
        "*": failed,
    }


def _error_detail(code: str) -> str:
    if code == "credential_exists":
        return _("This security key or passkey is already added.")
    if code in {"credential_not_found", "credential_user_mismatch"}:
        return _("That key is not one of yours here. Use another key, or a code from your authenticator app.")
    if code in {"user_not_verified", "not_authenticated", "passwordless_login_disabled", "invalid_state"}:
        return _("Sign in again, then try once more.")
    return _("That did not work. Try again, or use a code from your authenticator app.")


class OurMessages:
    """Errors go back as JSON with our own wording (the scripts show `detail` to the person)."""

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return JsonResponse({"detail": _error_detail(exc.code), "code": exc.code}, status=exc.status_code)
        raise exc


class AddingRules:
    def check_can_register(self) -> None:
        # The library only refuses people who have a second factor and have not used it; we refuse anyone
        # whose session has not passed one.
        if not self.request.user.is_verified():
            raise exceptions.NotVerified()


class BeginAdding(OurMessages, AddingRules, library.BeginCredentialRegistrationView):
    pass


class CompleteAdding(OurMessages, AddingRules, library.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        state = self.get_state()  # taken out of the session before anything else: used once
        try:
            with rewrite_exceptions(logger=library._get_pywebauthn_logger()):
                key = actions.add_security_key(self.request, state, self.request.data)
        except IntegrityError:  # that credential id is registered already (to this person or another)
            raise exceptions.UnprocessableEntity(code="credential_exists") from None
        flash.success(
            self.request, _("Security key or passkey added. You can use it the next time you sign in.")
        )
        return JsonResponse({"id": key.pk})


class SigningInRules:
    def check_can_authenticate(self) -> None:
        # Second factor only: the password step must have signed the person in (sessions.py starts the
        # clock there). The library's setting already refuses passwordless ceremonies; say it twice.
        user = self.request.user
        if not (user.is_authenticated and user.is_active):
            raise exceptions.NotAuthenticated()


class BeginSigningIn(OurMessages, SigningInRules, library.BeginCredentialAuthenticationView):
    pass


class CompleteSigningIn(OurMessages, SigningInRules, library.CompleteCredentialAuthenticationView):
    def complete_auth(self, device) -> None:
        # The library checked that the key belongs to the person signed in; verify exactly as a code does.
        actions.verify_second_factor(self.request, device)

    def get_success_url(self) -> str:
        target = self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return reverse("staff_home")


# Included under the library's namespace: its template tag and scripts look the endpoints up by these names.
app_name = "otp_webauthn"
urlpatterns = [
    path("add/begin/", BeginAdding.as_view(), name="credential-registration-begin"),
    path("add/complete/", CompleteAdding.as_view(), name="credential-registration-complete"),
    path("sign-in/begin/", BeginSigningIn.as_view(), name="credential-authentication-begin"),
    path("sign-in/complete/", CompleteSigningIn.as_view(), name="credential-authentication-complete"),
]

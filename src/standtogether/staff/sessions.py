"""Staff session limits: 30 minutes idle, 12 hours absolute (design/security.md: staff accounts)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from standtogether.partners.models import StaffProfile

LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"


def expired(request: HttpRequest) -> bool:
    now = timezone.now().timestamp()
    login_at = request.session.get(LOGIN_AT, 0)
    seen_at = request.session.get(SEEN_AT, login_at)
    profile = StaffProfile.objects.filter(user_id=request.user.pk).only("sessions_valid_after").first()
    # Disabling a membership moves sessions_valid_after to now: every older session of the person ends.
    revoked = bool(
        profile and profile.sessions_valid_after and login_at < profile.sessions_valid_after.timestamp()
    )
    return (
        revoked
        or now - seen_at > settings.STAFF_IDLE_MINUTES * 60
        or now - login_at > settings.STAFF_ABSOLUTE_HOURS * 3600
    )


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if expired(request):
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?expired=1")
            now = timezone.now().timestamp()
            # Write only once a minute: saving the session on every request costs a write each time.
            if now - request.session.get(SEEN_AT, 0) > 60:
                request.session[SEEN_AT] = now
        return self.get_response(request)

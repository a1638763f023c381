"""The reading mode: standard or Easy Read, chosen by the person with a plain link on every public page.

The choice is one cookie holding the word "easy" (nothing about the person, no IP address, no user agent);
standard is the absence of the cookie. It is independent of the language: the language lives in the URL
prefix, the mode in the cookie, so switching one keeps the other.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

COOKIE = "st_read"
EASY = "easy"
STANDARD = "standard"
MAX_AGE = 365 * 24 * 60 * 60  # a year: the person chose it once and should not have to again


def is_easy(request: HttpRequest) -> bool:
    return request.COOKIES.get(COOKIE) == EASY


def _local_path(request: HttpRequest, target: str) -> str:
    """Only a path on this site: an open redirect would let a link dressed as ours send people elsewhere."""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure())
    ):
        return target
    return reverse("home")


@require_safe
def switch(request: HttpRequest, mode: str) -> HttpResponse:
    """GET, so the plain link works without JavaScript; it only sets a display preference."""
    if mode not in (EASY, STANDARD):
        raise Http404
    response = redirect(_local_path(request, request.GET.get("next", "")))
    if mode == EASY:
        response.set_cookie(
            COOKIE, EASY, max_age=MAX_AGE, secure=request.is_secure(), httponly=True, samesite="Lax"
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response

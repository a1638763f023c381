"""Headers that keep personal pages out of caches and history, on every response we render."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/") and not getattr(response, "public_material", False):
            # Journey, tracking and staff pages hold personal data: never stored by a browser or proxy,
            # so the back button on a shared phone does not show someone's report. Only a response that
            # says it is the same public material for everyone (the printable PDFs) may be cached.
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, max-age=0"
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_from_path

from standtogether.intake import reading
from standtogether.languages import status as language_status


def _reading(request: HttpRequest) -> dict:
    """Easy Read on public pages (the ones under a language prefix) and the link that switches it."""
    if not get_language_from_path(request.path):
        return {"easy_read": False, "reading_switch_url": ""}
    easy = reading.is_easy(request)
    target = reverse("intake:reading", args=[reading.STANDARD if easy else reading.EASY])
    return {
        "easy_read": easy,
        "reading_switch_url": f"{target}?{urlencode({'next': request.get_full_path()})}",
    }


def site(request: HttpRequest) -> dict:
    language = get_language() or settings.LANGUAGE_CODE
    return {
        **_reading(request),
        "exit_page_url": settings.EXIT_PAGE_URL,
        "partnership_name": settings.PARTNERSHIP_NAME,
        "text_direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
        # Pages in a language nobody from the community has checked yet say so (languages/status.py).
        "machine_translation": language_status.is_machine_draft(language),
        # The same page in each offered language (the choice then carries through the journey).
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(request.path, code),
                "current": code == language,
            }
            for code, name in settings.LANGUAGES
        ],
    }

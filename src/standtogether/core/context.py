from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

from standtogether.languages import status as language_status


def site(request: HttpRequest) -> dict:
    language = get_language() or settings.LANGUAGE_CODE
    return {
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

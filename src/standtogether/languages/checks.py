"""`manage.py check`: the language status file is readable and means something."""

from __future__ import annotations

from django.core.checks import Error, register

from . import status


@register()
def language_status_file(app_configs, **kwargs) -> list[Error]:
    try:
        status.statuses()
    except (OSError, ValueError) as error:
        return [
            Error(
                f"LANGUAGE_STATUS_FILE cannot be used: {error}",
                hint="See docs/translation/README.md for its format.",
                id="standtogether.languages.E001",
            )
        ]
    return []

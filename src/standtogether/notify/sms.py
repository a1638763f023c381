"""SMS backends. The default writes each message to a file (development, and a drop folder a partnership's
SMS gateway can pick up); a real provider is one class with `send(to, body)`."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class FileBackend:
    def send(self, to: str, body: str) -> None:
        folder = Path(settings.SMS_DIR)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{timezone.now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"to": to, "body": body}, handle, ensure_ascii=False)


class ConsoleBackend:
    def send(self, to: str, body: str) -> None:
        print(f"SMS to {to[:3]}…: {body}")  # noqa: T201 - development only


def backend():
    return import_string(settings.SMS_BACKEND)()

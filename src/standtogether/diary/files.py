"""Diary files on disk: sealed under the diary's data key, random names, inside the evidence store (so one
backup policy covers both) in a folder of their own, never under a web root."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(getattr(settings, "DIARY_FILES_DIR", None) or Path(settings.EVIDENCE_DIR) / "diary")


def new_name() -> str:
    return secrets.token_hex(20)


def _path(stored_name: str) -> Path:
    return root() / stored_name[:2] / stored_name


def write(stored_name: str, sealed: bytes) -> None:
    path = _path(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)


def read(stored_name: str) -> bytes:
    return _path(stored_name).read_bytes()


def delete(stored_names: Iterable[str]) -> None:
    for name in stored_names:
        try:
            _path(name).unlink()
        except FileNotFoundError:
            pass

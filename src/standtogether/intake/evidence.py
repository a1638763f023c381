"""The evidence store: checked files, each sealed under its own key, under random names outside web roots.

The per-file key is kept in an encrypted column (so `rotate_keys` re-wraps it with the data key).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from standtogether.core import crypto

from .models import Evidence
from .uploads import CheckedFile


def _path(stored_name: str) -> Path:
    root = Path(settings.EVIDENCE_DIR)
    return root / stored_name[:2] / stored_name


def _aad(evidence: Evidence) -> str:
    return f"intake.evidence.file:{evidence.uuid}"


def store(checked: CheckedFile, **owner) -> Evidence:
    """Seal and write the file, then create its row (the caller's transaction covers the row)."""
    evidence = Evidence(
        stored_name=secrets.token_hex(20),
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        label=checked.label,
        added_at=timezone.now(),
        **owner,
    )
    file_key, sealed = crypto.seal_with_new_key(checked.content, _aad(evidence))
    evidence.file_key = base64.b64encode(file_key).decode()
    path = _path(evidence.stored_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)
    evidence.save()
    return evidence


def read(evidence: Evidence) -> bytes:
    sealed = _path(evidence.stored_name).read_bytes()
    file_key = base64.b64decode(evidence.file_key)
    return crypto.open_sealed(file_key, sealed, _aad(evidence))


def delete_files(evidence: Iterable[Evidence]) -> None:
    for item in evidence:
        try:
            _path(item.stored_name).unlink()
        except FileNotFoundError:
            pass

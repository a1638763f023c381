"""The key ring: separate keys per purpose, each with a short id carried by every ciphertext.

Production passes keys in the environment (STANDTOGETHER_KEYS, the same JSON as the file); development
generates var/keys.json (mode 0600) on first use. Rotation: `manage.py rotate_keys --new-key data` adds a
key and makes it current; old keys stay readable until every ciphertext is re-encrypted.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PURPOSES = ("data", "index", "rate", "pepper")
_lock = threading.Lock()
_cache: dict[str, KeyRing] = {}


@dataclass(frozen=True)
class KeyRing:
    current: dict[str, str]  # purpose -> key id
    keys: dict[str, bytes]  # key id -> 32 bytes

    def key(self, purpose: str, key_id: str | None = None) -> tuple[str, bytes]:
        key_id = key_id or self.current[purpose]
        if key_id not in self.keys:
            raise KeyError(f"unknown key id {key_id!r}")
        return key_id, self.keys[key_id]


def _new_key_id(existing: dict) -> str:
    while True:
        key_id = secrets.token_hex(3)
        if key_id not in existing:
            return key_id


def generate_document() -> dict:
    keys: dict[str, str] = {}
    current: dict[str, str] = {}
    for purpose in PURPOSES:
        key_id = _new_key_id(keys)
        keys[key_id] = base64.b64encode(secrets.token_bytes(32)).decode()
        current[purpose] = key_id
    return {"current": current, "keys": keys}


def _parse(document: dict) -> KeyRing:
    try:
        keys = {kid: base64.b64decode(value) for kid, value in document["keys"].items()}
        current = dict(document["current"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured("The key ring is malformed") from exc
    for purpose in PURPOSES:
        if current.get(purpose) not in keys or len(keys[current[purpose]]) != 32:
            raise ImproperlyConfigured(f"The key ring has no usable current '{purpose}' key")
    return KeyRing(current=current, keys=keys)


def write_document(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)
    os.replace(tmp, path)


def load_document() -> dict:
    raw = os.environ.get("STANDTOGETHER_KEYS")
    if raw:
        return json.loads(raw)
    path = Path(settings.KEYS_FILE)
    with _lock:
        if not path.exists():
            if not getattr(settings, "DEBUG", False) and os.environ.get(
                "DJANGO_SETTINGS_MODULE", ""
            ).endswith("production"):
                raise ImproperlyConfigured("Production needs STANDTOGETHER_KEYS or an existing KEYS_FILE")
            try:
                write_document_exclusive(path, generate_document())
            except FileExistsError:
                pass  # another worker made it first
        return json.loads(path.read_text())


def write_document_exclusive(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)


def ring() -> KeyRing:
    source = os.environ.get("STANDTOGETHER_KEYS") or str(settings.KEYS_FILE)
    cached = _cache.get(source)
    if cached is None:
        cached = _cache[source] = _parse(load_document())
    return cached


def forget() -> None:
    """Drop the cached ring (after rotation, and in tests)."""
    _cache.clear()


def local_secret_key(path: Path) -> str:
    """Django's SECRET_KEY for development: made once into var/, never committed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_secret = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(write_secret, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()

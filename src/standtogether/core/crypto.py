"""Field and file encryption (AES-256-GCM) and blind indexes (HMAC-SHA256), composed from `cryptography`.

A ciphertext is `keyid:nonce:ciphertext` as bytes. The associated data binds it to one field of one
record, so a value copied into another row or field does not decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import keys

SEPARATOR = b":"


class DecryptionError(Exception):
    pass


def encrypt(plaintext: bytes, aad: str, *, purpose: str = "data") -> bytes:
    key_id, key = keys.ring().key(purpose)
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, aad.encode())
    return key_id.encode() + SEPARATOR + nonce + sealed


def key_id_of(token: bytes) -> str:
    return bytes(token).split(SEPARATOR, 1)[0].decode()


def decrypt(token: bytes, aad: str, *, purpose: str = "data") -> bytes:
    token = bytes(token)
    try:
        key_id_raw, rest = token.split(SEPARATOR, 1)
        _, key = keys.ring().key(purpose, key_id_raw.decode())
        return AESGCM(key).decrypt(rest[:12], rest[12:], aad.encode())
    except (ValueError, KeyError, InvalidTag, UnicodeDecodeError) as exc:
        raise DecryptionError("value cannot be decrypted here") from exc


def normalise(value: str, kind: str = "text") -> str:
    value = unicodedata.normalize("NFKC", value).strip().casefold()
    if kind in {"phone", "postcode", "code"}:
        value = "".join(ch for ch in value if ch.isalnum() or ch == "+")
    if kind == "phone" and value.startswith("0"):
        value = "+44" + value[1:]  # E.164 for UK numbers, the partnership's default country
    return value


def blind_index(value: str, *, kind: str = "text", context: str = "") -> str:
    """An equality-only lookup for an encrypted value; reveals nothing without the index key."""
    _, key = keys.ring().key("index")
    message = f"{context}\x00{normalise(value, kind)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal_with_new_key(content: bytes, aad: str) -> tuple[bytes, bytes]:
    """Encrypt a file under a fresh key of its own; returns (file key, sealed content).

    The caller keeps the file key encrypted under the data key (an encrypted column), so a stolen
    evidence store is useless without the database and the key ring.
    """
    file_key = AESGCM.generate_key(256)
    nonce = os.urandom(12)
    return file_key, nonce + AESGCM(file_key).encrypt(nonce, content, aad.encode())


def open_sealed(file_key: bytes, sealed: bytes, aad: str) -> bytes:
    try:
        return AESGCM(file_key).decrypt(sealed[:12], sealed[12:], aad.encode())
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("file cannot be decrypted here") from exc

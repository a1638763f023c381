"""The diary's cryptography, composed from `cryptography` and `argon2-cffi` (docs/security.md "Diary").

* Each diary has a random 256-bit data key (DEK). Entries and files are AES-256-GCM under it, each bound by
  its associated data to the diary's id and the entry's (or file's) id, so a ciphertext moved to another
  entry or diary does not open.
* The DEK is sealed twice, in sequence: first under a key derived from the diary code and the passphrase
  (Argon2id, a random salt per diary, costs from settings.DIARY_KDF), then under the server's `pepper` key
  from the key ring. A stolen database alone cannot even start guessing passphrases (the outer layer needs
  the key ring); the server alone (key ring and database) cannot open a diary without its passphrase.
* The code takes part in the derivation, so a guess at the passphrase also needs the code, which is kept
  nowhere: the database holds only HMAC(pepper key, code) to find the diary.

A wrong passphrase fails the inner AES-GCM tag check: WrongPassphrase, one error for every failure.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from standtogether.core import codes, crypto, keys

CODE_SYMBOLS = 19  # 95 random bits, then a check symbol: 20 symbols in five groups of four
SALT_BYTES = 16


class WrongPassphrase(Exception):
    """The code and passphrase do not open this diary (or the sealed key was tampered with)."""


# --- the diary code ------------------------------------------------------------------------------------


def new_code() -> str:
    body = "".join(secrets.choice(codes.ALPHABET) for _ in range(CODE_SYMBOLS))
    full = body + codes.check_symbol(body)
    return "-".join(full[i : i + 4] for i in range(0, len(full), 4))


def normalise_code(text: str) -> str | None:
    """The canonical code (20 symbols, no dashes) or None if it cannot be a diary code (wrong check symbol
    catches every single mistyped symbol before any lookup)."""
    raw = codes.canonical(text or "")
    if len(raw) != CODE_SYMBOLS + 1 or any(ch not in codes.ALPHABET for ch in raw):
        return None
    if codes.check_symbol(raw[:-1]) != raw[-1]:
        return None
    return raw


def _lookup_key(key_id: str | None = None) -> tuple[str, bytes]:
    key_id, key = keys.ring().key("pepper", key_id)
    # A key of its own for lookups, derived from the pepper key, so HMAC and AES never share one key.
    return key_id, hmac.new(key, b"diary-lookup", hashlib.sha256).digest()


def lookup_for(canonical_code: str, key_id: str | None = None) -> tuple[str, str]:
    key_id, key = _lookup_key(key_id)
    return key_id, hmac.new(key, canonical_code.encode(), hashlib.sha256).hexdigest()


def lookups_for(canonical_code: str) -> list[str]:
    """The code's lookup under every pepper key in the ring (current first), so rotation finds old diaries."""
    ring = keys.ring()
    current = ring.current["pepper"]
    key_ids = [current] + [k for k in ring.keys if k != current]
    return [lookup_for(canonical_code, key_id)[1] for key_id in key_ids]


# --- the passphrase key -----------------------------------------------------------------------------------


def normalise_passphrase(passphrase: str) -> str:
    return unicodedata.normalize("NFC", passphrase or "").strip()


def current_kdf() -> dict[str, int]:
    return {k: int(settings.DIARY_KDF[k]) for k in ("time_cost", "memory_cost", "parallelism")}


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def derive(canonical_code: str, passphrase: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    """The passphrase key: Argon2id(code NUL passphrase, salt). Slow on purpose: never in a transaction."""
    secret = f"{canonical_code}\x00{normalise_passphrase(passphrase)}".encode()
    return hash_secret_raw(
        secret,
        bytes(salt),
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_cost"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def _inner_aad(diary_uuid: str) -> bytes:
    return f"diary.key.passphrase:{diary_uuid}".encode()


def _outer_aad(diary_uuid: str) -> str:
    return f"diary.key.server:{diary_uuid}"


def seal_key(dek: bytes, passphrase_key: bytes, diary_uuid: str) -> bytes:
    nonce = os.urandom(12)
    inner = nonce + AESGCM(passphrase_key).encrypt(nonce, dek, _inner_aad(diary_uuid))
    return crypto.encrypt(inner, _outer_aad(diary_uuid), purpose="pepper")


def open_key(sealed_key: bytes, passphrase_key: bytes, diary_uuid: str) -> bytes:
    try:
        inner = crypto.decrypt(bytes(sealed_key), _outer_aad(diary_uuid), purpose="pepper")
        return AESGCM(passphrase_key).decrypt(inner[:12], inner[12:], _inner_aad(diary_uuid))
    except (crypto.DecryptionError, InvalidTag, ValueError) as exc:
        raise WrongPassphrase from exc


def server_key_id(sealed_key: bytes) -> str:
    return crypto.key_id_of(bytes(sealed_key))


def new_data_key() -> bytes:
    return AESGCM.generate_key(256)


# --- entries and files ------------------------------------------------------------------------------------


def _entry_aad(diary_uuid: str, entry_uuid: str) -> bytes:
    return f"diary.entry:{diary_uuid}:{entry_uuid}".encode()


def _file_aad(diary_uuid: str, entry_uuid: str, file_uuid: str) -> bytes:
    return f"diary.file:{diary_uuid}:{entry_uuid}:{file_uuid}".encode()


def seal_entry(dek: bytes, diary_uuid: str, entry_uuid: str, content: dict[str, Any]) -> bytes:
    nonce = os.urandom(12)
    plain = json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
    return nonce + AESGCM(dek).encrypt(nonce, plain, _entry_aad(str(diary_uuid), str(entry_uuid)))


def open_entry(dek: bytes, diary_uuid: str, entry_uuid: str, sealed: bytes) -> dict[str, Any]:
    sealed = bytes(sealed)
    plain = AESGCM(dek).decrypt(sealed[:12], sealed[12:], _entry_aad(str(diary_uuid), str(entry_uuid)))
    return json.loads(plain)


def seal_file(dek: bytes, diary_uuid: str, entry_uuid: str, file_uuid: str, content: bytes) -> bytes:
    nonce = os.urandom(12)
    aad = _file_aad(str(diary_uuid), str(entry_uuid), str(file_uuid))
    return nonce + AESGCM(dek).encrypt(nonce, content, aad)


def open_file(dek: bytes, diary_uuid: str, entry_uuid: str, file_uuid: str, sealed: bytes) -> bytes:
    aad = _file_aad(str(diary_uuid), str(entry_uuid), str(file_uuid))
    return AESGCM(dek).decrypt(sealed[:12], sealed[12:], aad)

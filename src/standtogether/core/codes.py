"""Codes people write down: references, tracking secrets, resume codes.

Crockford base32 (no I, L, O, U; reading forgives 0/O and 1/I/L confusion). A reference is random, never
sequential, with a check character (Luhn mod 32, from the same alphabet, so a reference is only letters
and digits and easy to read out) that catches every single mistyped character and every swap of two
neighbours but 0/Z, before any lookup. Secrets carry at least 80 bits and are stored only as Argon2id hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

from . import keys

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})

# The secret has 80 random bits and is peppered with a key kept outside the database (HMAC with the
# `index` key), so a stolen database alone cannot even test a guess; Argon2id on top is defence in depth
# if the keys leak too (2^80 guesses at ~2 ms each). A heavier Argon2 would buy nothing against 80 random
# bits and would put ~20 ms on every submit and every tracking check. Figures in bench/README.md.
_hasher = PasswordHasher(time_cost=1, memory_cost=4 * 1024, parallelism=1, hash_len=32, type=Type.ID)


def _random_symbols(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def _group(symbols: str, size: int = 4) -> str:
    return "-".join(symbols[i : i + size] for i in range(0, len(symbols), size))


def canonical(code: str) -> str:
    """Upper-case, without spaces or dashes, with Crockford's reading fixes."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(_READ_FIXES)


def check_symbol(symbols: str) -> str:
    """Luhn mod N (N = 32): the symbol that makes the weighted sum divisible by 32."""
    total, factor = 0, 2
    for ch in reversed(symbols):
        addend = factor * ALPHABET.index(ch)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_reference(prefix: str | None = None) -> str:
    """E.g. WST-7KQ4-M2PD: 7 random symbols (35 bits) and a check symbol."""
    prefix = prefix or settings.REFERENCE_PREFIX
    body = _random_symbols(7)
    return f"{prefix}-{_group(body + check_symbol(body))}"


def normalise_reference(text: str, prefix: str | None = None) -> str | None:
    """The canonical form of a typed reference, or None if it cannot be one of ours."""
    prefix = (prefix or settings.REFERENCE_PREFIX).upper()
    raw = canonical(text)
    if raw.startswith(prefix):
        raw = raw[len(prefix) :]
    if len(raw) != 8:
        return None
    body, check = raw[:7], raw[7]
    if any(ch not in ALPHABET for ch in body) or check_symbol(body) != check:
        return None
    return f"{prefix}-{_group(raw)}"


def new_secret(symbols: int = 16) -> str:
    """16 symbols = 80 bits, shown in groups of 4."""
    return _group(_random_symbols(symbols))


def _peppered(secret: str, key_id: str | None = None) -> tuple[str, str]:
    key_id, key = keys.ring().key("index", key_id)
    return key_id, hmac.new(key, canonical(secret).encode(), hashlib.sha256).hexdigest()


def hash_secret(secret: str) -> str:
    """`<pepper key id>$<argon2id hash of HMAC(pepper, secret)>`; the key id keeps old hashes checkable
    after the index key is rotated."""
    key_id, peppered = _peppered(secret)
    return f"{key_id}${_hasher.hash(peppered)}"


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Constant-time by construction (Argon2 verify); a missing hash still costs one hash."""
    if not stored_hash or "$" not in stored_hash:
        _hasher.hash(_peppered(secret)[1])  # same cost whether or not the reference exists
        return False
    key_id, _, argon = stored_hash.partition("$")
    try:
        return _hasher.verify(argon, _peppered(secret, key_id)[1])
    except (VerificationError, InvalidHashError, KeyError):
        return False


def dummy_verify(secret: str) -> None:
    verify_secret(None, secret)

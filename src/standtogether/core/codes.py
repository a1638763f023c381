"""Codes people write down: references, tracking secrets, resume codes.

Crockford base32 (no I, L, O, U; reading forgives 0/O and 1/I/L confusion). A reference is random, never
sequential, with a check character so a mistyped one is caught before any lookup. Secrets carry at least
80 bits and are stored only as Argon2id hashes.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's 37-symbol check alphabet
_READ_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})

# The secret has 80 random bits, so brute force is infeasible whatever the hash costs; Argon2id still
# makes a stolen table expensive to test guesses against. Parameters are recorded in bench/README.md.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, type=Type.ID)


def _random_symbols(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def _group(symbols: str, size: int = 4) -> str:
    return "-".join(symbols[i : i + size] for i in range(0, len(symbols), size))


def canonical(code: str) -> str:
    """Upper-case, without spaces or dashes, with Crockford's reading fixes."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum() or ch in "*~$=")
    return cleaned.translate(_READ_FIXES)


def check_symbol(symbols: str) -> str:
    value = 0
    for ch in symbols:
        value = value * 32 + ALPHABET.index(ch)
    return CHECK_ALPHABET[value % 37]


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


def hash_secret(secret: str) -> str:
    return _hasher.hash(canonical(secret))


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Constant-time by construction (Argon2 verify); a missing hash still costs one hash."""
    candidate = canonical(secret)
    if not stored_hash:
        _hasher.hash(candidate)  # same cost whether or not the reference exists
        return False
    try:
        return _hasher.verify(stored_hash, candidate)
    except (VerificationError, InvalidHashError):
        return False


DUMMY_HASH = None


def dummy_verify(secret: str) -> None:
    verify_secret(None, secret)

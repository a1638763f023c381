"""Opening a diary with its code and passphrase, and keeping it open for a short while.

While a diary is open its data key is held in two halves that are useless apart: the server-side session
(in the database) keeps the key sealed under the key ring's `data` key *and* under a random browser key,
and the browser keeps that browser key in its own cookie (HttpOnly, SameSite=Strict, no expiry: it goes
when the browser closes). So neither the session table with the key ring nor the cookie alone opens a
diary. "Lock and leave" drops both; so does DIARY_IDLE_MINUTES without a request.

Wrong codes and passphrases get one generic answer, cost the same time whether or not the diary exists,
and are counted per client key (core/ratelimit.py: a keyed hash, no address kept) and per diary.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from standtogether.core import crypto, ratelimit

from . import sealing
from .models import Diary

SESSION_KEY = "diary_open"
WARNING_KEY = "diary_deletion_warning"
COOKIE_NAME = "st_diary"


class Throttled(Exception):
    pass


class NotACode(Exception):
    """The text cannot be a diary code (its check symbol is wrong): nothing was looked up."""


@dataclass
class OpenDiary:
    diary: Diary
    dek: bytes


def find(canonical_code: str) -> Diary | None:
    return Diary.system.filter(lookup__in=sealing.lookups_for(canonical_code)).first()


def _subject(canonical_code: str) -> str:
    return sealing.lookup_for(canonical_code)[1][:32]


def try_open(request: HttpRequest, code_text: str, passphrase: str) -> OpenDiary | None:
    """The open diary, or None for a wrong code or passphrase (the caller says so generically)."""
    from . import actions

    canonical = sealing.normalise_code(code_text)
    if canonical is None:
        raise NotACode
    client, subject = ratelimit.client_key(request), _subject(canonical)
    if ratelimit.exceeded("diary_open", client) or ratelimit.exceeded("diary_open_diary", subject):
        raise Throttled
    diary = find(canonical)
    if diary is None:
        sealing.derive(canonical, passphrase, sealing.new_salt(), sealing.current_kdf())  # the same cost
        dek = None
    else:
        try:
            passphrase_key = sealing.derive(canonical, passphrase, bytes(diary.salt), diary.kdf)
            dek = sealing.open_key(diary.sealed_key, passphrase_key, str(diary.uuid))
        except sealing.WrongPassphrase:
            dek = None
    if dek is None:
        ratelimit.hit("diary_open", client)
        ratelimit.hit("diary_open_diary", subject)
        return None
    assert diary is not None
    reseal = _reseal_if_stale(diary, dek, canonical, passphrase)
    previous_deletion = deletion_date(diary)
    opened = actions.record_opening(diary, dek, reseal)
    if previous_deletion - timezone.now() <= dt.timedelta(days=settings.DIARY_WARNING_DAYS):
        request.session[WARNING_KEY] = previous_deletion.isoformat()
    return opened


def _reseal_if_stale(diary: Diary, dek: bytes, canonical: str, passphrase: str) -> dict | None:
    """New costs or a rotated pepper key: seal the key again now, while we have the passphrase. Done
    before the transaction (Argon2 is slow; SQLite holds its write lock from BEGIN)."""
    kdf = sealing.current_kdf()
    current_pepper = sealing.lookup_for(canonical)[0]
    if diary.kdf == kdf and sealing.server_key_id(diary.sealed_key) == current_pepper:
        if diary.lookup_key_id == current_pepper:
            return None
    salt = sealing.new_salt()
    passphrase_key = sealing.derive(canonical, passphrase, salt, kdf)
    key_id, lookup = sealing.lookup_for(canonical)
    return {
        "salt": salt,
        "kdf": kdf,
        "sealed_key": sealing.seal_key(dek, passphrase_key, str(diary.uuid)),
        "lookup": lookup,
        "lookup_key_id": key_id,
    }


def deletion_date(diary: Diary) -> dt.datetime:
    return diary.last_used_at + dt.timedelta(days=settings.DIARY_UNUSED_DAYS)


# --- holding the open diary -------------------------------------------------------------------------------


def _session_aad(diary: Diary) -> str:
    return f"diary.session:{diary.uuid}"


def hold(request: HttpRequest, response: HttpResponse, opened: OpenDiary) -> None:
    """Keep the diary open for this browser: call with the response that follows a successful opening."""
    request.session.cycle_key()  # a new session id at every opening (no fixation)
    browser_key = AESGCM.generate_key(256)
    nonce = os.urandom(12)
    half = nonce + AESGCM(browser_key).encrypt(nonce, opened.dek, _session_aad(opened.diary).encode())
    sealed = crypto.encrypt(half, _session_aad(opened.diary))
    request.session[SESSION_KEY] = {
        "diary": str(opened.diary.uuid),
        "key": base64.b64encode(sealed).decode(),
        "seen": timezone.now().timestamp(),
    }
    response.set_cookie(
        COOKIE_NAME,
        base64.urlsafe_b64encode(browser_key).decode(),
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def current(request: HttpRequest) -> OpenDiary | None:
    held = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not held:
        return None
    idle = dt.timedelta(minutes=settings.DIARY_IDLE_MINUTES).total_seconds()
    if not cookie or timezone.now().timestamp() - held.get("seen", 0) > idle:
        forget(request)
        return None
    diary = Diary.system.filter(uuid=held["diary"]).first()
    if diary is None:
        forget(request)
        return None
    try:
        half = crypto.decrypt(base64.b64decode(held["key"]), _session_aad(diary))
        browser_key = base64.urlsafe_b64decode(cookie.encode())
        dek = AESGCM(browser_key).decrypt(half[:12], half[12:], _session_aad(diary).encode())
    except (crypto.DecryptionError, InvalidTag, ValueError, TypeError):
        forget(request)
        return None
    held["seen"] = timezone.now().timestamp()
    request.session.modified = True
    return OpenDiary(diary=diary, dek=dek)


NEW_CODE_KEY = "diary_new_code"


def _new_code_aad(diary: Diary) -> bytes:
    return f"diary.new-code:{diary.uuid}".encode()


def keep_new_code(request: HttpRequest, opened: OpenDiary, code: str) -> None:
    """Keep a new diary's code for the one page that shows it, sealed under the diary's own key (which only
    this browser's cookie and the key ring together can recover): never in plain text, not even briefly."""
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(opened.dek).encrypt(nonce, code.encode(), _new_code_aad(opened.diary))
    request.session[NEW_CODE_KEY] = base64.b64encode(sealed).decode()


def take_new_code(request: HttpRequest, opened: OpenDiary) -> str | None:
    """The new code, once: it is gone from the session as soon as it is read."""
    sealed = request.session.pop(NEW_CODE_KEY, None)
    if not sealed:
        return None
    raw = base64.b64decode(sealed)
    try:
        return AESGCM(opened.dek).decrypt(raw[:12], raw[12:], _new_code_aad(opened.diary)).decode()
    except (InvalidTag, ValueError):
        return None


def forget(request: HttpRequest) -> None:
    request.session.pop(NEW_CODE_KEY, None)
    request.session.pop(SESSION_KEY, None)
    request.session.pop(WARNING_KEY, None)


def lock(request: HttpRequest, response: HttpResponse) -> None:
    forget(request)
    response.delete_cookie(COOKIE_NAME, samesite="Strict")


def take_warning(request: HttpRequest) -> str | None:
    return request.session.pop(WARNING_KEY, None)

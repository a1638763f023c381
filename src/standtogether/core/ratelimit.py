"""Rate limits on public routes without ever storing an IP address.

The client key is HMAC(rate key, day, IP): it lives only in the cache, with a TTL, and changes every day,
so nothing written anywhere can be turned back into an address.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from . import keys


def client_key(request: HttpRequest) -> str:
    _, key = keys.ring().key("rate")
    day = timezone.now().strftime("%Y-%m-%d")
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(key, f"{day}\x00{address}".encode(), hashlib.sha256).hexdigest()[:32]


def _cache_key(name: str, subject: str) -> str:
    return f"rl:{name}:{subject}"


def hit(name: str, subject: str) -> bool:
    """Count one event; True while within the limit for `name` (settings.RATE_LIMITS)."""
    limit, window = settings.RATE_LIMITS[name]
    key = _cache_key(name, subject)
    if cache.add(key, 1, timeout=window):
        return 1 <= limit
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def exceeded(name: str, subject: str) -> bool:
    limit, _ = settings.RATE_LIMITS[name]
    return (cache.get(_cache_key(name, subject)) or 0) >= limit


def reset(name: str, subject: str) -> None:
    cache.delete(_cache_key(name, subject))

"""Fixed-window request counters in the cache: per API key and per client address.

With Redis (REDIS_URL) the increment is atomic and shared by every app server; the database
cache of a single-machine install counts nearly exactly (its increment reads then writes).
"""

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def window_remaining() -> int:
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS


def consume(bucket: str, *, limit: int) -> bool:
    """Count one request in ``bucket``'s current minute; False when it is over ``limit``."""
    slot = int(time.time()) // WINDOW_SECONDS
    key = f"ratelimit:{bucket}:{slot}"
    # The same number of cache operations whether the counter exists or not (the query-count
    # tests of every list rely on it); two first requests of a minute may both count as one.
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count <= limit


def client_address(request) -> str:
    """The client's address, behind TRUSTED_PROXY_COUNT proxies (their X-Forwarded-For)."""
    from django.conf import settings

    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"

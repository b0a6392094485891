"""Fixed-window request counters per API key and per client address, one query a request.

With Redis (REDIS_URL, so the cache is Redis) the counter is an atomic INCR with an expiry,
shared by every app server. Without it, the counter is a row of ``RateCounter``, incremented
by one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (PostgreSQL, SQLite ≥ 3.35): atomic,
in autocommit, and never the database cache's read-then-write nor its ``COUNT(*)`` cull. A
row is kept per bucket (it starts again at 1 when a new minute begins), and the hourly
``purge_rate_counters`` task removes the buckets not seen for a while.
"""

import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

WINDOW_SECONDS = 60
BUCKET_MAX = 200  # RateCounter.bucket's length

# One statement on both databases. The SET expressions read the row as it was before the
# update, so a new minute starts from 1 and the current one adds 1.
_UPSERT = """
INSERT INTO "integrations_ratecounter" ("bucket", "slot", "count") VALUES (%s, %s, 1)
ON CONFLICT ("bucket") DO UPDATE SET
    "count" = CASE WHEN "integrations_ratecounter"."slot" = excluded."slot"
                   THEN "integrations_ratecounter"."count" + 1 ELSE 1 END,
    "slot" = excluded."slot"
RETURNING "count"
"""


def current_slot() -> int:
    return int(time.time()) // WINDOW_SECONDS


def window_remaining() -> int:
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS


def consume(bucket: str, *, limit: int) -> bool:
    """Count one request in ``bucket``'s current minute; False when it is over ``limit``."""
    return count(bucket[:BUCKET_MAX]) <= limit


def count(bucket: str) -> int:
    """Add one request to ``bucket``'s current minute and return the minute's total."""
    slot = current_slot()
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_count(backend, bucket, slot)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [bucket, slot])
        return cursor.fetchone()[0]


def _redis_count(backend: RedisCache, bucket: str, slot: int) -> int:
    key = backend.make_and_validate_key(f"ratelimit:{bucket}:{slot}")
    client = backend._cache.get_client(key, write=True)
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, WINDOW_SECONDS * 2)
        total, _expiry_set = pipe.execute()
    return int(total)


def purge(*, older_than_slots: int = 2) -> int:
    """Remove the counters of buckets not seen for ``older_than_slots`` minutes."""
    from hromada.integrations.models import RateCounter

    deleted, _ = RateCounter.objects.filter(slot__lt=current_slot() - older_than_slots).delete()
    return deleted


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

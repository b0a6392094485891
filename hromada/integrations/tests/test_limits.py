"""The API limits' counters: one query a request, per minute, atomic under concurrency, purged
when stale; and the Redis counter when the cache is Redis."""

import os
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hromada.accounts.tests.factories import UserFactory
from hromada.integrations import limits
from hromada.integrations.models import RateCounter
from hromada.integrations.tests.factories import api_key

MID_MINUTE = timezone.now().replace(second=20, microsecond=0)


@pytest.mark.django_db
@time_machine.travel(MID_MINUTE, tick=False)
def test_a_request_costs_one_query_per_limit(client):
    client.get("/api/v1/appeals/kinds")
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get("/api/v1/appeals/kinds").status_code == 200
    counted = [q["sql"] for q in anonymous.captured_queries if "ratecounter" in q["sql"]]
    assert len(counted) == 1, anonymous.captured_queries
    # No cache table and no cull: the counter is the only write.
    assert not [q for q in anonymous.captured_queries if "hromada_cache" in q["sql"]]

    _key, plain = api_key(UserFactory(), rate_limit=100)
    with CaptureQueriesContext(connection) as keyed:
        client.get("/api/v1/appeals/mine", headers={"Authorization": f"Bearer {plain}"})
    counted = [q["sql"] for q in keyed.captured_queries if "ratecounter" in q["sql"]]
    assert len(counted) == 2  # the address's and the key's


@pytest.mark.django_db
def test_a_new_minute_counts_from_one_and_stale_counters_are_purged():
    with time_machine.travel(MID_MINUTE, tick=False):
        assert [limits.count("address:a") for _ in range(3)] == [1, 2, 3]
        limits.count("address:b")
    with time_machine.travel(MID_MINUTE + timedelta(minutes=1), tick=False):
        assert limits.count("address:a") == 1
        assert limits.consume("address:a", limit=2)
        assert not limits.consume("address:a", limit=2)
    with time_machine.travel(MID_MINUTE + timedelta(minutes=4), tick=False):
        limits.count("address:c")
        assert limits.purge() == 2  # a and b were last seen three or more minutes ago
    assert list(RateCounter.objects.values_list("bucket", flat=True)) == ["address:c"]


@pytest.mark.django_db
def test_the_purge_is_an_hourly_periodic_job():
    from hromada.core.scheduling import registered_jobs
    from hromada.integrations.tasks import purge_rate_counters

    job = {j.name: j for j in registered_jobs()}["hromada.integrations.tasks.purge_rate_counters"]
    assert job.every == timedelta(hours=1)
    with time_machine.travel(MID_MINUTE - timedelta(minutes=10), tick=False):
        limits.count("address:old")
    with time_machine.travel(MID_MINUTE, tick=False):
        limits.count("address:new")
        assert purge_rate_counters.call() == 1
    assert list(RateCounter.objects.values_list("bucket", flat=True)) == ["address:new"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_concurrent_requests_each_get_their_own_count():
    """Eight connections increment one counter at once: every total from 1 to 80 once."""
    totals: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def hit():
        try:
            start.wait()
            for _ in range(10):
                value = limits.count("address:crowd")
                with lock:
                    totals.append(value)
        finally:
            connections.close_all()

    with time_machine.travel(MID_MINUTE, tick=False):
        threads = [threading.Thread(target=hit) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(totals) == list(range(1, 81))


def _redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # any failure means: no Redis to test against
        return None
    return url


def test_with_redis_the_counter_is_an_atomic_incr(settings):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"hromada-test-{os.getpid()}",
        }
    }
    try:
        caches["default"].clear()
        with time_machine.travel(MID_MINUTE, tick=False):
            assert [limits.count("key:7") for _ in range(3)] == [1, 2, 3]
            assert not limits.consume("key:7", limit=3)
        with time_machine.travel(MID_MINUTE + timedelta(minutes=1), tick=False):
            assert limits.count("key:7") == 1
        # Each increment sets the expiry, so a counter never outlives two minutes.
        limits.count("key:8")
        backend = caches["default"]
        live = backend.make_and_validate_key(f"ratelimit:key:8:{limits.current_slot()}")
        client = backend._cache.get_client(live, write=True)
        assert 0 < client.ttl(live) <= 2 * limits.WINDOW_SECONDS
    finally:
        caches["default"].clear()

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; one test's attempts must not block the next.
    cache.clear()
    yield
    cache.clear()

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The rate limits count in the cache (in-process here): every test starts from zero."""
    cache.clear()
    yield
    cache.clear()

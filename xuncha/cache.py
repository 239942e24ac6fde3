"""The shared cache, tolerant of Redis being down.

Everything kept in the cache can be recomputed: cached figures, the last rebuild's time.
When Redis does not answer, a read is a miss and a write is dropped — the page is computed
uncached and answers 200 — and a warning is logged, instead of a ConnectionError reaching the
user after their change was already committed (issue 12)."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _tolerant(default):
    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                log.warning("cache: Redis unreachable (%s): %s is a miss", exc.__class__.__name__, method.__name__)
                return default() if callable(default) else default

        return call

    return wrap


class TolerantRedisCache(RedisCache):
    add = _tolerant(False)(RedisCache.add)
    set = _tolerant(None)(RedisCache.set)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant(dict)(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    incr = _tolerant(None)(RedisCache.incr)
    set_many = _tolerant(list)(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    clear = _tolerant(False)(RedisCache.clear)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            log.warning("cache: Redis unreachable (%s): get is a miss", exc.__class__.__name__)
            return default

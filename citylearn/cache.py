"""Django's Redis cache, made to fail soft: Redis is a cache, never a store.

When Redis cannot be reached, every cache call answers as an empty cache would (a read finds
nothing, a write stores nothing) instead of raising, so every page is still served, only
uncached. Everything that uses the cache gets this at once: the page cache and the catalogue
version (cases/caching.py), facet and result counts, and any library. Sessions and sign-in
throttling keep their state in the database and do not depend on Redis.

- Short socket timeouts and one immediate retry (for a connection Redis closed while idle)
  instead of redis-py's default backoff, so an outage costs a request milliseconds.
- After a failure the process leaves Redis alone for RETRY_SECONDS, then tries again.
- A warning is logged at most once a minute per process, not once per request.
- A write lost during the outage (a set, or the bump of the catalogue version that invalidates
  pages) might leave a stale value in Redis if Redis kept its data, so the first successful call
  afterwards empties the cache before trusting it again.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# The errors that mean "Redis is not there (or will not take writes)"; any other error is a bug
# and is raised as usual.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)
RETRY_SECONDS = 5
WARNING_SECONDS = 60
DEFAULT_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.5,
    "retry": Retry(NoBackoff(), 1),
}


class _Outage:
    """What this process knows about one Redis server being unreachable, shared by its threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.skip_until = 0.0
        self.warned_at = None
        self.lost_write = False

    def is_skipping(self) -> bool:
        return time.monotonic() < self.skip_until

    def failed(self, error, *, location) -> None:
        now = time.monotonic()
        with self.lock:
            self.skip_until = now + RETRY_SECONDS
            if self.warned_at is not None and now - self.warned_at < WARNING_SECONDS:
                return
            self.warned_at = now
        logger.warning(
            "Cache unavailable (Redis at %s: %s); serving pages uncached. "
            "This warning repeats at most once a minute while it lasts.",
            location,
            error,
        )


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server
        self._outage = _outage_for(server)

    def _attempt(self, call, fallback, *args, writes=False, **kwargs):
        outage = self._outage
        if outage.is_skipping():
            outage.lost_write = outage.lost_write or writes
            return fallback
        try:
            if outage.lost_write:
                super().clear()
                outage.lost_write = False
            return call(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            outage.lost_write = outage.lost_write or writes
            outage.failed(error, location=self._location)
            return fallback

    def is_reachable(self) -> bool:
        """Ask Redis now, whatever the last call found (for /healthz)."""
        try:
            return bool(self._cache.get_client().ping())
        except OUTAGE_ERRORS:
            return False

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, False, key, version)

    def add(self, key, value, timeout=None, version=None):
        return self._attempt(super().add, False, key, value, timeout, version, writes=True)

    def set(self, key, value, timeout=None, version=None):
        self._attempt(super().set, None, key, value, timeout, version, writes=True)

    def set_many(self, data, timeout=None, version=None):
        return self._attempt(super().set_many, list(data), data, timeout, version, writes=True)

    def touch(self, key, timeout=None, version=None):
        return self._attempt(super().touch, False, key, timeout, version, writes=True)

    def delete(self, key, version=None):
        return self._attempt(super().delete, False, key, version, writes=True)

    def delete_many(self, keys, version=None):
        self._attempt(super().delete_many, None, keys, version, writes=True)

    def clear(self):
        self._attempt(super().clear, None, writes=True)

    def incr(self, key, delta=1, version=None):
        value = self._attempt(super().incr, None, key, delta, version, writes=True)
        if value is None:
            # What incr() does for a key the cache does not hold; callers already handle it.
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return value


def cache_is_degraded() -> bool:
    """True when the default cache is a Redis that cannot be reached right now."""
    cache = caches["default"]
    return isinstance(cache, ResilientRedisCache) and not cache.is_reachable()

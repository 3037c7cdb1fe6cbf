"""Django's Redis cache, without a new redis-py client for every call.

Django's RedisCacheClient builds a `redis.Redis` for each operation (`get_client`), and building
one costs about 0.1 ms of CPU (it fills a table of ~170 response callbacks): the home
timeline's three came to a tenth of its CPU. A client holds no connection of its own (it
borrows one from its pool for each command), so one client per pool can serve every thread:
this keeps that one. config.settings names RedisCache as the cache backend with REDIS_URL.

`forget(keys)` is how a service drops cached values its write makes stale.

`Renderings` keeps a process's own copy of values that never change under their key (a
rendered post keyed by its version and counters): served from memory, they cost no round trip
to Redis and no unpickling. Only for such values: nothing ever invalidates a copy.
`BriefCopy` keeps one value a few seconds, for what may show that late in other processes.

**An unreachable Redis is a cache that misses.** Reads answer nothing (`get` its default,
`get_many` an empty dict) and caching writes (`set`, `set_many`, `touch`) are dropped, with a
warning at most once a minute, so pages are computed from the database instead of failing.
A `delete` that can't reach Redis is remembered and sent again with the next command that gets
through: an invalidation lost in an outage would otherwise leave a stale value (a moderator
role taken away, a blocked phrase added) to be served once Redis is back. `add` and `incr`
still raise `REDIS_DOWN`: they coordinate (rate limits, once-per-interval gates, the fan-out
mark), and each caller decides what an outage means for it.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

import redis
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.core.cache.backends import redis as django_redis
from django.db import transaction

logger = logging.getLogger(__name__)

#: What redis-py raises when Redis can't be reached.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
#: At most one "cache unreachable" warning per this many seconds.
OUTAGE_WARNING_SECONDS = 60
#: Deletes kept for sending once Redis answers again, at most (the oldest dropped first).
LOST_DELETES_MAX = 10_000


def forget(keys: Sequence[str]) -> None:
    """Delete these cache keys now, and again when the current transaction commits: a read in
    between may have cached the value the transaction is replacing."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """A client on the pool Django picks (writes: the first server; reads: the others, if
        any), made once per pool."""
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # not in the stubs
        client = self._clients.get(pool)
        if client is None:  # two threads may both make one: the first stored is kept
            made = self._client(connection_pool=pool)  # type: ignore[attr-defined]  # as above
            client = self._clients.setdefault(pool, made)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        #: Keys (as stored) whose delete failed in an outage, to delete when Redis is back.
        self._lost_deletes: OrderedDict[str, None] = OrderedDict()
        self._lost_lock = threading.Lock()
        self._warned_at = -float(OUTAGE_WARNING_SECONDS)

    def clear(self) -> None:
        super().clear()
        renderings_clear()

    @contextmanager
    def read_ahead(self, keys: Sequence[str]) -> Iterator[None]:
        """Read `keys` now, in one round trip; within the block, the first `get` of each is
        answered from what was read. A write to one of them (set, add, delete...) drops it,
        and a second `get` asks Redis: a value read ahead is only ever a moment older than
        its first use. For what a page is known to read one by one (its frame's badge and
        roles)."""
        found = self.get_many(keys)
        token = _AHEAD.set((self, {key: found.get(key, _ABSENT) for key in keys}))
        try:
            yield
        finally:
            _AHEAD.reset(token)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        ahead = _AHEAD.get()
        if ahead is not None and ahead[0] is self and version is None and key in ahead[1]:
            value = ahead[1].pop(key)
            return default if value is _ABSENT else value
        try:
            self._send_lost_deletes()
            return super().get(key, default, version)
        except REDIS_DOWN as error:
            self.outage(error)
            return default

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        try:
            self._send_lost_deletes()
            return dict(super().get_many(keys, version))
        except REDIS_DOWN as error:
            self.outage(error)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().has_key(key, version))
        except REDIS_DOWN as error:
            self.outage(error)
            return False

    def set(self, key: Any, *args: Any, **kwargs: Any) -> None:
        self._drop_ahead([key])
        try:
            super().set(key, *args, **kwargs)
        except REDIS_DOWN as error:
            self.outage(error)

    def add(self, key: Any, *args: Any, **kwargs: Any) -> bool:
        self._drop_ahead([key])
        return bool(super().add(key, *args, **kwargs))

    def touch(self, key: Any, *args: Any, **kwargs: Any) -> bool:
        self._drop_ahead([key])
        try:
            return bool(super().touch(key, *args, **kwargs))
        except REDIS_DOWN as error:
            self.outage(error)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        self._drop_ahead([key])
        try:
            return bool(super().delete(key, version))
        except REDIS_DOWN as error:
            self.outage(error, lost=[self.make_and_validate_key(key, version=version)])
            return False

    def incr(self, key: Any, *args: Any, **kwargs: Any) -> int:
        self._drop_ahead([key])
        return int(super().incr(key, *args, **kwargs))

    def set_many(self, data: dict[Any, Any], *args: Any, **kwargs: Any) -> list[Any]:
        self._drop_ahead(data)
        try:
            return list(super().set_many(data, *args, **kwargs))
        except REDIS_DOWN as error:
            self.outage(error)
            return list(data)  # Django's answer: the keys not stored

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._drop_ahead(keys)
        try:
            super().delete_many(keys, version)
        except REDIS_DOWN as error:
            made = [self.make_and_validate_key(key, version=version) for key in keys]
            self.outage(error, lost=made)

    def outage(self, error: Exception, lost: Sequence[str] = ()) -> None:
        """Redis didn't answer: warn (at most once a minute), and keep `lost` deletes (also
        for callers reaching Redis through this cache's client, such as the rate limits)."""
        now = time.monotonic()
        with self._lost_lock:
            for key in lost:
                self._lost_deletes[key] = None
                self._lost_deletes.move_to_end(key)
            while len(self._lost_deletes) > LOST_DELETES_MAX:
                self._lost_deletes.popitem(last=False)
            warn, self._warned_at = (
                (True, now)
                if now - self._warned_at >= OUTAGE_WARNING_SECONDS
                else (False, self._warned_at)
            )
        if warn:
            logger.warning("Cache unreachable (%s): pages are computed without it", error)

    def _send_lost_deletes(self) -> None:
        """Delete what an outage kept from being deleted (raises REDIS_DOWN if still down)."""
        if not self._lost_deletes:
            return
        with self._lost_lock:
            keys = list(self._lost_deletes)
        # (`_cache` is Django's RedisCacheClient, which the stubs leave out.)
        self._cache.delete_many(keys)  # type: ignore[attr-defined]
        with self._lost_lock:
            for key in keys:
                self._lost_deletes.pop(key, None)

    def _drop_ahead(self, keys: Iterable[Any]) -> None:
        ahead = _AHEAD.get()
        if ahead is not None and ahead[0] is self:
            for key in keys:
                ahead[1].pop(key, None)


#: The values a RedisCache.read_ahead block has read and not yet handed out.
_AHEAD: ContextVar[tuple[RedisCache, dict[Any, Any]] | None] = ContextVar(
    "hearth_cache_ahead", default=None
)
_ABSENT = object()


@contextmanager
def read_ahead(keys: Sequence[str]) -> Iterator[None]:
    """The default cache's read_ahead (RedisCache), or nothing to do (an in-process cache,
    where reading one by one costs no round trip)."""
    ahead = getattr(cache, "read_ahead", None)
    if ahead is None:
        yield
        return
    with ahead(keys):
        yield


class LocMemCache(locmem.LocMemCache):
    """Django's in-process cache (the embedded default), whose clear() also drops this
    process's Renderings copies, as RedisCache's does."""

    def clear(self) -> None:
        super().clear()
        renderings_clear()


class Renderings:
    """Values that never change under their key, read through a bounded copy in this process
    (least recently used out first, past `max_bytes` as `size` measures them), then the
    shared cache. Thread-safe: the web server's threads share one."""

    def __init__(self, max_bytes: int, size: Callable[[Any], int]) -> None:
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        _RENDERINGS.append(self)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The values found, here or in the shared cache (those are kept here from now on)."""
        wanted = list(keys)
        found: dict[str, Any] = {}
        with self._lock:
            for key in wanted:
                entry = self._items.get(key)
                if entry is not None:
                    self._items.move_to_end(key)
                    found[key] = entry[0]
        missing = [key for key in wanted if key not in found]
        if missing:
            shared = cache.get_many(missing)
            self._keep(shared)
            found |= shared
        return found

    def set_many(self, values: Mapping[str, Any], timeout: int) -> None:
        cache.set_many(dict(values), timeout)
        self._keep(values)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _keep(self, values: Mapping[str, Any]) -> None:
        with self._lock:
            for key, value in values.items():
                if key in self._items:
                    continue
                size = self._size(value)
                self._items[key] = (value, size)
                self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, (_, size) = self._items.popitem(last=False)
                self._bytes -= size


_T = TypeVar("_T")


class BriefCopy(Generic[_T]):
    """One value kept in this process for `seconds` after it was loaded (`get(load)`): for a
    value every request reads whose change may show a few seconds late in other processes
    (this one's copy is dropped at once by `clear()`). Thread-safe: the copy is swapped whole."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._copy: tuple[float, _T] | None = None
        _RENDERINGS.append(self)

    def get(self, load: Callable[[], _T]) -> _T:
        now = time.monotonic()
        copy = self._copy
        if copy is not None and now < copy[0]:
            return copy[1]
        value = load()
        self._copy = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        self._copy = None


class LocalGate:
    """Which keys this process let through in the last `seconds` (at most `size` keys, the
    oldest forgotten first): for a step taken at most once per interval per key, to skip even
    the shared cache's check when this process took it a moment ago."""

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._until: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        _RENDERINGS.append(self)

    def passed_recently(self, key: str) -> bool:
        with self._lock:
            until = self._until.get(key)
            return until is not None and time.monotonic() < until

    def note(self, key: str) -> None:
        """`key` went through now."""
        with self._lock:
            self._until[key] = time.monotonic() + self.seconds
            self._until.move_to_end(key)
            while len(self._until) > self.size:
                self._until.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._until.clear()


#: Every Renderings, BriefCopy and LocalGate of the process: clearing the cache
#: (cache.clear()) clears them too.
_RENDERINGS: list[Renderings | BriefCopy[Any] | LocalGate] = []


def renderings_clear() -> None:
    for copies in _RENDERINGS:
        copies.clear()

"""Django's Redis cache, without a new redis-py client for every call.

Django's RedisCacheClient builds a `redis.Redis` for each operation (`get_client`), and building
one costs about 0.1 ms of CPU (it fills a table of ~170 response callbacks): the home
timeline's three came to a tenth of its CPU. A client holds no connection of its own (it
borrows one from its pool for each command), so one client per pool can serve every thread:
this keeps that one. config.settings names RedisCache as the cache backend with REDIS_URL.

`forget(keys)` is how a service drops cached values its write makes stale.
"""

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.core.cache.backends import redis as django_redis
from django.db import transaction


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

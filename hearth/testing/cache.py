"""A Redis cache for the test suite whose clear() deletes only this run's keys.

Django's RedisCache.clear() is a FLUSHDB: a test that clears the cache would wipe the keys of
every other suite using that Redis database at the same moment (another checkout's CI run, a
colleague's tests), and their tests would then fail for no fault of their own. Each run has
its own KEY_PREFIX (config/settings_test.py), so clearing by prefix is enough."""

from hearth.core.cache import RedisCache, renderings_clear

#: Keys deleted per round trip while clearing.
BATCH = 500


class RunScopedRedisCache(RedisCache):
    def clear(self) -> None:
        client = self._cache.get_client(write=True)  # type: ignore[attr-defined]  # untyped
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=BATCH):
            batch.append(key)
            if len(batch) >= BATCH:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        renderings_clear()

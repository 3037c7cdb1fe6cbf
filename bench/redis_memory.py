"""Redis memory per feed: MEMORY USAGE of built feeds (the ones the runner warmed), and the
server setting that decides their encoding."""

import statistics
from collections import Counter
from collections.abc import Sequence

import redis

from hearth.timelines.feeds import get_feed_store

#: What docs/operators/scaling.md tells operators to set, so a full feed (HEARTH_FEED_LENGTH ids
#: and a marker) stays a listpack; Redis's default (128) makes it a skiplist of ~8 times the size.
OPERATOR_SETTINGS = {"zset-max-listpack-entries": 1024}


def redis_configure(url: str) -> dict[str, str]:
    """Apply the operator settings to the bench's Redis (CONFIG SET is server-wide, as in a
    redis.conf) before any feed is built; the values now in effect."""
    client = redis.Redis.from_url(url)
    for name, value in OPERATOR_SETTINGS.items():
        client.config_set(name, value)
    return {name: str(client.config_get(name)[name]) for name in OPERATOR_SETTINGS}


def feed_memory(account_ids: Sequence[int]) -> dict[str, object]:
    """Bytes, members and encodings of these accounts' Redis feeds; n/a when feeds are not in
    Redis."""
    from hearth.timelines.store_redis import RedisFeedStore

    store = get_feed_store()
    if not isinstance(store, RedisFeedStore):
        return {"note": f"n/a: the feed store is {type(store).__name__}"}
    sizes, members, encodings = [], [], Counter[str]()
    for account_id in account_ids:
        key = store.key(account_id)
        used = store.client.memory_usage(key, samples=0)
        if used:
            sizes.append(int(used))
            members.append(int(store.client.zcard(key)))
            encodings[store.client.object("encoding", key).decode()] += 1
    if not sizes:
        return {"note": "n/a: none of the warmed feeds is in Redis"}
    return {
        "feeds": len(sizes),
        "encodings": dict(encodings),
        "median_members": statistics.median(members),
        "median_bytes": statistics.median(sizes),
        "max_members": max(members),
        "max_bytes": max(sizes),
    }

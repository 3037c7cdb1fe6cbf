"""Redis memory per feed: MEMORY USAGE of built feeds (the ones the runner warmed), with how
many ids each holds and its encoding. A feed is a list (hearth/timelines/store_redis.py), compact
whatever the server's settings, so the bench configures nothing."""

import statistics
from collections import Counter
from collections.abc import Sequence

from hearth.timelines.feeds import get_feed_store


def feed_memory(account_ids: Sequence[int]) -> dict[str, object]:
    """Bytes, ids and encodings of these accounts' Redis feeds; n/a when feeds are not in
    Redis."""
    from hearth.timelines.store_redis import RedisFeedStore

    store = get_feed_store()
    if not isinstance(store, RedisFeedStore):
        return {"note": f"n/a: the feed store is {type(store).__name__}"}
    sizes, ids, encodings = [], [], Counter[str]()
    for account_id in account_ids:
        key = store.key(account_id)
        used = store.client.memory_usage(key, samples=0)
        if used:
            sizes.append(int(used))
            ids.append(int(store.client.llen(key)) - 1)  # the first element is the header
            encodings[store.client.object("encoding", key).decode()] += 1
    if not sizes:
        return {"note": "n/a: none of the warmed feeds is in Redis"}
    return {
        "feeds": len(sizes),
        "encodings": dict(encodings),
        "median_ids": statistics.median(ids),
        "median_bytes": statistics.median(sizes),
        "max_ids": max(ids),
        "max_bytes": max(sizes),
    }

"""Redis memory per feed: MEMORY USAGE of built feeds (the ones the runner warmed)."""

import statistics
from collections.abc import Sequence

from hearth.timelines.feeds import get_feed_store


def feed_memory(account_ids: Sequence[int]) -> dict[str, object]:
    """Bytes and members of these accounts' Redis feeds; n/a when feeds are not in Redis."""
    from hearth.timelines.store_redis import RedisFeedStore

    store = get_feed_store()
    if not isinstance(store, RedisFeedStore):
        return {"note": f"n/a: the feed store is {type(store).__name__}"}
    sizes, members = [], []
    for account_id in account_ids:
        key = store.key(account_id)
        used = store.client.memory_usage(key, samples=0)
        if used:
            sizes.append(int(used))
            members.append(int(store.client.zcard(key)))
    if not sizes:
        return {"note": "n/a: none of the warmed feeds is in Redis"}
    return {
        "feeds": len(sizes),
        "median_members": statistics.median(members),
        "median_bytes": statistics.median(sizes),
        "max_members": max(members),
        "max_bytes": max(sizes),
    }

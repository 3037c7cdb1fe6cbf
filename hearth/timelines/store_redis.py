"""The Redis feed store: one sorted set per account, `feed:home:<account id>`.

**Layout.** Every member has score 0 and is the post id as 8 big-endian bytes, so the set's
lexicographic order is the ids' numeric order and pages are read with ZREVRANGEBYLEX. Why not
score = id, as Mastodon does: a 57-bit id does not fit a double exactly (neighbouring ids would
share a score, and cursors would be off by up to 16), and the set costs 60 % more memory (two
64-bit integers per entry instead of 8 bytes and a one-byte 0). Measured with MEMORY USAGE on
Redis 7 in listpack encoding, a full feed of 800 ids takes 10,312 bytes this way, 16,456 with
score = id (tests/test_store_redis.py; configure `zset-max-listpack-entries 1024`, see
docs/subsystems/timelines.md, or a feed becomes a skiplist of several times the size).

**Markers.** Two members sort above every id (ids are below 2**63, so their first byte is at
most 0x7f): READY (0xff), present when the feed is built and complete, and BUILDING (0xfe)
while a rebuild copies the pull query in. A feed without READY is rebuilt on its next read.
The key expires `feed_lifetime()` after it was built, which is how a member who stops coming
stops costing memory and gets a rebuilt feed when they return.

**Writes.** A batch of pushes is one round trip, one command: a script (PUSH_SCRIPT) that for
each feed does ZADD, trims to the newest HEARTH_FEED_LENGTH ids plus the marker when the set
is longer, and EXPIRE NX (a set that fan-out created without a rebuild still goes away). All
of a batch's keys go to one Redis: a Redis Cluster would need them in one hash slot. ZADD of a
member already there changes nothing, so re-running a fan-out is harmless.

**Degraded mode.** If Redis is unreachable (connection refused, or no answer within the short
socket timeout) a read answers from the pull query instead, logs a warning at most once a
minute, and records the feed in FeedRepair: the sweeper drops it once Redis answers again and
the next read rebuilds it. Writes raise, so the fan-out job stays pending and is re-driven.
"""

import logging
import time
from collections.abc import Iterable, Sequence

import redis
from django.db import transaction

from hearth.posts.models import Post
from hearth.timelines.feeds import (
    Bounds,
    CursorValue,
    FeedItem,
    PullFeedStore,
    PushFeedStore,
    feed_length,
    feed_lifetime,
)
from hearth.timelines.models import FeedRepair

logger = logging.getLogger(__name__)

READY = b"\xff"
BUILDING = b"\xfe"
#: Seconds to wait for Redis before serving from the database instead.
SOCKET_TIMEOUT = 0.5
#: How long one rebuild may hold its lock, in seconds (it is released as soon as it is done).
REBUILD_LOCK_SECONDS = 60
#: At most one "Redis is unreachable" warning per this many seconds, per process.
WARNING_INTERVAL = 60.0
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

_last_warning = 0.0

#: One post into many feeds in one command (redis-py sends EVALSHA, and loads the script on
#: NOSCRIPT): the loop runs inside Redis instead of as 3 commands per feed from Python.
#: ARGV: the member, how many entries a feed keeps (the cap plus the READY marker), its TTL.
PUSH_SCRIPT = """
local keep = tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
    redis.call('ZADD', key, 0, ARGV[1])
    if redis.call('ZCARD', key) > keep then
        redis.call('ZREMRANGEBYRANK', key, 0, -(keep + 1))
    end
    redis.call('EXPIRE', key, ARGV[3], 'NX')
end
return #KEYS
"""


def encode(post_id: int) -> bytes:
    return post_id.to_bytes(8, "big")


def decode(member: bytes) -> int:
    return int.from_bytes(member, "big")


class RedisFeedStore(PushFeedStore):
    def __init__(self, url: str, *, key_prefix: str = "") -> None:
        self.url = url
        self.key_prefix = key_prefix
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            health_check_interval=30,
        )
        # Accounts this process has recorded in FeedRepair during the current outage.
        self._marked: set[int] = set()
        self._push_script = self.client.register_script(PUSH_SCRIPT)

    def key(self, account_id: int) -> str:
        return f"{self.key_prefix}feed:home:{account_id}"

    # --- Writes ------------------------------------------------------------------------------

    def push(self, account_ids: Sequence[int], item: FeedItem) -> None:
        if not account_ids:
            return
        self._push_script(
            keys=[self.key(account_id) for account_id in account_ids],
            args=[
                encode(item.post_id),
                feed_length() + 1,
                int(feed_lifetime().total_seconds()),
            ],
        )

    def merge(self, account_id: int, items: Sequence[FeedItem]) -> None:
        if not items:
            return
        pipe = self.client.pipeline(transaction=False)
        self._add(pipe, self.key(account_id), {encode(item.post_id): 0 for item in items})
        pipe.execute()

    def _add(self, pipe: "redis.client.Pipeline", key: str, members: dict[bytes, int]) -> None:
        pipe.zadd(key, members)
        pipe.zremrangebyrank(key, 0, -(feed_length() + 2))
        pipe.expire(key, int(feed_lifetime().total_seconds()), nx=True)

    def remove(self, post_id: int, account_batches: Iterable[Sequence[int]]) -> None:
        member = encode(post_id)
        for batch in account_batches:
            pipe = self.client.pipeline(transaction=False)
            for account_id in batch:
                pipe.zrem(self.key(account_id), member)
            pipe.execute()

    def remove_author(self, account_id: int, author_id: int) -> None:
        key = self.key(account_id)
        oldest: list[bytes] = self.client.zrange(key, 0, 0)  # type: ignore[assignment]  # bytes
        if not oldest or len(oldest[0]) != 8:
            return
        # The feed holds only ids: look up the author's posts as far back as the feed goes.
        ids = Post.objects.filter(author_id=author_id, pk__gte=decode(oldest[0])).values_list(
            "pk", flat=True
        )
        members = [encode(pk) for pk in ids]
        if members:
            self.client.zrem(key, *members)

    def invalidate(self, account_ids: Sequence[int]) -> None:
        if account_ids:
            self.client.delete(*[self.key(account_id) for account_id in account_ids])

    def contains(self, account_id: int, post_id: int) -> bool:
        return self.client.zscore(self.key(account_id), encode(post_id)) is not None

    # --- Reads -------------------------------------------------------------------------------

    def read_page(
        self,
        account_id: int,
        max_id: CursorValue = None,
        min_id: CursorValue = None,
        since_id: CursorValue = None,
        limit: CursorValue = None,
    ) -> list[int]:
        try:
            ids = super().read_page(account_id, max_id, min_id, since_id, limit)
        except REDIS_DOWN as error:
            self._degraded(account_id, error)
            return PullFeedStore().read_page(account_id, max_id, min_id, since_id, limit)
        self._marked.clear()
        return ids

    def _read(self, account_id: int, bounds: Bounds) -> list[int] | None:
        key = self.key(account_id)
        top = b"(" + (encode(bounds.upper) if bounds.upper is not None else BUILDING)
        bottom = b"(" + encode(bounds.lower) if bounds.lower is not None else b"-"
        pipe = self.client.pipeline(transaction=False)
        pipe.zscore(key, READY)
        if bounds.ascending:
            pipe.zrangebylex(key, bottom, top, 0, bounds.size)
        else:
            pipe.zrevrangebylex(key, top, bottom, 0, bounds.size)
        ready, members = pipe.execute()
        if ready is None:
            return None
        ids = [decode(member) for member in members if len(member) == 8]
        return ids[::-1] if bounds.ascending else ids

    def _degraded(self, account_id: int, error: Exception) -> None:
        global _last_warning
        now = time.monotonic()
        if now - _last_warning >= WARNING_INTERVAL:
            _last_warning = now
            logger.warning(
                "Redis feed store unreachable (%s); serving home timelines from the database "
                "until it answers again",
                error,
            )
        if account_id not in self._marked:
            # Its feed may miss removals made meanwhile: have it rebuilt once Redis is back.
            with transaction.atomic():
                FeedRepair.objects.get_or_create(account_id=account_id)
            self._marked.add(account_id)

    # --- Rebuilding --------------------------------------------------------------------------

    def _lock(self, account_id: int) -> bool:
        key = f"{self.key(account_id)}:lock"
        return bool(self.client.set(key, 1, nx=True, ex=REBUILD_LOCK_SECONDS))

    def _unlock(self, account_id: int) -> None:
        self.client.delete(f"{self.key(account_id)}:lock")

    def _begin_rebuild(self, account_id: int) -> None:
        key = self.key(account_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(key)
        pipe.zadd(key, {BUILDING: 0})
        pipe.expire(key, int(feed_lifetime().total_seconds()))
        pipe.execute()

    def _finish_rebuild(self, account_id: int, items: Sequence[FeedItem]) -> None:
        key = self.key(account_id)
        pipe = self.client.pipeline(transaction=True)
        if items:
            pipe.zadd(key, {encode(item.post_id): 0 for item in items})
        pipe.zrem(key, BUILDING)
        pipe.zadd(key, {READY: 0})
        pipe.zremrangebyrank(key, 0, -(feed_length() + 2))
        pipe.execute()


def warning_reset() -> None:
    """Let the next outage warn at once (tests)."""
    global _last_warning
    _last_warning = 0.0

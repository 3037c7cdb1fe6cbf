"""The Redis feed store: one list per account, `feed:home2:<account id>`.

**Layout.** Element 0 is a one-byte header: READY (0xff) when the feed is built and complete,
BUILDING (0xfe) while a rebuild copies the pull query in, COLLECTED (0x00) when fan-out or a
follow created the key before any rebuild; a feed that is not READY is rebuilt on its next
read. Then come the ids, newest first, each as 8 big-endian bytes. A full feed (800 ids) is one
quicklist node whose listpack spends 10 bytes an id (1 length byte, 8, 1 back-length byte):
8,017 bytes in jemalloc's 8,192-byte class, **8,344 bytes** by MEMORY USAGE with the key
(tests/test_store_redis.py). A list is always a chain of listpacks, whatever the server's
settings; the default `list-max-listpack-size` (8 KB nodes) holds a full feed in one.

**Why not a sorted set, or a packed string.** A sorted set's listpack spends 12 bytes an id
(the 8-byte member and its two length bytes, a 2-byte score), which lands in the 10,240-byte
class: 10,312 bytes, and no shorter member holds a 57-bit id exactly. One string of packed ids
would be smaller (7,240 bytes), but no Redis command inserts into a string: every push would
copy the whole feed through Lua, and on the Debian build of Redis 7.0 (LuaJIT) making a Lua
string costs ~2 ns a byte, so a push into a full feed took 23-27 us of Redis time, as much as
the sorted set's ZADD and trim (24-37 us). A list takes a new newest id with LSET and LPUSH:
6-9 us a feed (docs/subsystems/timelines.md has the figures).

**Order.** Every write is a script (EVALSHA, loaded on NOSCRIPT) that keeps the ids sorted and
each once. The newest id, as nearly always, goes in front: the header's place is set to the id
and the header pushed back before it. An older one is looked for with LPOS (a re-run fan-out)
and otherwise placed by binary search with LINDEX, unless a full feed would cut it at once.
Scripts compare ids as two unsigned 32-bit halves (`struct.unpack`): a Lua number holds 53
bits exactly, and Lua's `<` on strings follows the server's locale.

**Reads.** The first page (and a `since_id` page) is one LRANGE of the header and the newest
`limit` ids. A page below `max_id` or above `min_id` is one READ_SCRIPT call: LPOS finds a
cursor that is in the feed (usually the last id of the previous page), a binary search one that
is not.

**Writes.** A push is one command per PUSH_KEYS feeds: PUSH_SCRIPT adds the ids (one post, or
the several a coalesced fan-out delivers together) to each feed where they belong unless
there, then trims it to the newest HEARTH_FEED_LENGTH ids (and the header); re-running a
fan-out changes nothing. Ids all newer than a feed's newest, as nearly always, cost one LSET
and one or two LPUSHes however many they are. Scripts stay short (about 2 ms of Redis each),
because Redis answers nobody else while one runs. A feed that a
push or a merge creates gets the lifetime `feed_lifetime()` (EXPIRE), as a rebuilt one does.
List writes keep a key's lifetime, so no feed is ever without one (what EXPIRE NX on every
push ensured for the sorted sets), and a feed expires `feed_lifetime()` after it was built or
first pushed to, which is how a member who stops coming stops costing memory and gets a
rebuilt feed when they return. All of a batch's keys go to one Redis: a Redis Cluster would
need them in one hash slot.

**Rebuilds.** `_begin_rebuild` replaces the feed by a BUILDING header (fan-out lands in it from
then on); `_finish_rebuild` merges the pull query's ids in and makes it READY in one script,
only if it is still BUILDING: a feed dropped meanwhile (`invalidate`) stays unbuilt.

**Upgrading.** Earlier versions kept sorted sets named `feed:home:<account id>`. This store
never reads those keys (no WRONGTYPE), and they expire on their own within
HEARTH_FEED_ACTIVE_DAYS; every member's feed is rebuilt on their first read after the upgrade.

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

from hearth.core.cache import REDIS_DOWN
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
COLLECTED = b"\x00"
#: Seconds to wait for Redis before serving from the database instead.
SOCKET_TIMEOUT = 0.5
#: Feeds one push script writes: Redis serves nothing else while a script runs, so a batch
#: of followers goes in a few short scripts (~2 ms of Redis each) rather than one long one.
PUSH_KEYS = 250
#: How long one rebuild may hold its lock, in seconds (it is released as soon as it is done).
REBUILD_LOCK_SECONDS = 60
#: At most one "Redis is unreachable" warning per this many seconds, per process.
WARNING_INTERVAL = 60.0

_last_warning = 0.0

#: What the scripts share. A feed is a list: the header at index 0, then ids newest first.
#: Ids are compared as two unsigned 32-bit halves: a Lua number holds 53 bits exactly, and
#: Lua's `<` on strings follows the server's locale.
_LUA_FEED = """
local function newer(a, b)
    local ah, al = struct.unpack('>I4I4', a)
    local bh, bl = struct.unpack('>I4I4', b)
    return ah > bh or (ah == bh and al > bl)
end

-- The index of the feed's first id not newer than `id` (n + 1 if none), among its n ids, and
-- whether that is `id` itself: one LPOS when it is in the feed (a cursor usually is), else a
-- binary search.
local function locate(key, id, n)
    local found = redis.call('LPOS', key, id)
    if found then return found, true end
    local low, high = 1, n + 1
    while low < high do
        local mid = math.floor((low + high) / 2)
        if newer(redis.call('LINDEX', key, mid), id) then low = mid + 1 else high = mid end
    end
    return low, false
end

-- The feed's ids and `add` (a table of ids; both newest first) merged, each id once, at
-- most `cap` of them, in place of the feed's ids (the header and the key's lifetime stay).
local function merge_into(key, add, cap)
    local old = redis.call('LRANGE', key, 1, -1)
    local out, i, j = {}, 1, 1
    while #out < cap and (old[i] or add[j]) do
        local a, b = old[i], add[j]
        if not b or (a and not newer(b, a)) then
            out[#out + 1] = a
            i = i + 1
            if a == b then j = j + 1 end
        else
            out[#out + 1] = b
            j = j + 1
        end
    end
    redis.call('LTRIM', key, 0, 0)
    for from = 1, #out, 1000 do
        redis.call('RPUSH', key, unpack(out, from, math.min(from + 999, #out)))
    end
end
"""

#: Posts into many feeds in one command (redis-py sends EVALSHA, and loads the script on
#: NOSCRIPT): the loop runs inside Redis. ARGV: the cap, the lifetime of a feed this creates,
#: COLLECTED, then the ids, oldest first, each once.
PUSH_SCRIPT = (
    _LUA_FEED
    + """
local cap, oldest = tonumber(ARGV[1]), ARGV[4]

local function trim(length, key)
    if length > cap + 1 then redis.call('LTRIM', key, 0, cap) end
end

-- One id where it belongs, unless it is there or a full feed would cut it at once. An id
-- older than the newest is nearly always a post delivered a moment late (two workers, each
-- with its own posts): it is looked for among the NEAR newest ids (one LRANGE), and only
-- past them by binary search.
local NEAR = 16
local function insert(key, id)
    local near = redis.call('LRANGE', key, 1, NEAR)
    for _, other in ipairs(near) do
        if other == id then return end
        if newer(id, other) then
            trim(redis.call('LINSERT', key, 'BEFORE', other, id), key)
            return
        end
    end
    local n = #near
    if n == NEAR then n = redis.call('LLEN', key) - 1 end
    if n >= cap and not newer(id, redis.call('LINDEX', key, -1)) then return end
    local low, high = #near + 1, n + 1
    while low < high do
        local mid = math.floor((low + high) / 2)
        if newer(redis.call('LINDEX', key, mid), id) then low = mid + 1 else high = mid end
    end
    if low > n then
        trim(redis.call('RPUSH', key, id), key)
    elseif redis.call('LINDEX', key, low) ~= id then
        trim(redis.call('LINSERT', key, 'BEFORE', redis.call('LINDEX', key, low), id), key)
    end
end

for _, key in ipairs(KEYS) do
    local head = redis.call('LRANGE', key, 0, 1)
    if not head[1] then
        redis.call('RPUSH', key, ARGV[3])
        redis.call('EXPIRE', key, ARGV[2])
        head = {ARGV[3]}
    end
    if not head[2] or newer(oldest, head[2]) then
        -- All newer than the feed's newest, as nearly always: the oldest takes the header's
        -- place, the others and then the header go in front of it.
        redis.call('LSET', key, 0, oldest)
        if #ARGV > 4 then redis.call('LPUSH', key, unpack(ARGV, 5)) end
        trim(redis.call('LPUSH', key, head[1]), key)
    else
        for i = 4, #ARGV do insert(key, ARGV[i]) end
    end
end
return #KEYS
"""
)

#: Ids out of many feeds in one command. ARGV: the ids, each once.
REMOVE_SCRIPT = """
local removed = 0
for _, key in ipairs(KEYS) do
    for _, id in ipairs(ARGV) do
        removed = removed + redis.call('LREM', key, 1, id)
    end
end
return removed
"""

#: Several ids into one feed. ARGV: the cap, the lifetime of a feed this creates, COLLECTED,
#: then the ids (newest first, each once).
MERGE_SCRIPT = (
    _LUA_FEED
    + """
local cap, add = tonumber(ARGV[1]), {unpack(ARGV, 4)}
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('RPUSH', KEYS[1], ARGV[3])
    redis.call('EXPIRE', KEYS[1], ARGV[2])
end
merge_into(KEYS[1], add, cap)
return 1
"""
)

#: The end of a rebuild: the pull query's ids in and READY, if the feed is still BUILDING.
#: ARGV: the cap, BUILDING, READY, then the ids (newest first, each once).
FINISH_SCRIPT = (
    _LUA_FEED
    + """
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] then return 0 end
merge_into(KEYS[1], {unpack(ARGV, 4)}, tonumber(ARGV[1]))
redis.call('LSET', KEYS[1], 0, ARGV[3])
return 1
"""
)

#: A page between cursors: the header, then the page's ids newest first (nil: no feed).
#: ARGV: only ids below this one ('' for no bound), only ids above this one (''), '1' for the
#: ids just above that one rather than the newest, the page size.
READ_SCRIPT = (
    _LUA_FEED
    + """
local key, size = KEYS[1], tonumber(ARGV[4])
local n = redis.call('LLEN', key) - 1
if n < 0 then return false end
local first, last = 1, n + 1
if ARGV[1] ~= '' then
    local at, there = locate(key, ARGV[1], n)
    first = there and at + 1 or at
end
if ARGV[2] ~= '' then last = locate(key, ARGV[2], n) end
if last - first > size then
    if ARGV[3] == '1' then first = last - size else last = first + size end
end
local page = {}
if last > first then page = redis.call('LRANGE', key, first, last - 1) end
table.insert(page, 1, redis.call('LINDEX', key, 0))
return page
"""
)


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
        self._remove_script = self.client.register_script(REMOVE_SCRIPT)
        self._merge_script = self.client.register_script(MERGE_SCRIPT)
        self._finish_script = self.client.register_script(FINISH_SCRIPT)
        self._read_script = self.client.register_script(READ_SCRIPT)

    def key(self, account_id: int) -> str:
        return f"{self.key_prefix}feed:home2:{account_id}"

    # --- Writes ------------------------------------------------------------------------------

    def push(self, account_ids: Sequence[int], *items: FeedItem) -> None:
        for keys, args in self._pushes(account_ids, items):
            self._push_script(keys=keys, args=args)

    def push_each(self, deliveries: Sequence[tuple[Sequence[int], Sequence[FeedItem]]]) -> None:
        calls = [call for ids, items in deliveries for call in self._pushes(ids, items)]
        if not calls:
            return
        sha = self._push_script.sha
        for attempt in (1, 2):
            pipe = self.client.pipeline(transaction=False)
            for keys, args in calls:
                pipe.evalsha(sha, len(keys), *keys, *args)
            try:
                pipe.execute()
                return
            except redis.exceptions.NoScriptError:
                # Redis restarted (or its scripts were flushed): load the script and push
                # again (pushes that went through change nothing the second time).
                if attempt == 2:
                    raise
                self.client.script_load(PUSH_SCRIPT)

    def _pushes(
        self, account_ids: Sequence[int], items: Sequence[FeedItem]
    ) -> list[tuple[list[str], list[bytes | int]]]:
        """The push script's calls for `push(account_ids, *items)`: PUSH_KEYS feeds each."""
        if not account_ids or not items:
            return []
        ids = [encode(post_id) for post_id in sorted({item.post_id for item in items})]
        args: list[bytes | int] = [feed_length(), _lifetime(), COLLECTED, *ids]
        keys = [self.key(account_id) for account_id in account_ids]
        return [(keys[start : start + PUSH_KEYS], args) for start in range(0, len(keys), PUSH_KEYS)]

    def merge(self, account_id: int, items: Sequence[FeedItem]) -> None:
        if not items:
            return
        self._merge_script(
            keys=[self.key(account_id)],
            args=[feed_length(), _lifetime(), COLLECTED, *_newest(items)],
        )

    def remove(self, post_id: int, account_batches: Iterable[Sequence[int]]) -> None:
        member = encode(post_id)
        for batch in account_batches:
            if batch:
                keys = [self.key(account_id) for account_id in batch]
                self._remove_script(keys=keys, args=[member])

    def remove_author(self, account_id: int, author_id: int) -> None:
        key = self.key(account_id)
        oldest: bytes | None = self.client.lindex(key, -1)  # type: ignore[assignment]  # sync client
        if oldest is None or len(oldest) != 8:
            return
        # The feed holds only ids: look up the author's posts as far back as the feed goes.
        ids = Post.objects.filter(author_id=author_id, pk__gte=decode(oldest)).values_list(
            "pk", flat=True
        )
        members = [encode(pk) for pk in set(ids)]
        if members:
            self._remove_script(keys=[key], args=members)

    def invalidate(self, account_ids: Sequence[int]) -> None:
        if account_ids:
            self.client.delete(*[self.key(account_id) for account_id in account_ids])

    def contains(self, account_id: int, post_id: int) -> bool:
        member = encode(post_id)
        return self.client.lpos(self.key(account_id), member) is not None  # type: ignore[arg-type]  # bytes

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
        page: list[bytes] | None
        if bounds.upper is None and not bounds.ascending:
            # The newest ids, and the header: no script needed.
            page = self.client.lrange(key, 0, bounds.size)  # type: ignore[assignment]  # sync client
        else:
            page = self._read_script(
                keys=[key],
                args=[
                    b"" if bounds.upper is None else encode(bounds.upper),
                    b"" if bounds.lower is None else encode(bounds.lower),
                    b"1" if bounds.ascending else b"",
                    bounds.size,
                ],
            )
        if not page or page[0] != READY:
            return None
        ids = [decode(member) for member in page[1:]]
        if bounds.lower is not None and not bounds.ascending:
            ids = [pk for pk in ids if pk > bounds.lower]
        return ids

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
        pipe.rpush(key, BUILDING)
        pipe.expire(key, _lifetime())
        pipe.execute()

    def _finish_rebuild(self, account_id: int, items: Sequence[FeedItem]) -> None:
        self._finish_script(
            keys=[self.key(account_id)],
            args=[feed_length(), BUILDING, READY, *_newest(items)],
        )


def _newest(items: Sequence[FeedItem]) -> list[bytes]:
    """The newest feed_length() of these posts, newest first, each once, as members."""
    ids = sorted({item.post_id for item in items}, reverse=True)[: feed_length()]
    return [encode(pk) for pk in ids]


def _lifetime() -> int:
    return int(feed_lifetime().total_seconds())


def warning_reset() -> None:
    """Let the next outage warn at once (tests)."""
    global _last_warning
    _last_warning = 0.0

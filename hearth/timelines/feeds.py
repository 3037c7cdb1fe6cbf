"""Where a home feed's post ids come from: the feed store, and what is merged in when it is read.

Everything above (selectors, views, the API) asks for a page of post ids (`home_feed_ids`) and
then loads and hydrates those posts through hearth.posts.selectors, which re-checks visibility.
A store only has to answer "which ids, newest first"; it is never trusted to decide who may see
a post, so a stale store can show too little, never too much.

Three stores share the `FeedStore` interface (docs/subsystems/timelines.md):

- `RedisFeedStore` (store_redis.py): a list of ids per account, when REDIS_URL is set;
- `DatabaseFeedStore` (store_db.py): a table, the embedded default;
- `PullFeedStore` (here): computes the feed from the posts table when read. It is what a push
  store rebuilds a feed from, and what is served while Redis is unreachable.

Push stores are filled on write (services.py, "fan-out") for members active in the last
HEARTH_FEED_ACTIVE_DAYS. Two kinds of posts are merged in at read time instead: posts by very
large accounts (HEARTH_FANOUT_MAX_FOLLOWERS, the hybrid) and posts whose fan-out is still
pending in the outbox (so a post shows at home the moment it is committed, even with the
workers behind).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.core.cache import BriefCopy
from hearth.core.compiled import CompiledQuery
from hearth.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from hearth.graph.models import Follow
from hearth.graph.selectors import muted_account_ids, reposts_hidden_account_ids
from hearth.posts.models import Post
from hearth.posts.selectors import posts_visible_to
from hearth.timelines.models import FanoutJob

CursorValue = int | str | None

_LARGEST_ID = 2**63 - 1
#: How long the list of accounts above the fan-out threshold is cached, in seconds: in the
#: shared cache, and each process's copy of it.
BIG_ACCOUNTS_TTL = 60
BIG_ACCOUNTS_LOCAL_TTL = 5
#: Up to this many pending fan-out jobs are read into the home query as a list of ids; a
#: larger backlog (the workers are behind) is left to a subquery.
PENDING_LOOKUP_MAX = 200
_BIG_ACCOUNTS_KEY = "timelines:big-accounts"


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One post as a feed stores it (the Redis store keeps only the id)."""

    post_id: int
    author_id: int
    reblog_of_id: int | None = None


@dataclass(frozen=True, slots=True)
class Bounds:
    """A page request with hearth.core.pagination's Mastodon semantics, parsed: junk cursors
    are ignored, `limit` is clamped to 1..MAX_LIMIT."""

    #: Only ids below this (max_id), or None.
    upper: int | None
    #: Only ids above this (min_id or since_id), or None.
    lower: int | None
    #: min_id was given: the ids immediately above `lower`, not the newest ones.
    ascending: bool
    size: int

    @classmethod
    def parse(
        cls,
        max_id: CursorValue = None,
        min_id: CursorValue = None,
        since_id: CursorValue = None,
        limit: CursorValue = None,
    ) -> "Bounds":
        lower_min = _cursor_id(min_id)
        lower = lower_min if lower_min is not None else _cursor_id(since_id)
        return cls(_cursor_id(max_id), lower, lower_min is not None, page_size(limit))

    def pick(self, ids: Iterable[int]) -> list[int]:
        """The page these bounds select from `ids` (any order, duplicates allowed), newest
        first. Merging two sources' pages for the same bounds gives the page of their union."""
        inside = {
            pk
            for pk in ids
            if (self.upper is None or pk < self.upper) and (self.lower is None or pk > self.lower)
        }
        if self.ascending:
            return sorted(inside)[: self.size][::-1]
        return sorted(inside, reverse=True)[: self.size]


def page_size(limit: CursorValue) -> int:
    """`limit` clamped as hearth.core.pagination clamps it."""
    try:
        size = int(limit) if limit is not None else DEFAULT_LIMIT
    except (TypeError, ValueError):
        size = DEFAULT_LIMIT
    return max(1, min(MAX_LIMIT, size))


def _cursor_id(value: CursorValue) -> int | None:
    try:
        number = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    if number is None or not 0 <= number <= _LARGEST_ID:
        return None
    return number


class FeedStore(Protocol):
    """A home feed per account, as post ids ordered newest first."""

    def push(self, account_ids: Sequence[int], *items: FeedItem) -> None:
        """Add the items to these accounts' feeds (one batch: one round trip or one INSERT)."""

    def push_each(self, deliveries: Sequence[tuple[Sequence[int], Sequence[FeedItem]]]) -> None:
        """Several pushes at once (`push(account_ids, *items)` for each pair), in one round trip
        or one INSERT: a fan-out round of many small audiences."""

    def merge(self, account_id: int, items: Sequence[FeedItem]) -> None:
        """Add several posts to one feed (a new follow brings the account's recent posts)."""

    def remove(self, post_id: int, account_batches: Iterable[Sequence[int]]) -> None:
        """Take `post_id` out of the feeds it may be in, given lazily as batches of account ids
        (a store that can find them itself need not consume them)."""

    def remove_author(self, account_id: int, author_id: int) -> None:
        """Take every post and repost by `author_id` out of `account_id`'s feed."""

    def read_page(
        self,
        account_id: int,
        max_id: CursorValue = None,
        min_id: CursorValue = None,
        since_id: CursorValue = None,
        limit: CursorValue = None,
    ) -> list[int]:
        """One page of `account_id`'s feed, newest first, with hearth.core.pagination's
        Mastodon semantics for the cursors (junk cursors are ignored). A push store rebuilds a
        missing or stale feed here first."""
        ...

    def rebuild(self, account_id: int) -> bool:
        """Refill the feed from the posts table; False if another rebuild of it is running."""
        ...

    def invalidate(self, account_ids: Sequence[int]) -> None:
        """Drop these feeds: each is rebuilt on its next read."""

    def contains(self, account_id: int, post_id: int) -> bool:
        """Is `post_id` in the stored feed (as stored: no visibility, no read-time merge)?"""
        ...


class PullFeedStore:
    """Reads the feed from the posts table each time; nothing to store, so nothing to push.

    Posts by the accounts the reader follows and by the reader, visible to the reader, minus:
    posts and reposts by accounts the reader mutes, reposts of muted accounts' posts, reposts by
    accounts whose reposts the reader hides (a reposts-only mute, or a follow with reposts
    off), and replies to people the reader doesn't follow (as on Mastodon: half a conversation
    with a stranger is noise). Two small queries for the reader's mutes, one for the page.
    """

    def push(self, account_ids: Sequence[int], *items: FeedItem) -> None:
        return None

    def push_each(self, deliveries: Sequence[tuple[Sequence[int], Sequence[FeedItem]]]) -> None:
        return None

    def merge(self, account_id: int, items: Sequence[FeedItem]) -> None:
        return None

    def remove(self, post_id: int, account_batches: Iterable[Sequence[int]]) -> None:
        return None

    def remove_author(self, account_id: int, author_id: int) -> None:
        return None

    def rebuild(self, account_id: int) -> bool:
        return True

    def invalidate(self, account_ids: Sequence[int]) -> None:
        return None

    def contains(self, account_id: int, post_id: int) -> bool:
        return self.feed(account_id).filter(pk=post_id).exists()

    def read_page(
        self,
        account_id: int,
        max_id: CursorValue = None,
        min_id: CursorValue = None,
        since_id: CursorValue = None,
        limit: CursorValue = None,
    ) -> list[int]:
        posts = self.feed(account_id).only("id")
        page = paginate(posts, max_id=max_id, min_id=min_id, since_id=since_id, limit=limit)
        return [post.pk for post in page.items]

    def feed(self, account_id: int, *, apply_mutes: bool = True) -> QuerySet[Post]:
        """The whole feed as a query. Without `apply_mutes`, what a push store stores (mutes
        are applied when a feed is read, since they change)."""
        # Only the key of `reader` is used: posts_visible_to puts it in its filters. Loading
        # the row would cost a query for nothing.
        reader = Account(pk=account_id)
        followed = Follow.objects.filter(follower_id=account_id).values("target_id")
        not_a_stranger_reply = (
            Q(in_reply_to_account__isnull=True)
            | Q(in_reply_to_account_id=account_id)
            | Q(in_reply_to_account=F("author"))
            | Q(in_reply_to_account_id__in=followed)
        )
        posts = posts_visible_to(reader).filter(
            Q(author_id=account_id) | Q(author_id__in=followed), not_a_stranger_reply
        )
        if not apply_mutes:
            return posts
        muted = muted_account_ids(viewer=reader)
        reposts_hidden = reposts_hidden_account_ids(viewer=reader)
        if muted:
            posts = posts.exclude(author_id__in=muted).exclude(reblog_of__author_id__in=muted)
        if reposts_hidden:
            posts = posts.exclude(reblog_of__isnull=False, author_id__in=reposts_hidden)
        return posts


def pull_items(account_id: int, limit: int) -> list[FeedItem]:
    """The newest `limit` posts of the account's feed as the posts table has them (mutes not
    applied): what a push store is rebuilt from. One query."""
    rows = (
        PullFeedStore()
        .feed(account_id, apply_mutes=False)
        .values_list("id", "author_id", "reblog_of_id")[:limit]
    )
    return [FeedItem(pk, author_id, reblog_of_id) for pk, author_id, reblog_of_id in rows]


class PushFeedStore:
    """What the Redis and database stores share: a feed that is missing or stale is rebuilt
    from the posts table when first read, by one reader at a time; readers meanwhile get the
    pull query's answer.

    A rebuild first marks the member active (so fan-out includes them from then on), then
    empties the feed and marks it "being built" (fan-out lands in it from then on), then copies
    the pull query's newest HEARTH_FEED_LENGTH posts in and marks it built. A post committed at
    any point is either in the pull query or delivered by fan-out; both is fine (a set).
    """

    def read_page(
        self,
        account_id: int,
        max_id: CursorValue = None,
        min_id: CursorValue = None,
        since_id: CursorValue = None,
        limit: CursorValue = None,
    ) -> list[int]:
        bounds = Bounds.parse(max_id, min_id, since_id, limit)
        ids = self._read(account_id, bounds)
        if ids is None and self.rebuild(account_id):
            ids = self._read(account_id, bounds)
        if ids is None:  # someone else is rebuilding it: answer from the posts table
            return PullFeedStore().read_page(account_id, max_id, min_id, since_id, limit)
        return ids

    def rebuild(self, account_id: int) -> bool:
        if not self._lock(account_id):
            return False
        try:
            Account.objects.filter(pk=account_id).update(last_active_at=timezone.now())
            self._begin_rebuild(account_id)
            self._finish_rebuild(account_id, pull_items(account_id, feed_length()))
        finally:
            self._unlock(account_id)
        return True

    # Implemented by each store.
    def _read(self, account_id: int, bounds: Bounds) -> list[int] | None:
        """The page, or None when the feed is not built (missing, stale or being rebuilt)."""
        raise NotImplementedError

    def _lock(self, account_id: int) -> bool:
        raise NotImplementedError

    def _unlock(self, account_id: int) -> None:
        raise NotImplementedError

    def _begin_rebuild(self, account_id: int) -> None:
        raise NotImplementedError

    def _finish_rebuild(self, account_id: int, items: Sequence[FeedItem]) -> None:
        raise NotImplementedError


def feed_length() -> int:
    return max(1, int(settings.HEARTH_FEED_LENGTH))


def feed_lifetime() -> timedelta:
    """How long a built feed is trusted. A rebuild marks its member active, and fan-out serves
    members active within HEARTH_FEED_ACTIVE_DAYS, so a feed younger than that (less an hour
    of margin) has missed nothing; an older one is rebuilt on its next read."""
    days = timedelta(days=max(1, int(settings.HEARTH_FEED_ACTIVE_DAYS)))
    return max(timedelta(hours=1), days - timedelta(hours=1))


def get_feed_store() -> FeedStore:
    """The feed store in use: Redis when REDIS_URL is set, else the database."""
    return _store_for(settings.REDIS_URL, settings.HEARTH_FEED_KEY_PREFIX)


@cache
def _store_for(redis_url: str, key_prefix: str) -> FeedStore:
    # Imported here: the stores build on this module.
    if redis_url:
        from hearth.timelines.store_redis import RedisFeedStore

        return RedisFeedStore(redis_url, key_prefix=key_prefix)
    from hearth.timelines.store_db import DatabaseFeedStore

    return DatabaseFeedStore()


# --- Reading a home feed ---------------------------------------------------------------------


def home_feed_ids(
    account_id: int,
    max_id: CursorValue = None,
    min_id: CursorValue = None,
    since_id: CursorValue = None,
    limit: CursorValue = None,
) -> list[int]:
    """One page of the account's home: the store's page merged with the posts that are not in
    stores by design (large accounts' posts, posts whose fan-out is pending), newest first.

    Both sources answer the same bounds, so the merge is right across page boundaries: the
    newest `limit` ids of the union below max_id are among each source's newest `limit`.
    """
    store = get_feed_store()
    ids = store.read_page(account_id, max_id, min_id, since_id, limit)
    if isinstance(store, PullFeedStore):
        return ids
    bounds = Bounds.parse(max_id, min_id, since_id, limit)
    return bounds.pick([*ids, *_read_time_ids(account_id, bounds)])


def _read_time_ids(account_id: int, bounds: Bounds) -> list[int]:
    """Posts of the account's feed that fan-out did not (or not yet) deliver.

    The common case costs one look at the outbox's partial index (a handful of pending rows,
    with their authors) and nothing else: with no pending job and no large account on the
    server, nothing can be missing from the store. Pending posts count only when the reader
    wrote one or follows an author of one (one index probe): while others post, and so
    nearly always on a busy server, reading a home costs no pull query. Otherwise one more
    query, narrowed to those posts and authors.
    """
    pending = _PENDING.rows()
    backlog = len(pending) > PENDING_LOOKUP_MAX
    waiting = FanoutJob.objects.filter(state=FanoutJob.State.PENDING) if backlog else None
    authors: set[int] | QuerySet[FanoutJob, int] = {author for _, author in pending}
    if waiting is not None:  # a backlog: let the database look them up
        authors = waiting.values_list("post__author_id", flat=True)
    if pending and not _follows_any(account_id, authors):
        pending = []
    big = big_account_ids()
    if not pending and not big:
        return []
    undelivered = Q(pk__in=[post_id for post_id, _ in pending])
    if waiting is not None:
        undelivered = Q(pk__in=waiting.values("post_id"))
    if big:
        undelivered |= Q(author_id__in=big)
    posts = PullFeedStore().feed(account_id, apply_mutes=False).filter(undelivered).only("id")
    page = paginate(
        posts,
        max_id=bounds.upper,
        min_id=bounds.lower if bounds.ascending else None,
        since_id=None if bounds.ascending else bounds.lower,
        limit=bounds.size,
    )
    return [post.pk for post in page.items]


def _pending_queryset() -> QuerySet[FanoutJob, tuple[int, int]]:
    waiting = FanoutJob.objects.filter(state=FanoutJob.State.PENDING)
    return waiting.values_list("post_id", "post__author_id")[: PENDING_LOOKUP_MAX + 1]


#: The outbox lookup of every home read, compiled once per process (hearth.core.compiled).
_PENDING = CompiledQuery(_pending_queryset)


def _follows_any(account_id: int, authors: set[int] | QuerySet[FanoutJob, int]) -> bool:
    """Is `account_id` among `authors`, or does it follow one of them?"""
    if isinstance(authors, set):
        # While others post (pending jobs: nearly always, on a busy server) every home read
        # asks this: compiled once per number of authors.
        return account_id in authors or bool(_FOLLOWS_ANY.rows(account_id, sorted(authors)))
    # A backlog (the workers are behind): both asked of the pending jobs in the database,
    # compiled too (built each time, they cost a home read more than the rest of it).
    return bool(_AUTHORED_PENDING.rows(account_id) or _FOLLOWS_PENDING.rows(account_id))


def _follows_any_queryset(
    account_id: int, author_ids: Sequence[int]
) -> QuerySet[Follow, tuple[int]]:
    rows = Follow.objects.filter(follower_id=account_id, target_id__in=author_ids)
    return rows.values_list("id")[:1]


_FOLLOWS_ANY = CompiledQuery(_follows_any_queryset)


def _authored_pending_queryset(account_id: int) -> QuerySet[FanoutJob, tuple[int]]:
    waiting = FanoutJob.objects.filter(state=FanoutJob.State.PENDING)
    return waiting.filter(post__author_id=account_id).values_list("id")[:1]


def _follows_pending_queryset(account_id: int) -> QuerySet[Follow, tuple[int]]:
    waiting = FanoutJob.objects.filter(state=FanoutJob.State.PENDING)
    rows = Follow.objects.filter(
        follower_id=account_id, target_id__in=waiting.values("post__author_id")
    )
    return rows.values_list("id")[:1]


_AUTHORED_PENDING = CompiledQuery(_authored_pending_queryset)
_FOLLOWS_PENDING = CompiledQuery(_follows_pending_queryset)


def big_account_ids() -> list[int]:
    """Accounts not fanned out for having HEARTH_FANOUT_MAX_FOLLOWERS followers or more.

    Every home read asks, so each process keeps its own copy for BIG_ACCOUNTS_LOCAL_TTL
    seconds in front of the shared cache (BIG_ACCOUNTS_TTL seconds; fan-out clears it when it
    skips a newly large account). A post by an account that has just crossed the threshold
    may so be missing from homes served by other processes for those few seconds."""
    return _BIG_ACCOUNTS.get(_big_accounts_shared)


def _big_accounts_shared() -> list[int]:
    found: list[int] | None = django_cache.get(_BIG_ACCOUNTS_KEY)
    if found is None:
        threshold = settings.HEARTH_FANOUT_MAX_FOLLOWERS
        found = list(
            Account.objects.filter(followers_count__gte=threshold).values_list("pk", flat=True)
        )
        django_cache.set(_BIG_ACCOUNTS_KEY, found, BIG_ACCOUNTS_TTL)
    return found


_BIG_ACCOUNTS: BriefCopy[list[int]] = BriefCopy(BIG_ACCOUNTS_LOCAL_TTL)


def big_accounts_forget() -> None:
    """Drop the cached list: the shared one, and this process's copy (others' expire)."""
    django_cache.delete(_BIG_ACCOUNTS_KEY)
    _BIG_ACCOUNTS.clear()

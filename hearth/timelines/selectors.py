"""Timelines: pages of posts, each ready to show (PostView), newest first.

The home timeline comes from the feed store (feeds.py), so the feed engine can change how it is
stored; the others are thin passes over hearth.posts.selectors, which decide visibility. Every
page costs a constant number of queries, however long it is.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, prefetch_related_objects

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_list_visible
from hearth.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from hearth.graph.models import Block, Follow, FollowRequest
from hearth.graph.selectors import muted_account_ids
from hearth.posts import selectors as posts
from hearth.posts.models import Post
from hearth.posts.selectors import PostView
from hearth.timelines.feeds import CursorValue, get_feed_store

#: How many accounts the "who to follow" panel suggests.
SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page starts, as it came in the query string (junk is ignored, not an error)."""

    max_id: CursorValue = None
    min_id: CursorValue = None
    since_id: CursorValue = None
    limit: CursorValue = None


@dataclass(frozen=True, slots=True)
class TimelinePage:
    items: list[PostView]
    #: Pass as max_id for the next, older page; None when there is nothing older.
    next_max_id: int | None
    #: Pass as min_id (or since_id) for newer posts; None when the page is empty.
    prev_min_id: int | None


def hydrate_posts(viewer: Account | None, rows: Sequence[Post]) -> list[PostView]:
    """hearth.posts.selectors.hydrate, plus the account each shown post replies to (for
    "Replying to @x"): one more query for the whole page."""
    views = posts.hydrate(viewer, rows)
    prefetch_related_objects([view.shown.post for view in views], "in_reply_to_account")
    return views


def home_timeline(viewer: Account, cursor: Cursor = Cursor()) -> TimelinePage:  # noqa: B008
    """The viewer's home: the people they follow and themselves, through the feed store."""
    ids = get_feed_store().read_page(
        viewer.pk, cursor.max_id, cursor.min_id, cursor.since_id, cursor.limit
    )
    # The store gives ids only; loading them re-applies visibility, so a stale store can't leak.
    views = hydrate_posts(viewer, posts.posts_by_ids(viewer, ids))
    full = len(ids) == _page_size(cursor.limit)
    return TimelinePage(
        items=views,
        next_max_id=ids[-1] if ids and full else None,
        prev_min_id=ids[0] if ids else None,
    )


def home_newer_count(viewer: Account, since_id: CursorValue) -> int:
    """How many posts arrived in the viewer's home since `since_id` (at most MAX_LIMIT)."""
    store = get_feed_store()
    return len(store.read_page(viewer.pk, since_id=since_id, limit=MAX_LIMIT))


def local_timeline(viewer: Account | None, cursor: Cursor = Cursor()) -> TimelinePage:  # noqa: B008
    """Public posts from this server, without those by accounts the viewer mutes."""
    return _page(viewer, _unmuted(viewer, posts.public_posts(viewer)), cursor)


def hashtag_timeline(
    viewer: Account | None,
    name: str,
    cursor: Cursor = Cursor(),  # noqa: B008
) -> TimelinePage:
    return _page(viewer, _unmuted(viewer, posts.hashtag_posts(viewer, name)), cursor)


def bookmarks_timeline(viewer: Account, cursor: Cursor = Cursor()) -> TimelinePage:  # noqa: B008
    return _page(viewer, posts.bookmarked_posts(viewer), cursor)


def favourites_timeline(viewer: Account, cursor: Cursor = Cursor()) -> TimelinePage:  # noqa: B008
    return _page(viewer, posts.favourited_posts(viewer), cursor)


def profile_timeline(
    viewer: Account | None,
    account: Account,
    *,
    with_replies: bool = False,
    only_media: bool = False,
    cursor: Cursor = Cursor(),  # noqa: B008
) -> TimelinePage:
    rows = posts.account_posts(viewer, account, with_replies=with_replies, only_media=only_media)
    return _page(viewer, rows, cursor)


def pinned(viewer: Account | None, account: Account) -> list[PostView]:
    return hydrate_posts(viewer, list(posts.pinned_posts(viewer, account)))


def _page(viewer: Account | None, rows: QuerySet[Post], cursor: Cursor) -> TimelinePage:
    page = paginate(
        rows,
        max_id=cursor.max_id,
        min_id=cursor.min_id,
        since_id=cursor.since_id,
        limit=cursor.limit,
    )
    return TimelinePage(
        items=hydrate_posts(viewer, page.items),
        next_max_id=page.next_max_id,
        prev_min_id=page.prev_min_id,
    )


def _unmuted(viewer: Account | None, rows: QuerySet[Post]) -> QuerySet[Post]:
    muted = muted_account_ids(viewer=viewer)
    return rows.exclude(author_id__in=muted) if muted else rows


def _page_size(limit: CursorValue) -> int:
    # The same clamp as hearth.core.pagination applies, to tell a full page from the last one.
    try:
        size = int(limit) if limit is not None else DEFAULT_LIMIT
    except (TypeError, ValueError):
        size = DEFAULT_LIMIT
    return max(1, min(MAX_LIMIT, size))


# --- Who to follow ---------------------------------------------------------------------------


def who_to_follow(viewer: Account, *, limit: int = SUGGESTIONS) -> list[Account]:
    """Up to `limit` accounts to suggest: first those followed by the most people the viewer
    follows ("friends of friends"), then popular discoverable accounts by followers. Never the
    viewer, someone they follow or asked to follow, or anyone across a block. One query."""
    followed = Follow.objects.filter(follower=viewer).values("target_id")
    requested = FollowRequest.objects.filter(follower=viewer).values("target_id")
    blocked = Exists(
        Block.objects.filter(
            Q(account=viewer, target=OuterRef("pk")) | Q(account=OuterRef("pk"), target=viewer)
        )
    )
    candidates = (
        account_list_visible(viewer=None)
        .filter(discoverable=True)
        .exclude(pk=viewer.pk)
        .exclude(pk__in=followed)
        .exclude(pk__in=requested)
        .exclude(blocked)
        .annotate(
            mutuals=Count("inbound_follows", filter=Q(inbound_follows__follower_id__in=followed))
        )
        .order_by("-mutuals", "-followers_count", "-id")
    )
    return list(candidates[:limit])

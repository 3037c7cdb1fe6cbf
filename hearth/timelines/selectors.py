"""Timelines: pages of posts, each ready to show (PostView), newest first.

The home timeline comes from the feed store (feeds.py), so the feed engine can change how it is
stored; the others are thin passes over hearth.posts.selectors, which decide visibility. Every
page costs a constant number of queries, however long it is.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, prefetch_related_objects

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_list_visible
from hearth.core.compiled import CompiledQuery
from hearth.core.pagination import MAX_LIMIT, paginate
from hearth.graph.models import Block, Follow, FollowRequest
from hearth.graph.selectors import (
    muted_account_ids,
    relationships_stamp,
    reposts_hidden_account_ids,
)
from hearth.posts import selectors as posts
from hearth.posts.models import Bookmark, Favourite, Post
from hearth.posts.selectors import PostStamp, PostView
from hearth.timelines.feeds import Bounds, CursorValue, home_feed_ids, page_size

_Relation = TypeVar("_Relation", Bookmark, Favourite)

#: How many accounts the "who to follow" panel suggests.
SUGGESTIONS = 5
#: How long a member's ranked suggestions are reused before being ranked again.
SUGGESTIONS_CACHE_SECONDS = 15 * 60
#: ...and the list re-checked against the viewer's relationships, for this long at most.
SUGGESTIONS_CHECK_SECONDS = 60
#: How many of the viewer's follows (the most recent) feed the friends-of-friends count.
SUGGESTION_SAMPLE = 200
_LARGEST_ID = 2**63 - 1


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
    """The viewer's home: the people they follow and themselves, through the feed store.

    The feed gives ids only; loading them re-applies visibility, so a stale feed can't leak.
    Mutes are applied here, as they are now (a feed is written before they change): the page
    may then show fewer posts than asked for, and paging goes on from the feed's last id.
    """
    ids = home_feed_ids(viewer.pk, cursor.max_id, cursor.min_id, cursor.since_id, cursor.limit)
    views = _unmuted_views(viewer, hydrate_posts(viewer, posts.posts_by_ids(viewer, ids)))
    full = len(ids) == page_size(cursor.limit)
    return TimelinePage(
        items=views,
        next_max_id=ids[-1] if ids and full else None,
        prev_min_id=ids[0] if ids else None,
    )


@dataclass(frozen=True, slots=True)
class StampPage:
    """A home page as stamps (hearth.posts.selectors.PostStamp), for a cache of renderings."""

    items: list[PostStamp]
    next_max_id: int | None
    prev_min_id: int | None


def home_timeline_stamps(viewer: Account, cursor: Cursor = Cursor()) -> StampPage:  # noqa: B008
    """home_timeline's page (the same posts, the same mutes, the same cursors) as stamps:
    the feed's ids, posts_visible_to's one query (ids, versions, counters) and the viewer's
    flags; the caller renders the posts from its cache (hearth.api's home)."""
    ids = home_feed_ids(viewer.pk, cursor.max_id, cursor.min_id, cursor.since_id, cursor.limit)
    stamps = _unmuted_views(viewer, posts.visible_stamps(viewer, ids))
    full = len(ids) == page_size(cursor.limit)
    return StampPage(
        items=stamps,
        next_max_id=ids[-1] if ids and full else None,
        prev_min_id=ids[0] if ids else None,
    )


_Shown = TypeVar("_Shown", PostView, PostStamp)


def _unmuted_views(viewer: Account, views: list[_Shown]) -> list[_Shown]:
    """Without posts by accounts the viewer mutes, reposts of them, and reposts by accounts
    whose reposts the viewer hides. hydrate reports full mutes; the reposts-hidden list costs
    one query, and only for a page with reposts on it."""
    views = [v for v in views if not v.muted and not (v.reblog is not None and v.reblog.muted)]
    if not any(v.reblog is not None for v in views):
        return views
    hidden = reposts_hidden_account_ids(viewer=viewer)
    return [v for v in views if v.reblog is None or _author_id(v) not in hidden]


def _author_id(shown: PostView | PostStamp) -> int:
    return shown.post.author_id if isinstance(shown, PostView) else shown.author_id


def home_newer_count(viewer: Account, since_id: CursorValue) -> int:
    """How many posts arrived in the viewer's home since `since_id` (at most MAX_LIMIT; posts
    by muted accounts count too, so the button may promise one more than it shows)."""
    return len(home_feed_ids(viewer.pk, since_id=since_id, limit=MAX_LIMIT))


def local_timeline_stamps(
    viewer: Account | None,
    cursor: Cursor = Cursor(),  # noqa: B008
    *,
    only_media: bool = False,
) -> StampPage:
    """The public timeline: public posts from this server, without those by accounts the viewer
    mutes, as stamps for pages drawn from a cache of rendered posts."""
    rows = posts.public_posts(viewer, only_media=only_media)
    return _stamp_page(viewer, _unmuted(viewer, rows), cursor)


def hashtag_timeline_stamps(
    viewer: Account | None,
    name: str,
    cursor: Cursor = Cursor(),  # noqa: B008
    *,
    only_media: bool = False,
) -> StampPage:
    """Public posts tagged #name, without those by accounts the viewer mutes, as stamps for
    pages drawn from a cache of rendered posts."""
    rows = posts.hashtag_posts(viewer, name, only_media=only_media)
    return _stamp_page(viewer, _unmuted(viewer, rows), cursor)


def _stamp_page(viewer: Account | None, rows: QuerySet[Post], cursor: Cursor) -> StampPage:
    """_page's page as stamps: the page's ids (one query), then visible_stamps."""
    page = paginate(
        rows.select_related(None).only("id"),
        max_id=cursor.max_id,
        min_id=cursor.min_id,
        since_id=cursor.since_id,
        limit=cursor.limit,
    )
    return StampPage(
        items=posts.visible_stamps(viewer, [post.pk for post in page.items]),
        next_max_id=page.next_max_id,
        prev_min_id=page.prev_min_id,
    )


def bookmarks_timeline_stamps(viewer: Account, cursor: Cursor = Cursor()) -> StampPage:  # noqa: B008
    """The posts the viewer bookmarked, newest post first, as stamps for cached cards."""
    return _stamp_page(viewer, posts.bookmarked_posts(viewer), cursor)


def favourites_timeline_stamps(viewer: Account, cursor: Cursor = Cursor()) -> StampPage:  # noqa: B008
    """The posts the viewer liked, newest post first, as stamps for cached cards."""
    return _stamp_page(viewer, posts.favourited_posts(viewer), cursor)


def bookmarks_by_relation(viewer: Account, cursor: Cursor = Cursor()) -> TimelinePage:  # noqa: B008
    """The viewer's bookmarks, most recently bookmarked first, paged by the bookmark's id
    (Mastodon's /api/v1/bookmarks: the cursors are the bookmarks', not the posts')."""
    return _relation_page(viewer, posts.bookmarks_of(viewer), cursor)


def favourites_by_relation(viewer: Account, cursor: Cursor = Cursor()) -> TimelinePage:  # noqa: B008
    """The viewer's likes, most recently liked first, paged by the like's id."""
    return _relation_page(viewer, posts.favourites_of(viewer), cursor)


def _relation_page(viewer: Account, rows: QuerySet[_Relation], cursor: Cursor) -> TimelinePage:
    page = paginate(
        rows,
        max_id=cursor.max_id,
        min_id=cursor.min_id,
        since_id=cursor.since_id,
        limit=cursor.limit,
    )
    return TimelinePage(
        items=hydrate_posts(viewer, [row.post for row in page.items]),
        next_max_id=page.next_max_id,
        prev_min_id=page.prev_min_id,
    )


def profile_timeline(
    viewer: Account | None,
    account: Account,
    *,
    with_replies: bool = False,
    only_media: bool = False,
    with_reposts: bool = True,
    tagged: str | None = None,
    cursor: Cursor = Cursor(),  # noqa: B008
) -> TimelinePage:
    rows = posts.account_posts(
        viewer,
        account,
        with_replies=with_replies,
        only_media=only_media,
        with_reposts=with_reposts,
        tagged=tagged,
    )
    return _page(viewer, rows, cursor)


def profile_timeline_stamps(
    viewer: Account | None,
    account: Account,
    *,
    with_replies: bool = False,
    only_media: bool = False,
    with_reposts: bool = True,
    tagged: str | None = None,
    cursor: Cursor = Cursor(),  # noqa: B008
) -> StampPage:
    """profile_timeline's page (the same posts, the same cursors) as stamps, for pages drawn
    from a cache of rendered posts: the profile's Posts tabs and the API's account statuses.

    A profile is where a surge of visitors lands, so the page's ids come from a query built
    and compiled once per shape (hearth.core.compiled): the newest posts, or those below
    max_id. Other pages (min_id, since_id, tagged) build theirs each time."""
    bounds = Bounds.parse(cursor.max_id, cursor.min_id, cursor.since_id, cursor.limit)
    if tagged is None and bounds.lower is None:
        ids = _profile_page_ids(
            viewer,
            account,
            (with_replies, only_media, with_reposts),
            bounds.upper if bounds.upper is not None else _LARGEST_ID,
            bounds.size,
        )
        full = len(ids) == bounds.size
        return StampPage(
            items=posts.visible_stamps(viewer, ids),
            next_max_id=ids[-1] if ids and full else None,
            prev_min_id=ids[0] if ids else None,
        )
    rows = posts.account_posts(
        viewer,
        account,
        with_replies=with_replies,
        only_media=only_media,
        with_reposts=with_reposts,
        tagged=tagged,
    )
    return _stamp_page(viewer, rows, cursor)


#: profile_timeline_stamps' compiled queries, one per (visitor or not, tab, page size).
_PROFILE_IDS: dict[tuple[bool, tuple[bool, bool, bool], int], CompiledQuery] = {}


def _profile_page_ids(
    viewer: Account | None,
    account: Account,
    tab: tuple[bool, bool, bool],
    upper: int,
    size: int,
) -> list[int]:
    """The ids of account_posts' `size` newest posts below `upper`, newest first. Compiled
    with stand-in accounts, as visible_stamps' query is: the rules use only their ids."""
    with_replies, only_media, with_reposts = tab

    def build(*values: int) -> QuerySet[Any, tuple[Any, ...]]:
        *reader, account_id, below = values
        rows = posts.account_posts(
            Account(pk=reader[0]) if reader else None,
            Account(pk=account_id),
            with_replies=with_replies,
            only_media=only_media,
            with_reposts=with_reposts,
        )
        page: QuerySet[Any, tuple[Any, ...]] = (
            rows.select_related(None).filter(pk__lt=below).order_by("-id").values_list("id")
        )
        return page[:size]

    key = (viewer is None, tab, size)
    query = _PROFILE_IDS.get(key) or _PROFILE_IDS.setdefault(key, CompiledQuery(build))
    values = (account.pk, upper) if viewer is None else (viewer.pk, account.pk, upper)
    return [row[0] for row in query.rows(*values)]


def pinned(viewer: Account | None, account: Account) -> list[PostView]:
    """The posts `account` pinned that `viewer` may see, newest first: the pins' ids (most
    profiles have none, and then that is all), then the visible posts, hydrated."""
    ids = posts.pinned_post_ids(account)
    return hydrate_posts(viewer, posts.posts_by_ids(viewer, ids)) if ids else []


def pinned_timeline_stamps(
    viewer: Account | None,
    account: Account,
    cursor: Cursor = Cursor(),  # noqa: B008
) -> StampPage:
    """`pinned` as a page of stamps (the API's `pinned=true`), so following its links ends."""
    return _stamp_page(viewer, posts.pinned_posts(viewer, account), cursor)


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


# --- Who to follow ---------------------------------------------------------------------------


def who_to_follow(viewer: Account, *, limit: int = SUGGESTIONS) -> list[Account]:
    """Up to `limit` accounts to suggest: first those followed by the most people the viewer
    follows ("friends of friends"), then popular discoverable accounts by followers. Never the
    viewer, someone they follow or asked to follow, or anyone across a block.

    Ranking the candidates aggregates follows and took over a second per home page on the
    10,000-member bench dataset, so it runs at most once per SUGGESTIONS_CACHE_SECONDS per
    member and only over a bounded sample. The candidates are then re-checked against the
    viewer's current follows, requests and blocks (one query), and that list is cached too
    under the viewer's relationships stamp (hearth.graph.selectors): an account followed or
    blocked a moment ago drops out at once, and a page view in between costs no query. A
    suggested account suspended or made undiscoverable meanwhile may stay up to
    SUGGESTIONS_CHECK_SECONDS.
    """
    checked_key = f"who-to-follow:checked:{viewer.pk}:{limit}:{relationships_stamp(viewer.pk)}"
    checked: list[Account] | None = cache.get(checked_key)
    if checked is None:
        checked = _checked_suggestions(viewer, limit)
        cache.set(checked_key, checked, SUGGESTIONS_CHECK_SECONDS)
    return checked


def _checked_suggestions(viewer: Account, limit: int) -> list[Account]:
    key = f"who-to-follow:{viewer.pk}:{limit}"
    candidate_ids: list[int] | None = cache.get(key)
    if candidate_ids is None:
        candidate_ids = _suggestion_candidates(viewer, count=limit * 3)
        cache.set(key, candidate_ids, SUGGESTIONS_CACHE_SECONDS)
    if not candidate_ids:
        return []
    blocked = Exists(
        Block.objects.filter(
            Q(account=viewer, target=OuterRef("pk")) | Q(account=OuterRef("pk"), target=viewer)
        )
    )
    accounts = (
        account_list_visible(viewer=None)
        .filter(pk__in=candidate_ids, discoverable=True)
        .exclude(pk__in=Follow.objects.filter(follower=viewer).values("target_id"))
        .exclude(pk__in=FollowRequest.objects.filter(follower=viewer).values("target_id"))
        .exclude(blocked)
    )
    rank = {account_id: position for position, account_id in enumerate(candidate_ids)}
    return sorted(accounts, key=lambda account: rank[account.pk])[:limit]


def _suggestion_candidates(viewer: Account, *, count: int) -> list[int]:
    """Account ids worth suggesting, best first, before the per-view checks (three queries).

    Friends of friends are counted over the viewer's SUGGESTION_SAMPLE most recent follows
    only, so the cost is bounded whoever the viewer is.
    """
    sample = list(
        Follow.objects.filter(follower=viewer)
        .order_by("-id")
        .values_list("target_id", flat=True)[:SUGGESTION_SAMPLE]
    )
    exclude = {viewer.pk, *sample}
    friends_of_friends = [
        row["target_id"]
        for row in Follow.objects.filter(follower_id__in=sample)
        .exclude(target_id__in=exclude)
        .values("target_id")
        .annotate(mutuals=Count("id"))
        .order_by("-mutuals", "-target_id")[:count]
    ]
    popular = (
        account_list_visible(viewer=None)
        .filter(discoverable=True)
        .exclude(pk__in=exclude)
        .order_by("-followers_count", "-id")
        .values_list("pk", flat=True)[:count]
    )
    ranked = list(dict.fromkeys([*friends_of_friends, *popular]))
    return ranked[:count]

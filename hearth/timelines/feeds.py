"""Where a home feed's post ids come from: the one seam the feed engine will swap.

Everything above (selectors, views, the API) asks a `FeedStore` for a page of post ids and then
loads and hydrates those posts through hearth.posts.selectors, which re-checks visibility. A
store only has to answer "which ids, newest first"; it is never trusted to decide who may see a
post.

Today's store, `PullFeedStore`, computes the feed when it is read: one query over the posts of
the accounts the reader follows (plus their own), through `posts_visible_to`. It needs no
writes, so `push` and `remove` do nothing. A push store (per-account lists filled on post
creation from the posts signals, e.g. in Redis) can replace it behind `get_feed_store()`
without touching any caller.
"""

from collections.abc import Sequence
from typing import Protocol

from django.db.models import F, Q, QuerySet

from hearth.accounts.models import Account
from hearth.core.pagination import paginate
from hearth.graph.models import Follow
from hearth.graph.selectors import muted_account_ids, reposts_hidden_account_ids
from hearth.posts.models import Post
from hearth.posts.selectors import posts_visible_to

CursorValue = int | str | None


class FeedStore(Protocol):
    """A home feed per account, as post ids ordered newest first."""

    def push(self, account_ids: Sequence[int], post_id: int) -> None:
        """Add `post_id` to these accounts' feeds (a new post by someone they follow)."""

    def remove(self, post_id: int) -> None:
        """Take `post_id` out of every feed (deleted, or no longer visible)."""

    def read_page(
        self,
        account_id: int,
        max_id: CursorValue = None,
        min_id: CursorValue = None,
        since_id: CursorValue = None,
        limit: CursorValue = None,
    ) -> list[int]:
        """One page of `account_id`'s feed, newest first, with hearth.core.pagination's
        Mastodon semantics for the cursors (junk cursors are ignored)."""
        ...


class PullFeedStore:
    """Reads the feed from the posts table each time; nothing to store, so nothing to push.

    Posts by the accounts the reader follows and by the reader, visible to the reader, minus:
    posts and reposts by accounts the reader mutes, reposts of muted accounts' posts, reposts by
    accounts whose reposts the reader hides (a reposts-only mute, or a follow with reposts
    off), and replies to people the reader doesn't follow (as on Mastodon: half a conversation
    with a stranger is noise). Two small queries for the reader's mutes, one for the page.
    """

    def push(self, account_ids: Sequence[int], post_id: int) -> None:
        return None

    def remove(self, post_id: int) -> None:
        return None

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

    def feed(self, account_id: int) -> QuerySet[Post]:
        # Only the key of `reader` is used: posts_visible_to puts it in its filters. Loading
        # the row would cost a query for nothing.
        reader = Account(pk=account_id)
        muted = muted_account_ids(viewer=reader)
        reposts_hidden = reposts_hidden_account_ids(viewer=reader)
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
        if muted:
            posts = posts.exclude(author_id__in=muted).exclude(reblog_of__author_id__in=muted)
        if reposts_hidden:
            posts = posts.exclude(reblog_of__isnull=False, author_id__in=reposts_hidden)
        return posts


_store: FeedStore = PullFeedStore()


def get_feed_store() -> FeedStore:
    """The feed store in use. One place to choose another (by setting, once there are two)."""
    return _store

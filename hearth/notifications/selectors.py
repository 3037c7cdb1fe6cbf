"""Reads of notifications: the member's grouped list and the unread count.

A notification shows only while it still makes sense to the recipient (checked on every read,
since any of it can change after the notification is made):

- its actor is visible (not scheduled for deletion, not suspended);
- no block stands between the recipient and the actor, either way;
- the recipient does not mute the actor with notifications hidden;
- the recipient can still see its post (hearth.posts.selectors.posts_visible_to), so a
  deleted post or one whose audience changed takes its notifications with it;
- a like or repost still stands (posts sends no signal when one is taken back: the row stays
  and is hidden from here, and shows again if the like is made again);
- a follow request is still pending.

Every rule is an EXISTS subquery on the one query, so the list and the count cost the same
number of queries whatever the page holds.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_list_visible
from hearth.graph.models import Block, FollowRequest, Mute
from hearth.notifications.models import Notification, NotificationMarker, NotificationType
from hearth.posts.models import Favourite, Post
from hearth.posts.selectors import PostView, hydrate, posts_visible_to

#: Groups on one page of the list.
PAGE_GROUPS = 20
#: Notifications read for one page: grouping works within this window, so a much-liked post
#: can show as a group on more than one page, but a page never reads an unbounded history.
PAGE_WINDOW = 80
#: The unread count stops at this many (shown as "99+"), so it reads at most this many rows.
UNREAD_CAP = 100
#: Kinds shown as one entry per post ("Ana and 3 others liked your post").
GROUPED_TYPES = frozenset({NotificationType.FAVOURITE, NotificationType.REBLOG})
#: The "Mentions" tab.
MENTION_TYPES = (NotificationType.MENTION, NotificationType.REPLY)
#: How many actors a group shows pictures of.
SHOWN_ACTORS = 3


@dataclass(frozen=True, slots=True)
class NotificationGroup:
    """One entry in the list: a single notification, or every like (or repost) of one post
    within the page, newest first."""

    type: str
    notifications: tuple[Notification, ...]
    #: The post it is about, hydrated for the viewer; None for follows and requests.
    post: PostView | None
    #: At least one of its notifications arrived after the viewer last read them.
    unread: bool

    @property
    def latest(self) -> Notification:
        return self.notifications[0]

    @property
    def actors(self) -> tuple[Account, ...]:
        """The newest actors, as many as the list shows pictures of."""
        return tuple(n.actor for n in self.notifications[:SHOWN_ACTORS])

    @property
    def actors_count(self) -> int:
        return len(self.notifications)

    @property
    def others_count(self) -> int:
        """Actors beyond the first, for "Ana and 2 others"."""
        return len(self.notifications) - 1


@dataclass(frozen=True, slots=True)
class NotificationPage:
    groups: list[NotificationGroup]
    #: Pass as `before` for the next, older page; None on the last page.
    next_before: int | None


@dataclass
class _Building:
    rows: list[Notification] = field(default_factory=list)


def notifications_shown(viewer: Account) -> QuerySet[Notification]:
    """The viewer's notifications that still show (the rules above), in no particular order."""
    actor = OuterRef("actor_id")
    actor_shown = Exists(account_list_visible(viewer=None).filter(pk=actor))
    blocked = Exists(
        Block.objects.filter(Q(account=viewer, target=actor) | Q(account=actor, target=viewer))
    )
    muted = Exists(Mute.objects.filter(account=viewer, target=actor, hide_notifications=True))
    post_seen = Exists(posts_visible_to(viewer).filter(pk=OuterRef("post_id")))
    still_liked = Exists(Favourite.objects.filter(account=actor, post=OuterRef("post_id")))
    still_reposted = Exists(Post.objects.filter(author=actor, reblog_of=OuterRef("post_id")))
    still_asking = Exists(FollowRequest.objects.filter(follower=actor, target=viewer))
    return Notification.objects.filter(
        Q(actor_shown),
        ~Q(blocked),
        ~Q(muted),
        Q(post__isnull=True) | Q(post_seen),
        ~Q(type=NotificationType.FAVOURITE) | Q(still_liked),
        ~Q(type=NotificationType.REBLOG) | Q(still_reposted),
        ~Q(type=NotificationType.FOLLOW_REQUEST) | Q(still_asking),
        recipient=viewer,
    )


@dataclass(frozen=True, slots=True)
class NotificationFilter:
    """Which of the shown notifications a list or count takes (the client API's filters)."""

    #: Only these kinds (NotificationType values); None for every kind.
    kinds: frozenset[str] | None = None
    #: None of these kinds.
    exclude_kinds: frozenset[str] = frozenset()
    #: Only those caused by this account.
    actor_id: int | None = None
    #: Messages from the moderators only when about an action against the member (what the
    #: client API can show: Mastodon's `moderation_warning`).
    moderation_actions_only: bool = False

    def apply(self, rows: QuerySet[Notification]) -> QuerySet[Notification]:
        if self.moderation_actions_only:
            rows = rows.exclude(type=NotificationType.MODERATION, moderation_action_id__isnull=True)
        if self.kinds is not None:
            rows = rows.filter(type__in=self.kinds)
        if self.exclude_kinds:
            rows = rows.exclude(type__in=self.exclude_kinds)
        if self.actor_id is not None:
            rows = rows.filter(actor_id=self.actor_id)
        return rows


def notifications_ungrouped(
    viewer: Account, only: NotificationFilter | None = None
) -> QuerySet[Notification]:
    """The viewer's notifications one by one (the client API's v1 list), newest first, by
    exactly the rules of notifications_shown, with actors and posts loaded. Lazy: paginate it,
    then pass the page to `notification_posts`."""
    rows = notifications_shown(viewer).select_related(
        "actor", "post", "post__author", "post__reblog_of", "post__reblog_of__author"
    )
    if only is not None:
        rows = only.apply(rows)
    return rows.order_by("-id")


def notification_posts(
    viewer: Account, notifications: Sequence[Notification]
) -> dict[int, PostView]:
    """{post id: its view} for the posts these notifications are about, hydrated together
    (hydrate's three or four queries, however many notifications)."""
    return _post_views(viewer, [n.post for n in notifications if n.post is not None])


def access_notification(viewer: Account, notification_id: int | str) -> Notification:
    """The viewer's notification with this id while it still shows; Http404 for another
    member's, a hidden one, a missing one or an id that is not a number."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise Http404("No such notification.") from None
    found = notifications_ungrouped(viewer).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise Http404("No such notification.")
    return found


def _last_read_id(viewer: Account) -> Coalesce:
    marker = NotificationMarker.objects.filter(account=viewer).values("last_read_id")[:1]
    return Coalesce(Subquery(marker), Value(0))


def notifications_for(
    *, viewer: Account, before: int | None = None, mentions_only: bool = False
) -> NotificationPage:
    """One page of the viewer's notifications, newest first, likes and reposts of one post
    grouped. Four queries: the notifications (with actors, posts and the read marker), then
    hydrate's three for the posts."""
    rows = (
        notifications_shown(viewer)
        .annotate(last_read_id=_last_read_id(viewer))
        .select_related(
            "actor", "post", "post__author", "post__reblog_of", "post__reblog_of__author"
        )
        .order_by("-id")
    )
    if mentions_only:
        rows = rows.filter(type__in=MENTION_TYPES)
    if before is not None:
        rows = rows.filter(id__lt=before)
    window = list(rows[:PAGE_WINDOW])
    built, last_used_id, cut = _group(window)
    views = _post_views(viewer, [b.rows[0].post for b in built if b.rows[0].post is not None])
    groups = [
        NotificationGroup(
            type=b.rows[0].type,
            notifications=tuple(b.rows),
            post=views.get(b.rows[0].post_id) if b.rows[0].post_id is not None else None,
            unread=any(row.pk > row.last_read_id for row in b.rows),  # type: ignore[attr-defined]  # annotated above
        )
        for b in built
    ]
    more = cut or len(window) == PAGE_WINDOW
    return NotificationPage(groups=groups, next_before=last_used_id if more else None)


def _group(window: Sequence[Notification]) -> tuple[list[_Building], int | None, bool]:
    """Walk the window newest first, gathering likes and reposts of one post into one group,
    until PAGE_GROUPS groups are full. Returns the groups, the id of the last notification
    used (the next page starts below it) and whether the walk stopped early."""
    groups: list[_Building] = []
    by_key: dict[tuple[str, int | None], _Building] = {}
    last_used_id: int | None = None
    for row in window:
        key = (row.type, row.post_id) if row.type in GROUPED_TYPES else ("single", row.pk)
        group = by_key.get(key)
        if group is None:
            if len(groups) == PAGE_GROUPS:
                return groups, last_used_id, True
            group = by_key[key] = _Building()
            groups.append(group)
        group.rows.append(row)
        last_used_id = row.pk
    return groups, last_used_id, False


def _post_views(viewer: Account, posts: Sequence[Post]) -> dict[int, PostView]:
    unique = list({post.pk: post for post in posts}.values())
    return {view.post.pk: view for view in hydrate(viewer, unique)}


def unread_count(*, account: Account, only: NotificationFilter | None = None) -> int:
    """How many of the account's notifications arrived since it last read them, up to
    UNREAD_CAP (show that as "99+"). One query: a range scan of the (recipient, id) index above
    the marker, stopping after UNREAD_CAP rows, each checked by the same rules as the list.
    `only` narrows what is counted (the client API's filters)."""
    rows = notifications_shown(account).filter(id__gt=_last_read_id(account))
    if only is not None:
        rows = only.apply(rows)
    return rows.order_by()[:UNREAD_CAP].count()


#: How long the header's unread badge may be served from the cache. Every change to an
#: account's notifications (hearth.notifications.services) forgets its count at once; this
#: only bounds what the cache can't hear about: a block, a mute or a suspension that hides
#: notifications already made.
UNREAD_BADGE_SECONDS = 30


def unread_badge_key(account_id: int) -> str:
    return f"notifications:unread:{account_id}"


def unread_badge_count(*, account: Account) -> int:
    """unread_count for the badge every page's header shows, from the cache when it can be:
    the count's query checks each notification's visibility and costs PostgreSQL several
    milliseconds to plan, on every page view otherwise."""
    key = unread_badge_key(account.pk)
    count = cache.get(key)
    if count is None:
        count = unread_count(account=account)
        cache.set(key, count, UNREAD_BADGE_SECONDS)
    return int(count)

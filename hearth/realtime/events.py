"""The streaming API's streams and events, and what one viewer is shown of each event.

Event names mirror Mastodon's (`update`, `delete`, `notification`, `status.update`,
`conversation`); stream names too (`user`, `public:local`, `hashtag`, ...). Messages on the
channel layer carry ids only; `render_*` re-read the object *as the subscriber's viewer* through
the same selectors the timelines use, so a stream never shows what the matching timeline would
not (followers-only posts to non-followers, blocked or muted accounts, direct posts to others).
These run in a worker thread (database_sync_to_async) and cost one or two queries, plus
hydration when the event is shown.
"""

import json
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet
from django.http import Http404

from hearth.accounts.models import Account
from hearth.api.auth import Caller, scope_allows
from hearth.api.schemas.common import Context
from hearth.api.schemas.conversation import conversation_out
from hearth.api.schemas.notification import API_KINDS, notification_out
from hearth.api.schemas.status import status_out
from hearth.api.v1.lookups import parse_id
from hearth.graph.models import Follow
from hearth.graph.selectors import is_blocked_between
from hearth.media.selectors import has_media
from hearth.messaging.selectors import conversation_views, conversations_for
from hearth.notifications.selectors import notification_posts, notifications_ungrouped
from hearth.posts import selectors as posts
from hearth.posts.models import Post
from hearth.realtime import groups
from hearth.timelines.feeds import PullFeedStore
from hearth.timelines.lists import access_list, list_members, list_posts
from hearth.timelines.selectors import hydrate_posts

# Events (Mastodon's names).
UPDATE = "update"
DELETE = "delete"
NOTIFICATION = "notification"
STATUS_UPDATE = "status.update"
CONVERSATION = "conversation"

# Which group a post event came through, so each consumer knows which of its streams it is for.
VIA_AUTHOR = "author"
VIA_PUBLIC = "public"
VIA_TAG = "tag"
VIA_DELETES = "deletes"

USER = "user"
USER_NOTIFICATION = "user:notification"
DIRECT = "direct"
HASHTAG = "hashtag"
HASHTAG_LOCAL = "hashtag:local"
LIST = "list"
PUBLIC_STREAMS = frozenset(
    {
        "public",
        "public:local",
        "public:remote",
        "public:media",
        "public:local:media",
        "public:remote:media",
    }
)
HASHTAG_STREAMS = frozenset({HASHTAG, HASHTAG_LOCAL})
STREAMS = frozenset({USER, USER_NOTIFICATION, DIRECT, LIST, *PUBLIC_STREAMS, *HASHTAG_STREAMS})
#: The SSE paths under /api/v1/streaming/ and the stream each serves.
SSE_PATHS = {
    "user": USER,
    "user/notification": USER_NOTIFICATION,
    "public": "public",
    "public/local": "public:local",
    "public/remote": "public:remote",
    "hashtag": HASHTAG,
    "hashtag/local": HASHTAG_LOCAL,
    "list": LIST,
    "direct": DIRECT,
}
#: Scopes that may open a stream (any one of them).
STREAM_SCOPES = ("read", "read:statuses", "read:notifications")


NOT_YOUR_LIST = "Not authorized to stream this list"


class StreamError(Exception):
    """A subscription Mastodon would refuse: the message and HTTP-like status it sends."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Subscription:
    stream: str
    tag: str = ""
    list_id: int | None = None

    @property
    def name(self) -> list[str]:
        """The `stream` field of WebSocket messages: masto.js matches events by it."""
        if self.stream in HASHTAG_STREAMS:
            return [self.stream, self.tag]
        if self.stream == LIST:
            return [self.stream, str(self.list_id)]
        return [self.stream]

    def static_groups(self, viewer_id: int) -> set[str]:
        """Groups to join, except the followed authors' (the consumer tracks those)."""
        if self.stream == USER:
            return {groups.account(viewer_id), groups.author(viewer_id)}
        if self.stream in (USER_NOTIFICATION, DIRECT):
            return {groups.account(viewer_id)}
        if self.stream in PUBLIC_STREAMS:
            return {groups.PUBLIC, groups.DELETES}
        if self.stream in HASHTAG_STREAMS:
            return {groups.hashtag(self.tag), groups.DELETES}
        return set()


def subscription(stream: str, *, tag: str = "", list_id: str = "") -> Subscription:
    """A subscription from a client's parameters; StreamError as Mastodon words it."""
    if stream not in STREAMS:
        raise StreamError("Unknown stream type")
    if stream in HASHTAG_STREAMS:
        tag = tag.strip().removeprefix("#")
        if not tag:
            raise StreamError("No tag for stream provided")
        return Subscription(stream, tag=tag)
    if stream == LIST:
        number = parse_id(list_id)
        if number is None:
            raise StreamError(NOT_YOUR_LIST, 401)
        return Subscription(stream, list_id=number)
    return Subscription(stream)


def list_member_ids(viewer_id: int, list_id: int) -> set[int]:
    """The accounts on the viewer's list `list_id`; StreamError when it is not theirs (or
    gone), as Mastodon answers for someone else's list. Membership is read when the stream
    is subscribed: accounts added later show up on the next subscription."""
    try:
        list_ = access_list(owner=Account(pk=viewer_id), list_id=list_id)
    except Http404:
        raise StreamError(NOT_YOUR_LIST, 401) from None
    return set(list_members(list_=list_).values_list("pk", flat=True))


def can_open(caller: Caller) -> bool:
    return caller.account is not None and any(
        scope_allows(caller.scopes, need) for need in STREAM_SCOPES
    )


def following_ids(viewer_id: int) -> set[int]:
    return set(Follow.objects.filter(follower_id=viewer_id).values_list("target_id", flat=True))


# --- Rendering, per viewer ----------------------------------------------------------------------


def _stream_posts(viewer: Account, sub: Subscription) -> QuerySet[Post] | None:
    """The timeline `sub` streams, as a query of what `viewer` may see in it."""
    if sub.stream == USER:
        return PullFeedStore().feed(viewer.pk)  # the home feed's rules: follows, replies, mutes
    if sub.stream in HASHTAG_STREAMS:
        return posts.hashtag_posts(viewer, sub.tag)
    if sub.stream == LIST:
        try:
            list_ = access_list(owner=viewer, list_id=sub.list_id)
        except Http404:  # deleted since the subscription
            return None
        return list_posts(viewer, list_)
    if sub.stream in PUBLIC_STREAMS:
        if "remote" in sub.stream:
            return None  # no federation: nothing is remote
        found = posts.public_posts(viewer)
        if sub.stream.endswith(":media"):
            found = found.filter(has_media(OuterRef("pk")))
        return found
    return None


def render_post(
    caller: Caller, ctx: Context, subs: list[Subscription], post_id: int
) -> list[tuple[Subscription, str]]:
    """The Status JSON of `post_id` for each of `subs` whose timeline shows it to the viewer."""
    viewer = caller.account
    if viewer is None or not scope_allows(caller.scopes, "read:statuses"):
        return []
    shown: list[Subscription] = []
    loaded: Post | None = None
    for sub in subs:
        found = _stream_posts(viewer, sub)
        if found is None:
            continue
        post = found.select_related(*posts.POST_RELATED).filter(pk=post_id).first()
        if post is not None:
            shown.append(sub)
            loaded = post
    if loaded is None:
        return []
    view = hydrate_posts(viewer, [loaded])[0]
    if view.muted or (view.reblog is not None and view.reblog.muted):
        return []
    payload = json.dumps(status_out(view, ctx).model_dump(mode="json"), ensure_ascii=False)
    return [(sub, payload) for sub in shown]


def delete_allowed(caller: Caller, author_id: int) -> bool:
    """A delete on a public stream: not across a block (it names only an id, but still)."""
    viewer = caller.account
    return viewer is not None and not is_blocked_between(a_id=viewer.pk, b_id=author_id)


def render_notification(caller: Caller, ctx: Context, notification_id: int) -> str | None:
    """The Notification JSON, if it still shows to the viewer (blocks, mutes, visibility)."""
    viewer = caller.account
    if viewer is None or not scope_allows(caller.scopes, "read:notifications"):
        return None
    notification = (
        notifications_ungrouped(viewer).filter(pk=notification_id, type__in=API_KINDS).first()
    )
    if notification is None:
        return None
    views = notification_posts(viewer, [notification])
    view = views.get(notification.post_id) if notification.post_id else None
    out = notification_out(notification, view, ctx)
    return json.dumps(out.model_dump(mode="json"), ensure_ascii=False)


def render_conversation(caller: Caller, ctx: Context, conversation_id: int) -> str | None:
    """The Conversation as /api/v1/conversations shows it to the viewer (hearth.messaging's
    selectors and the API's serializer), if it still shows (not hidden, newest message
    visible)."""
    viewer = caller.account
    if viewer is None or not scope_allows(caller.scopes, "read:statuses"):
        return None
    member = conversations_for(viewer).filter(conversation_id=conversation_id).first()
    if member is None:
        return None
    view = conversation_views(viewer, [member])[0]
    return json.dumps(
        conversation_out(view, viewer, ctx).model_dump(mode="json"), ensure_ascii=False
    )

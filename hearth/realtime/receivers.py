"""Receivers turning domain signals into stream events (connected by RealtimeConfig.ready()).

They run on commit (the signals are sent then) and only publish small messages of ids to the
groups of the event's *sources* (groups.py); each consumer re-reads and re-checks what it may
show to its own viewer (events.py). When nobody can be listening (embedded layer, no stream
open in this process) they return before touching the database.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models.signals import post_delete
from oauth2_provider.models import AccessToken

from hearth.accounts.models.user import Visibility
from hearth.graph import signals as graph_signals
from hearth.messaging import signals as messaging_signals
from hearth.notifications import signals as notifications_signals
from hearth.posts import signals as posts_signals
from hearth.posts.models import Post
from hearth.posts.models.post_hashtag import PostHashtag
from hearth.realtime import groups
from hearth.realtime.events import (
    CONVERSATION,
    DELETE,
    STATUS_UPDATE,
    UPDATE,
    VIA_AUTHOR,
    VIA_DELETES,
    VIA_PUBLIC,
    VIA_TAG,
)
from hearth.realtime.publish import listening, publish, publish_many

_UID = "hearth.realtime"


def connect() -> None:
    posts_signals.post_created.connect(on_post_created, dispatch_uid=f"{_UID}.post_created")
    posts_signals.reblogged.connect(on_reblogged, dispatch_uid=f"{_UID}.reblogged")
    posts_signals.post_edited.connect(on_post_edited, dispatch_uid=f"{_UID}.post_edited")
    posts_signals.post_deleted.connect(on_post_deleted, dispatch_uid=f"{_UID}.post_deleted")
    messaging_signals.conversation_updated.connect(
        on_conversation_updated, dispatch_uid=f"{_UID}.conversation_updated"
    )
    notifications_signals.notification_created.connect(
        on_notification_created, dispatch_uid=f"{_UID}.notification_created"
    )
    graph_signals.followed.connect(on_followed, dispatch_uid=f"{_UID}.followed")
    graph_signals.unfollowed.connect(on_unfollowed, dispatch_uid=f"{_UID}.unfollowed")
    post_delete.connect(on_token_deleted, sender=AccessToken, dispatch_uid=f"{_UID}.token")


def on_post_created(
    sender: Any,
    *,
    post_id: int,
    author_id: int | None = None,
    visibility: str | None = None,
    hashtags: Sequence[str] | None = None,
    **kwargs: Any,
) -> None:
    if author_id is None or visibility is None or hashtags is None:
        _post_event(UPDATE, post_id)  # sent with the id only (a held post approved): read it
    elif listening():
        public = visibility == Visibility.PUBLIC  # post_created is never sent for a repost
        publish_many(_post_events(UPDATE, post_id, author_id, public=public, tags=hashtags))


def on_reblogged(sender: Any, *, reblog_id: int, account_id: int, **kwargs: Any) -> None:
    # A repost reaches its reposter's followers' home streams only (never public ones).
    if listening():
        publish(
            [groups.author(account_id)], _post_message(UPDATE, reblog_id, account_id, VIA_AUTHOR)
        )


def on_post_edited(sender: Any, *, post_id: int, **kwargs: Any) -> None:
    _post_event(STATUS_UPDATE, post_id)


def on_post_deleted(sender: Any, *, post_id: int, author_id: int, **kwargs: Any) -> None:
    if not listening():
        return
    publish_many(
        [
            ([groups.author(author_id)], _post_message(DELETE, post_id, author_id, VIA_AUTHOR)),
            ([groups.DELETES], _post_message(DELETE, post_id, author_id, VIA_DELETES)),
        ]
    )


def on_notification_created(
    sender: Any, *, notification_id: int, recipient_id: int, **kwargs: Any
) -> None:
    publish(
        [groups.account(recipient_id)],
        {"type": "notification.event", "notification_id": notification_id},
    )


def on_followed(sender: Any, *, follower_id: int, target_id: int, **kwargs: Any) -> None:
    publish(
        [groups.account(follower_id)],
        {"type": "follows.changed", "target_id": target_id, "following": True},
    )


def on_unfollowed(sender: Any, *, follower_id: int, target_id: int, **kwargs: Any) -> None:
    publish(
        [groups.account(follower_id)],
        {"type": "follows.changed", "target_id": target_id, "following": False},
    )


def on_token_deleted(sender: Any, *, instance: AccessToken, **kwargs: Any) -> None:
    """A revoked token (POST /oauth/revoke, /settings/apps) closes its open streams now; the
    consumers' periodic re-check catches the rest (expiry, a suspended member)."""
    publish([groups.token(instance.pk)], {"type": "token.revoked"})


def on_conversation_updated(
    sender: Any, *, conversation_id: int, account_ids: list[int], **kwargs: Any
) -> None:
    """A direct post filed in a conversation (hearth.messaging): each participant's `direct`
    stream gets the Conversation, with the id /api/v1/conversations uses."""
    publish(
        [groups.account(pk) for pk in account_ids],
        {"type": "conversation.event", "event": CONVERSATION, "conversation_id": conversation_id},
    )


def _post_event(event: str, post_id: int) -> None:
    if not listening():
        return
    row = Post.objects.filter(pk=post_id).values("author_id", "visibility", "reblog_of_id").first()
    if row is None:
        return
    public = row["visibility"] == Visibility.PUBLIC and row["reblog_of_id"] is None
    tags: Iterable[str] = ()
    if public:
        tags = PostHashtag.objects.filter(post_id=post_id).values_list("hashtag__name", flat=True)
    publish_many(_post_events(event, post_id, row["author_id"], public=public, tags=tags))


def _post_events(
    event: str, post_id: int, author_id: int, *, public: bool, tags: Iterable[str]
) -> list[tuple[list[str], dict[str, Any]]]:
    """A post's event for each group it reaches: its author's; a public post's also the public
    and its hashtags' groups. Published together, in one hand-off (publish_many)."""
    events = [([groups.author(author_id)], _post_message(event, post_id, author_id, VIA_AUTHOR))]
    if public:
        # Consumers apply the public and hashtag timelines' own rules (replies, blocks, mutes).
        events.append(([groups.PUBLIC], _post_message(event, post_id, author_id, VIA_PUBLIC)))
        events.extend(
            ([groups.hashtag(name)], _post_message(event, post_id, author_id, VIA_TAG, tag=name))
            for name in tags
        )
    return events


def _post_message(
    event: str, post_id: int, author_id: int, via: str, *, tag: str = ""
) -> dict[str, Any]:
    return {
        "type": "post.event",
        "event": event,
        "post_id": post_id,
        "author_id": author_id,
        "via": via,
        "tag": tag,
    }

"""Receivers turning domain signals into stream events (connected by RealtimeConfig.ready()).

They run on commit (the signals are sent then) and only publish small messages of ids to the
groups of the event's *sources* (groups.py); each consumer re-reads and re-checks what it may
show to its own viewer (events.py). When nobody can be listening (embedded layer, no stream
open in this process) they return before touching the database.
"""

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
from hearth.realtime.publish import listening, publish

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


def on_post_created(sender: Any, *, post_id: int, **kwargs: Any) -> None:
    _post_event(UPDATE, post_id)


def on_reblogged(sender: Any, *, reblog_id: int, account_id: int, **kwargs: Any) -> None:
    # A repost reaches its reposter's followers' home streams only (never public ones).
    if listening():
        _publish_post(UPDATE, reblog_id, account_id, VIA_AUTHOR, [groups.author(account_id)])


def on_post_edited(sender: Any, *, post_id: int, **kwargs: Any) -> None:
    _post_event(STATUS_UPDATE, post_id)


def on_post_deleted(sender: Any, *, post_id: int, author_id: int, **kwargs: Any) -> None:
    if not listening():
        return
    _publish_post(DELETE, post_id, author_id, VIA_AUTHOR, [groups.author(author_id)])
    _publish_post(DELETE, post_id, author_id, VIA_DELETES, [groups.DELETES])


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
    row = (
        Post.objects.filter(pk=post_id)
        .values("author_id", "visibility", "reblog_of_id", "in_reply_to_account_id")
        .first()
    )
    if row is None:
        return
    author_id: int = row["author_id"]
    _publish_post(event, post_id, author_id, VIA_AUTHOR, [groups.author(author_id)])
    if row["visibility"] != Visibility.PUBLIC or row["reblog_of_id"] is not None:
        return
    # Consumers apply the public and hashtag timelines' own rules (replies, blocks, mutes).
    _publish_post(event, post_id, author_id, VIA_PUBLIC, [groups.PUBLIC])
    tags = PostHashtag.objects.filter(post_id=post_id).values_list("hashtag__name", flat=True)
    for name in tags:
        _publish_post(event, post_id, author_id, VIA_TAG, [groups.hashtag(name)], tag=name)


def _publish_post(
    event: str,
    post_id: int,
    author_id: int,
    via: str,
    to: list[str],
    *,
    tag: str = "",
) -> None:
    publish(
        to,
        {
            "type": "post.event",
            "event": event,
            "post_id": post_id,
            "author_id": author_id,
            "via": via,
            "tag": tag,
        },
    )

"""Writes to conversations: kept up from the posts signals (through tasks.py), and the
member's own changes (read, hide, reply).

A conversation is the direct posts among one set of people: the author and the accounts the
post mentions. Each participant has a ConversationMember row, updated only with posts that
participant may see (hearth.posts.selectors decides), so someone who blocks the author is not
brought back into the conversation by the author's next message.

Conversations start when this app is deployed: direct posts written before it are not
gathered (a data migration can't use the visibility selectors, and old direct posts stay
readable where they always were).
"""

import hashlib
import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import Exists, Max, OuterRef

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.accounts.selectors import account_list_visible
from hearth.messaging import signals
from hearth.messaging.models import Conversation, ConversationMember, ConversationPost
from hearth.messaging.selectors import access_conversation
from hearth.posts import services as posts_services
from hearth.posts.models import Mention, Post
from hearth.posts.selectors import can_see, posts_visible_to
from hearth.posts.text import render

logger = logging.getLogger(__name__)


def participants_key(account_ids: Iterable[int]) -> str:
    joined = ",".join(str(pk) for pk in sorted(set(account_ids)))
    return hashlib.sha256(joined.encode()).hexdigest()


# --- From the posts signals ------------------------------------------------------------------


@transaction.atomic
def conversation_record_post(*, post_id: int) -> Conversation | None:
    """File a new direct post in its conversation (made on first use) and update each
    participant who may see it: newest message, unread for all but the author, shown again
    if hidden. Idempotent: a re-run finds the rows the first made and marks nothing unread
    again. Returns the conversation, or None when the post is not a direct post."""
    post = Post.objects.filter(pk=post_id, visibility=Visibility.DIRECT).first()
    if post is None or post.reblog_of_id is not None:
        return None
    ids = {post.author_id, *Mention.objects.filter(post=post).values_list("account_id", flat=True)}
    conversation, _ = Conversation.objects.get_or_create(participants_key=participants_key(ids))
    ConversationPost.objects.get_or_create(post=post, defaults={"conversation": conversation})
    receivers = [
        account.pk for account in Account.objects.filter(pk__in=ids) if can_see(account, post)
    ]
    for account_id in receivers:
        _member_receives(conversation=conversation, account_id=account_id, post=post)
    transaction.on_commit(partial(_announce, conversation.pk, post.pk, receivers))
    return conversation


def _announce(conversation_id: int, post_id: int, account_ids: list[int]) -> None:
    # Committed by now: a failing receiver (a stream) is logged, never raised.
    results = signals.conversation_updated.send_robust(
        sender=Conversation,
        conversation_id=conversation_id,
        post_id=post_id,
        account_ids=account_ids,
    )
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error("conversation_updated receiver %r failed", receiver, exc_info=result)


def _member_receives(*, conversation: Conversation, account_id: int, post: Post) -> None:
    member, _ = ConversationMember.objects.select_for_update().get_or_create(
        conversation=conversation, account_id=account_id
    )
    if member.last_status_id is not None and member.last_status_id >= post.pk:
        return  # already filed (a re-run), or an older post arriving late
    member.last_status_id = post.pk
    member.unread = account_id != post.author_id
    member.hidden = False
    member.save(update_fields=["last_status_id", "unread", "hidden", "updated_at"])


@transaction.atomic
def conversation_forget_post(*, post_id: int) -> None:
    """After a post is deleted (its ConversationPost went with it): each member whose newest
    message it was falls back to the newest one they may still see, or leaves the
    conversation if none is left; a conversation without posts is deleted."""
    members = list(
        ConversationMember.objects.filter(last_status_id=post_id).select_related("account")
    )
    for member in members:
        in_conversation = ConversationPost.objects.filter(conversation_id=member.conversation_id)
        newest = (
            posts_visible_to(member.account)
            .filter(pk__in=in_conversation.values("post_id"))
            .aggregate(newest=Max("pk"))["newest"]
        )
        if newest is None:
            member.delete()
        else:
            ConversationMember.objects.filter(pk=member.pk).update(last_status_id=newest)
    touched = {member.conversation_id for member in members}
    Conversation.objects.filter(pk__in=touched).exclude(
        Exists(ConversationPost.objects.filter(conversation=OuterRef("pk")))
    ).delete()


# --- The member's own changes ----------------------------------------------------------------


@transaction.atomic
def conversation_mark_read(*, account: Account, conversation_id: int | str) -> None:
    """Mark the conversation read for `account`; Http404 if they are not in it."""
    member = access_conversation(account, conversation_id)
    ConversationMember.objects.filter(pk=member.pk).update(unread=False)


@transaction.atomic
def conversation_hide(*, account: Account, conversation_id: int | str) -> None:
    """Hide the conversation from `account`'s list until a new message arrives in it
    (Mastodon's "delete"); the posts stay. Http404 if they are not in it."""
    member = access_conversation(account, conversation_id)
    ConversationMember.objects.filter(pk=member.pk).update(hidden=True, unread=False)


@transaction.atomic
def conversation_reply(*, account: Account, conversation_id: int | str, text: str) -> Post:
    """Post `text` to the conversation: a direct post to the same people, replying to its
    newest message. People the text doesn't mention are mentioned at its start, so nobody is
    dropped by accident. Raises Http404 if `account` is not in it, ValidationError (keyed
    "text") from the posts service."""
    member = access_conversation(account, conversation_id)
    others = (
        account_list_visible(viewer=None)
        .filter(
            pk__in=ConversationMember.objects.filter(conversation_id=member.conversation_id)
            .exclude(account=account)
            .values("account_id")
        )
        .order_by("username")
        .values_list("username", flat=True)
    )
    named = {name.lower() for name in _mentioned(text)}
    missing = [f"@{name}" for name in others if name.lower() not in named]
    body = text if not missing or not text.strip() else " ".join([*missing, text.strip()])
    newest = posts_visible_to(account).filter(pk=member.last_status_id or 0).first()
    return posts_services.post_create(
        author=account, text=body, visibility=Visibility.DIRECT, in_reply_to=newest
    )


def _mentioned(text: str) -> tuple[str, ...]:
    rendered = render(text, resolve_usernames=lambda names: {n.lower(): n for n in names})
    return tuple(rendered.mentioned_usernames)

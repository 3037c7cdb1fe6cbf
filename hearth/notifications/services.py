"""Writes to notifications: made from the posts and graph signals (through tasks.py), and the
member's own changes (read marker, preferences).

Every `notify_*` service takes ids, as the tasks pass them, and is idempotent: the unique
constraints on Notification make a second run find the row the first one made. Each checks,
for every recipient, that:

- the recipient is not the actor (nobody is notified of what they did themselves);
- neither blocks the other, and the recipient does not mute the actor with notifications
  hidden (hearth.graph.selectors);
- the recipient can see the post (hearth.posts.selectors.can_see), so a mention in a
  followers-only reply never reaches someone outside its audience;
- the recipient's NotificationPreference wants this kind, and from this actor.

The selectors check blocks, mutes and visibility again when reading, because they can change
after a notification is made.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from hearth.accounts.models import Account
from hearth.core.cache import forget
from hearth.core.ids import new_id
from hearth.graph.models import Follow, Mute
from hearth.graph.selectors import is_blocked_between
from hearth.notifications import signals
from hearth.notifications.models import (
    Notification,
    NotificationMarker,
    NotificationPreference,
    NotificationType,
)
from hearth.notifications.selectors import unread_badge_key
from hearth.posts.models import Favourite, Mention, Post
from hearth.posts.selectors import can_see


def _unread_changed(*account_ids: int) -> None:
    """These accounts' notifications changed: forget their cached unread badges now, and
    again when the transaction commits (a page read in between may have cached the old count)."""
    forget([unread_badge_key(pk) for pk in account_ids])


# --- From the posts signals ------------------------------------------------------------------


@transaction.atomic
def notify_post_created(*, post_id: int) -> None:
    """A reply for the parent's author, a mention for every other account the post mentions.

    A reply usually starts with "@author" (the reply box fills it in), so the parent's author
    is told "replied to your post" rather than "mentioned you": one notification, the more
    precise one. The author is never notified of their own post.
    """
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None or post.reblog_of_id is not None:
        return
    replied_to = _notify_reply(post=post)
    mentioned = Account.objects.filter(
        pk__in=Mention.objects.filter(post=post).values("account_id")
    ).exclude(pk=replied_to or 0)
    for account in mentioned:
        _notify(recipient=account, kind=NotificationType.MENTION, actor=post.author, post=post)


def _notify_reply(*, post: Post) -> int | None:
    """Notify the parent's author of a reply; return their account id (None if no one)."""
    parent_author_id: int | None = post.in_reply_to_account_id
    # in_reply_to_id too: a reply whose parent is already gone needs no notification.
    if post.in_reply_to_id is None or parent_author_id is None:
        return None
    parent_author = Account.objects.filter(pk=parent_author_id).first()
    if parent_author is None:
        return None
    _notify(recipient=parent_author, kind=NotificationType.REPLY, actor=post.author, post=post)
    return parent_author_id


@transaction.atomic
def notify_post_edited(*, post_id: int) -> None:
    """Tell everyone who liked or reposted the post that it changed.

    One notification per (recipient, post) is kept: a later edit replaces an older one, so it
    shows again as new, while re-running the task for the same edit finds a notification made
    after the edit and changes nothing.
    """
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None or post.reblog_of_id is not None or post.edited_at is None:
        return
    likers = Favourite.objects.filter(post=post).values("account_id")
    reposters = Post.objects.filter(reblog_of=post).values("author_id")
    recipients = Account.objects.filter(Q(pk__in=likers) | Q(pk__in=reposters))
    existing = Notification.objects.filter(type=NotificationType.UPDATE, post=post)
    for recipient in recipients:
        earlier = existing.filter(recipient=recipient).first()
        if earlier is not None:
            if earlier.created_at >= post.edited_at:
                continue  # this edit was already announced
            earlier.delete()
        _notify(recipient=recipient, kind=NotificationType.UPDATE, actor=post.author, post=post)


@transaction.atomic
def notify_favourited(*, post_id: int, account_id: int) -> None:
    _notify_about_own_post(post_id=post_id, actor_id=account_id, kind=NotificationType.FAVOURITE)


@transaction.atomic
def notify_reblogged(*, original_id: int, account_id: int) -> None:
    _notify_about_own_post(post_id=original_id, actor_id=account_id, kind=NotificationType.REBLOG)


def _notify_about_own_post(*, post_id: int, actor_id: int, kind: NotificationType) -> None:
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    actor = Account.objects.filter(pk=actor_id).first()
    if post is None or actor is None:
        return
    _notify(recipient=post.author, kind=kind, actor=actor, post=post)


# --- From the graph signals ------------------------------------------------------------------


@transaction.atomic
def notify_followed(*, follower_id: int, target_id: int) -> None:
    """A new follower. When it is a request the target accepted, the request's notification
    becomes this one (same place in the list, same read state) instead of adding a second."""
    follower, target = _pair(follower_id, target_id)
    if follower is None or target is None:
        return
    converted = Notification.objects.filter(
        recipient=target, actor=follower, type=NotificationType.FOLLOW_REQUEST
    )
    if converted.exists():
        earlier_follow = Notification.objects.filter(
            recipient=target, actor=follower, type=NotificationType.FOLLOW
        )
        wanted = _wanted(recipient=target, kind=NotificationType.FOLLOW, actor=follower, post=None)
        if wanted and not earlier_follow.exists():
            converted.update(type=NotificationType.FOLLOW)
        else:
            converted.delete()  # the request is answered; nothing more to say
        _unread_changed(target.pk)
        return
    _notify(recipient=target, kind=NotificationType.FOLLOW, actor=follower)


@transaction.atomic
def notify_follow_requested(*, follower_id: int, target_id: int) -> None:
    follower, target = _pair(follower_id, target_id)
    if follower is None or target is None:
        return
    _notify(recipient=target, kind=NotificationType.FOLLOW_REQUEST, actor=follower)


@transaction.atomic
def notifications_remove_between(*, account_id: int, target_id: int) -> int:
    """After a block: remove what either account caused the other to be notified of (the
    selectors already hide them; this also keeps an unblock from bringing them back).
    Returns how many were removed."""
    deleted, _ = Notification.objects.filter(
        Q(recipient_id=account_id, actor_id=target_id)
        | Q(recipient_id=target_id, actor_id=account_id)
    ).delete()
    _unread_changed(account_id, target_id)
    return deleted


@transaction.atomic
def notification_remove_unfavourited(*, post_id: int, account_id: int) -> int:
    """After a like is taken back: remove its notification (Mastodon's `dependent: :destroy`),
    unless the like stands again by the time this runs (a quick un-like and like must keep
    the one notification). Returns how many were removed."""
    if Favourite.objects.filter(account_id=account_id, post_id=post_id).exists():
        return 0
    return _removed(kind=NotificationType.FAVOURITE, actor_id=account_id, post_id=post_id)


@transaction.atomic
def notification_remove_unreblogged(*, original_id: int, account_id: int) -> int:
    """After a repost is taken back (or deleted): remove its notification, unless the account
    reposted the post again meanwhile. Returns how many were removed."""
    if Post.objects.filter(author_id=account_id, reblog_of_id=original_id).exists():
        return 0
    return _removed(kind=NotificationType.REBLOG, actor_id=account_id, post_id=original_id)


def _removed(*, kind: NotificationType, actor_id: int, post_id: int) -> int:
    rows = Notification.objects.filter(type=kind, actor_id=actor_id, post_id=post_id)
    recipients = set(rows.values_list("recipient_id", flat=True))
    deleted, _ = rows.delete()
    _unread_changed(*recipients)
    return deleted


def _pair(a_id: int, b_id: int) -> tuple[Account | None, Account | None]:
    found = Account.objects.in_bulk([a_id, b_id])
    return found.get(a_id), found.get(b_id)


# --- The checks every notification passes ----------------------------------------------------


def _notify(
    *, recipient: Account, kind: NotificationType, actor: Account, post: Post | None = None
) -> Notification | None:
    """Make the notification unless a rule says not to; the existing one if it was made."""
    if not _wanted(recipient=recipient, kind=kind, actor=actor, post=post):
        return None
    notification, created = Notification.objects.get_or_create(
        recipient=recipient, type=kind, actor=actor, post=post
    )
    if created:
        _unread_changed(recipient.pk)
        signals.send_on_commit(
            signals.notification_created,
            notification_id=notification.pk,
            recipient_id=recipient.pk,
        )
    return notification


def _wanted(
    *, recipient: Account, kind: NotificationType, actor: Account, post: Post | None
) -> bool:
    if recipient.pk == actor.pk:
        return False
    if is_blocked_between(a_id=recipient.pk, b_id=actor.pk):
        return False
    if Mute.objects.filter(account=recipient, target=actor, hide_notifications=True).exists():
        return False
    preference = notification_preference_get(account=recipient)
    if not preference.wants(kind):
        return False
    if (
        preference.only_from_following
        and not Follow.objects.filter(follower=recipient, target=actor).exists()
    ):
        return False
    return post is None or can_see(recipient, post)


def notification_preference_get(*, account: Account) -> NotificationPreference:
    """The account's preferences, or the defaults (unsaved) when it never changed them."""
    found = NotificationPreference.objects.filter(account=account).first()
    return found or NotificationPreference(account=account)


# --- The member's own changes ----------------------------------------------------------------


@transaction.atomic
def notifications_mark_read(*, account: Account, up_to: int | None = None) -> None:
    """Mark `account`'s notifications read up to the id `up_to` (default: everything that has
    arrived by now; ids are time-ordered). The marker never moves back."""
    up_to = new_id() if up_to is None else up_to
    updated = NotificationMarker.objects.filter(account=account, last_read_id__lt=up_to).update(
        last_read_id=up_to
    )
    if not updated:
        NotificationMarker.objects.get_or_create(account=account, defaults={"last_read_id": up_to})
    _unread_changed(account.pk)


@transaction.atomic
def notification_dismiss(*, account: Account, notification_id: int) -> bool:
    """Delete one of `account`'s notifications (the client API's dismiss); False if it has no
    such notification."""
    deleted, _ = Notification.objects.filter(recipient=account, pk=notification_id).delete()
    _unread_changed(account.pk)
    return bool(deleted)


@transaction.atomic
def notifications_clear(*, account: Account) -> int:
    """Delete all of `account`'s notifications (the client API's clear). Returns how many."""
    deleted, _ = Notification.objects.filter(recipient=account).delete()
    _unread_changed(account.pk)
    return deleted


@transaction.atomic
def notification_preferences_update(
    *, account: Account, only_from_following: bool, enabled: Iterable[str]
) -> NotificationPreference:
    """Save which kinds `account` wants (`enabled`, NotificationType values; the others are
    turned off) and whether only people it follows may notify it."""
    wanted = set(enabled)
    values: dict[str, bool] = {
        kind: kind in wanted
        for kind in NotificationType.values
        if kind != NotificationType.MODERATION  # always on: no column
    }
    values["only_from_following"] = only_from_following
    preference, _ = NotificationPreference.objects.update_or_create(
        account=account, defaults=values
    )
    return preference


@transaction.atomic
def notify_moderation(
    *, recipient: Account, message: str, url: str = "", action_id: int | None = None
) -> Notification:
    """A message from the server's moderators (hearth.moderation: a report handled, a post
    removed). Always delivered, whatever the preferences; the actor is the recipient itself,
    so no moderator is named. `action_id`: the action taken against the recipient that it
    tells of, if it does."""
    _unread_changed(recipient.pk)
    return Notification.objects.create(
        recipient=recipient,
        type=NotificationType.MODERATION,
        actor=recipient,
        message=message,
        url=url,
        moderation_action_id=action_id,
    )

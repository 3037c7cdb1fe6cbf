"""Receivers of the posts and graph signals: each only enqueues a task once the current
transaction commits (STYLE.md §3, §8). Connected by NotificationsConfig.ready().

No receiver for `post_deleted`: a notification's post is a cascading foreign key, so deleting
the post deletes its notifications in the same transaction. Un-liking and un-reposting
remove the like's or repost's notification (`unfavourited`, `unreblogged`), as Mastodon does;
until that task runs, the selectors already hide it. `unfollowed` changes nothing here (a
"followed you" stays, as on Mastodon).
"""

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction

from hearth.graph import signals as graph_signals
from hearth.notifications.tasks import (
    notification_remove_unfavourited_task,
    notification_remove_unreblogged_task,
    notifications_remove_between_task,
    notify_favourited_task,
    notify_follow_requested_task,
    notify_followed_task,
    notify_post_created_task,
    notify_post_edited_task,
    notify_reblogged_task,
)
from hearth.posts import signals as posts_signals

_UID = "hearth.notifications"


def connect() -> None:
    posts_signals.post_created.connect(on_post_created, dispatch_uid=f"{_UID}.post_created")
    posts_signals.post_edited.connect(on_post_edited, dispatch_uid=f"{_UID}.post_edited")
    posts_signals.favourited.connect(on_favourited, dispatch_uid=f"{_UID}.favourited")
    posts_signals.reblogged.connect(on_reblogged, dispatch_uid=f"{_UID}.reblogged")
    posts_signals.unfavourited.connect(on_unfavourited, dispatch_uid=f"{_UID}.unfavourited")
    posts_signals.unreblogged.connect(on_unreblogged, dispatch_uid=f"{_UID}.unreblogged")
    graph_signals.followed.connect(on_followed, dispatch_uid=f"{_UID}.followed")
    graph_signals.follow_requested.connect(
        on_follow_requested, dispatch_uid=f"{_UID}.follow_requested"
    )
    graph_signals.blocked.connect(on_blocked, dispatch_uid=f"{_UID}.blocked")


def on_post_created(
    sender: Any,
    *,
    post_id: int,
    author_id: int | None = None,
    mentions: Sequence[int] | None = None,
    in_reply_to_account_id: int | None = None,
    **kwargs: Any,
) -> None:
    # A post notifies only whom it mentions and the author it replies to (notify_post_created);
    # without the facts (a held post approved), the job looks.
    said = author_id is not None and mentions is not None
    replies_to_another = in_reply_to_account_id not in (None, author_id)
    if said and not mentions and not replies_to_another:
        return
    transaction.on_commit(partial(notify_post_created_task.delay, post_id))


def on_post_edited(sender: Any, *, post_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(notify_post_edited_task.delay, post_id))


def on_favourited(sender: Any, *, post_id: int, account_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(notify_favourited_task.delay, post_id, account_id))


def on_reblogged(sender: Any, *, original_id: int, account_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(notify_reblogged_task.delay, original_id, account_id))


def on_unfavourited(sender: Any, *, post_id: int, account_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(notification_remove_unfavourited_task.delay, post_id, account_id))


def on_unreblogged(sender: Any, *, original_id: int, account_id: int, **kwargs: Any) -> None:
    transaction.on_commit(
        partial(notification_remove_unreblogged_task.delay, original_id, account_id)
    )


def on_followed(sender: Any, *, follower_id: int, target_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(notify_followed_task.delay, follower_id, target_id))


def on_follow_requested(sender: Any, *, follower_id: int, target_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(notify_follow_requested_task.delay, follower_id, target_id))


def on_blocked(sender: Any, *, account_id: int, target_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(notifications_remove_between_task.delay, account_id, target_id))

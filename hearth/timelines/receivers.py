"""Receivers of the posts and graph signals. Connected by TimelinesConfig.ready().

One writes a row: `post_created_in_transaction` arrives inside the transaction creating a post
or repost, and records its fan-out job there (the outbox), so the post cannot commit without it.
The others only enqueue a task once the current transaction commits (STYLE.md §3, §8). Mutes
need no receiver: they are applied when a feed is read.
"""

from functools import partial
from typing import Any

from django.db import transaction

from hearth.graph import signals as graph_signals
from hearth.posts import signals as posts_signals
from hearth.timelines.services import fanout_job_record
from hearth.timelines.tasks import (
    fanout_enqueue,
    feed_author_remove_task,
    feed_follow_merge_task,
    feed_post_remove_task,
    list_memberships_end_task,
)

_UID = "hearth.timelines"


def connect() -> None:
    posts_signals.post_created_in_transaction.connect(
        on_post_created_in_transaction, dispatch_uid=f"{_UID}.post_created_in_transaction"
    )
    posts_signals.post_created.connect(on_post_created, dispatch_uid=f"{_UID}.post_created")
    posts_signals.reblogged.connect(on_reblogged, dispatch_uid=f"{_UID}.reblogged")
    posts_signals.post_deleted.connect(on_post_deleted, dispatch_uid=f"{_UID}.post_deleted")
    graph_signals.followed.connect(on_followed, dispatch_uid=f"{_UID}.followed")
    graph_signals.unfollowed.connect(on_unfollowed, dispatch_uid=f"{_UID}.unfollowed")
    graph_signals.blocked.connect(on_blocked, dispatch_uid=f"{_UID}.blocked")


def on_post_created_in_transaction(
    sender: Any, *, post_id: int, is_reblog: bool, **kwargs: Any
) -> None:
    fanout_job_record(post_id=post_id, is_reblog=is_reblog)


def on_post_created(sender: Any, *, post_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(fanout_enqueue, post_id))


def on_reblogged(sender: Any, *, reblog_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(fanout_enqueue, reblog_id))


def on_post_deleted(sender: Any, *, post_id: int, author_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(feed_post_remove_task.delay, post_id, author_id))


def on_followed(sender: Any, *, follower_id: int, target_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(feed_follow_merge_task.delay, follower_id, target_id))


def on_unfollowed(sender: Any, *, follower_id: int, target_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(feed_author_remove_task.delay, follower_id, target_id))
    # A list holds only accounts its owner follows (blocks end follows too, with this signal).
    transaction.on_commit(partial(list_memberships_end_task.delay, follower_id, target_id))


def on_blocked(sender: Any, *, account_id: int, target_id: int, **kwargs: Any) -> None:
    # Either side's posts leave the other's feed (reposts of them are hidden by visibility).
    transaction.on_commit(partial(feed_author_remove_task.delay, account_id, target_id))
    transaction.on_commit(partial(feed_author_remove_task.delay, target_id, account_id))

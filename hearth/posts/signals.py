"""Signals for the apps above posts (timelines, notifications, search), sent once the change
commits, never on rollback.

Receivers live in the listening app's `receivers.py` and should only enqueue work (STYLE.md §3).
Every signal's sender is Post; the arguments are ids (and a few plain values), never model
instances:

- `post_created(post_id, author_id, visibility, hashtags, mentions, in_reply_to_account_id)`:
  a new post (not a repost, see `reblogged`). Its Mention rows exist by then. A post held for
  review (review_state "held") is sent too, and reaches only its author; it is sent again when
  a moderator approves it, so receivers must be idempotent (they are: fan-out and
  notifications are). `author_id`, `visibility`, `hashtags` (the names of its hashtags, as
  typed, one per tag), `mentions` (the mentioned accounts' ids) and `in_reply_to_account_id`
  describe the post as committed, so a receiver needing only those (the streaming API's) need
  not read it back, and one with nothing to do for this post (a public post for messaging)
  need not enqueue a job; they are optional: the approval sends `post_id` only.
- `post_edited(post_id)`: the text, content warning or sensitivity changed.
- `post_deleted(post_id, author_id)`: a post or repost is gone, whoever removed it; also sent
  for each repost removed with the post it reposted.
- `favourited(post_id, account_id)`: `account_id` liked `post_id` (not sent when already liked).
- `reblogged(reblog_id, original_id, account_id)`: `account_id` reposted `original_id`.
- `unfavourited(post_id, account_id)`: `account_id` took back their like of `post_id`.
- `unreblogged(reblog_id, original_id, account_id)`: the repost `reblog_id` is gone (taken
  back or deleted; not sent for reposts removed with their original), after `post_deleted`.

One signal is different: `post_created_in_transaction(post_id, is_reblog)` is sent
synchronously, *inside* the transaction that creates a post or a repost (`is_reblog` says which,
so receivers need not read the row back), for receivers that must commit their own rows together
with it (timelines' fan-out outbox). Such a receiver only writes rows in the same database; if it
fails, the post is not created.
"""

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from hearth.posts.models import Post

logger = logging.getLogger(__name__)

post_created = Signal()
post_edited = Signal()
post_deleted = Signal()
favourited = Signal()
reblogged = Signal()
unfavourited = Signal()
unreblogged = Signal()
post_created_in_transaction = Signal()


def send_on_commit(signal: Signal, **kwargs: object) -> None:
    """Send `signal` after the current transaction commits; nothing is sent on rollback."""
    transaction.on_commit(partial(_send, signal, kwargs))


def _send(signal: Signal, kwargs: dict[str, Any]) -> None:
    # The change is committed by now: a failing receiver must not turn it into an error page,
    # so each receiver's failure is logged and the others still run.
    for receiver, result in signal.send_robust(sender=Post, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "posts signal receiver %r failed for %s", receiver, kwargs, exc_info=result
            )

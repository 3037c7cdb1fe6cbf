"""Signals for the apps above the graph (timelines, notifications), sent once the change commits.

Receivers live in the listening app's `receivers.py` and should only enqueue work (STYLE.md §3).
Every signal's sender is the model class; the arguments are ids, never model instances, so a
receiver can hand them straight to a Celery task:

- `followed(follower_id, target_id)`: a Follow now exists (directly, or a request was accepted).
- `follow_requested(follower_id, target_id)`: a FollowRequest was made to a locked account.
- `unfollowed(follower_id, target_id)`: a Follow is gone, whoever ended it (unfollow, removed
  follower, block). One signal per Follow deleted.
- `blocked(account_id, target_id)`: `account_id` blocked `target_id`.
"""

import logging
from functools import partial
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

followed = Signal()
follow_requested = Signal()
unfollowed = Signal()
blocked = Signal()


def send_on_commit(signal: Signal, sender: type[models.Model], **kwargs: int) -> None:
    """Send `signal` after the current transaction commits; nothing is sent on rollback."""
    transaction.on_commit(partial(_send, signal, sender, kwargs))


def _send(signal: Signal, sender: type[models.Model], kwargs: dict[str, Any]) -> None:
    # The change is committed by now: a failing receiver must not turn it into an error page,
    # so each receiver's failure is logged and the others still run.
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "graph signal receiver %r failed for %s", receiver, kwargs, exc_info=result
            )

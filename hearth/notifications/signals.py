"""Signals for the apps above notifications (realtime), sent once the change commits.

- `notification_created(notification_id, recipient_id)`: a new Notification row exists (not
  sent when a task re-run finds the row it made before).

Receivers live in the listening app's `receivers.py` (STYLE.md §3).
"""

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from hearth.notifications.models import Notification

logger = logging.getLogger(__name__)

notification_created = Signal()


def send_on_commit(signal: Signal, **kwargs: int) -> None:
    """Send `signal` after the current transaction commits; nothing is sent on rollback."""
    transaction.on_commit(partial(_send, signal, kwargs))


def _send(signal: Signal, kwargs: dict[str, Any]) -> None:
    # Committed already: a failing receiver is logged, never raised into the caller.
    for receiver, result in signal.send_robust(sender=Notification, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "notifications signal receiver %r failed for %s", receiver, kwargs, exc_info=result
            )

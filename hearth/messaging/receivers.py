"""Receivers of the posts signals: each only enqueues a task once the current transaction
commits (STYLE.md §3, §8). Connected by MessagingConfig.ready().

Edits are not followed: a direct post stays in the conversation it started in even if an edit
changes whom it mentions (its audience changes with the mentions; the posts selectors decide
who sees it in any conversation).
"""

from functools import partial
from typing import Any

from django.db import transaction

from hearth.accounts.models.user import Visibility
from hearth.messaging.tasks import conversation_forget_post_task, conversation_record_post_task
from hearth.posts import signals as posts_signals

_UID = "hearth.messaging"


def connect() -> None:
    posts_signals.post_created.connect(on_post_created, dispatch_uid=f"{_UID}.post_created")
    posts_signals.post_deleted.connect(on_post_deleted, dispatch_uid=f"{_UID}.post_deleted")


def on_post_created(
    sender: Any, *, post_id: int, visibility: str | None = None, **kwargs: Any
) -> None:
    if visibility not in (None, Visibility.DIRECT):
        return  # only direct posts are conversations (None: not said, so look)
    transaction.on_commit(partial(conversation_record_post_task.delay, post_id))


def on_post_deleted(sender: Any, *, post_id: int, **kwargs: Any) -> None:
    transaction.on_commit(partial(conversation_forget_post_task.delay, post_id))

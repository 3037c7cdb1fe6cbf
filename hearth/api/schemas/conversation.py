"""Conversation (Mastodon entity) from hearth.messaging's ConversationView.

`accounts` are the other participants; a conversation with nobody else (a direct post
mentioning only its author) lists the viewer, as Mastodon does, so clients always have a face
to show.
"""

from hearth.accounts.models import Account
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Context, Out
from hearth.api.schemas.status import StatusOut, status_out
from hearth.messaging.selectors import ConversationView


class ConversationOut(Out):
    id: str
    unread: bool
    accounts: list[AccountOut]
    last_status: StatusOut | None


def conversation_out(view: ConversationView, viewer: Account, ctx: Context) -> ConversationOut:
    """The entity for `view`; makes no query (conversation_views loaded everything)."""
    accounts = view.others or (viewer,)
    return ConversationOut(
        id=str(view.id),
        unread=view.unread,
        accounts=[account_out(account, ctx) for account in accounts],
        last_status=status_out(view.last, ctx) if view.last is not None else None,
    )

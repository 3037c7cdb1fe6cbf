"""Notification (Mastodon entity, API v1: one per notification, never grouped).

Hearth's kinds and Mastodon's types differ in one place: Mastodon has no "reply", a reply is a
`mention` to its clients. Kinds with no Mastodon type yet (messages from the moderators) are
left out of the API's lists: a client would need their own entity to show them. Mastodon types
Hearth never makes (`status`, `poll`, `admin.*`, ...) are accepted as filters and match nothing.
"""

from collections.abc import Iterable, Mapping

from ninja import Schema

from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Context, rfc3339
from hearth.api.schemas.status import StatusOut, status_out
from hearth.notifications.models import Notification, NotificationType
from hearth.posts.selectors import PostView

#: Mastodon's type for each Hearth kind the API shows.
MASTODON_TYPE: Mapping[str, str] = {
    NotificationType.FOLLOW: "follow",
    NotificationType.FOLLOW_REQUEST: "follow_request",
    NotificationType.MENTION: "mention",
    NotificationType.REPLY: "mention",
    NotificationType.FAVOURITE: "favourite",
    NotificationType.REBLOG: "reblog",
    NotificationType.UPDATE: "update",
}
#: The Hearth kinds the API shows.
API_KINDS = frozenset(MASTODON_TYPE)


def kinds_for(types: Iterable[str]) -> frozenset[str]:
    """The Hearth kinds behind Mastodon types (`mention` is mentions and replies); types Hearth
    doesn't make, or doesn't know, have none."""
    wanted = set(types)
    return frozenset(kind for kind, name in MASTODON_TYPE.items() if name in wanted)


class NotificationOut(Schema):
    id: str
    type: str
    group_key: str
    created_at: str
    account: AccountOut
    status: StatusOut | None = None


def notification_out(
    notification: Notification, post: PostView | None, ctx: Context
) -> NotificationOut:
    """The entity for `notification`; `post` is its post hydrated for the viewer (None for
    follows and requests). Makes no query: the actor comes loaded (notifications_ungrouped)."""
    return NotificationOut(
        id=str(notification.pk),
        type=MASTODON_TYPE[notification.type],
        group_key=f"ungrouped-{notification.pk}",
        created_at=rfc3339(notification.created_at),
        account=account_out(notification.actor, ctx),
        status=status_out(post, ctx) if post is not None else None,
    )

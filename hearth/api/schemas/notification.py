"""Notification (Mastodon entity, API v1: one per notification, never grouped).

Hearth's kinds and Mastodon's types differ in one place: Mastodon has no "reply", a reply is a
`mention` to its clients. A message from the moderators about an action against the member is
Mastodon's `moderation_warning`, with the action as an AccountWarning; the moderators' other
messages (a report handled, an appeal decided) have no Mastodon type and are left out of the
API's lists. Mastodon types Hearth never makes (`status`, `poll`, `admin.*`, ...) are accepted
as filters and match nothing.
"""

from collections.abc import Iterable, Mapping

from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Context, Out, rfc3339
from hearth.api.schemas.status import StatusOut, status_out
from hearth.moderation.models import ActionKind, AppealStatus, ModerationAction
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
    NotificationType.MODERATION: "moderation_warning",
}
#: The Hearth kinds the API shows.
API_KINDS = frozenset(MASTODON_TYPE)


def kinds_for(types: Iterable[str]) -> frozenset[str]:
    """The Hearth kinds behind Mastodon types (`mention` is mentions and replies); types Hearth
    doesn't make, or doesn't know, have none."""
    wanted = set(types)
    return frozenset(kind for kind, name in MASTODON_TYPE.items() if name in wanted)


#: Mastodon's AccountWarning `action` for each action Hearth tells the member of.
WARNING_ACTION: Mapping[str, str] = {
    ActionKind.REMOVE_POST: "delete_statuses",
    ActionKind.MARK_SENSITIVE: "mark_statuses_as_sensitive",
    ActionKind.REQUIRE_APPROVAL: "none",
    ActionKind.LIMIT: "silence",
    ActionKind.SUSPEND: "suspend",
}
APPEAL_STATE: Mapping[str, str] = {
    AppealStatus.OPEN: "pending",
    AppealStatus.UPHELD: "rejected",
    AppealStatus.REVERSED: "approved",
}


class AppealOut(Out):
    text: str
    state: str


class AccountWarningOut(Out):
    id: str
    action: str
    text: str
    status_ids: list[str] | None
    target_account: AccountOut
    appeal: AppealOut | None
    created_at: str


class NotificationOut(Out):
    id: str
    type: str
    group_key: str
    created_at: str
    account: AccountOut
    status: StatusOut | None = None
    moderation_warning: AccountWarningOut | None = None


def moderation_actions(notifications: Iterable[Notification]) -> dict[int, ModerationAction]:
    """{id: action, its appeal loaded} for the moderation warnings among `notifications`."""
    ids = [n.moderation_action_id for n in notifications if n.moderation_action_id is not None]
    if not ids:
        return {}
    return ModerationAction.objects.select_related("appeal").in_bulk(ids)


def notification_out(
    notification: Notification,
    post: PostView | None,
    ctx: Context,
    action: ModerationAction | None = None,
) -> NotificationOut:
    """The entity for `notification`; `post` is its post hydrated for the viewer (None for
    follows and requests), `action` the moderation action a warning tells of
    (`moderation_actions`). Makes no query: the actor comes loaded (notifications_ungrouped)."""
    account = account_out(notification.actor, ctx)
    return NotificationOut(
        id=str(notification.pk),
        type=MASTODON_TYPE[notification.type],
        group_key=f"ungrouped-{notification.pk}",
        created_at=rfc3339(notification.created_at),
        account=account,
        status=status_out(post, ctx) if post is not None else None,
        moderation_warning=_warning(action, account) if action is not None else None,
    )


def _warning(action: ModerationAction, target: AccountOut) -> AccountWarningOut:
    appeal = getattr(action, "appeal", None)
    return AccountWarningOut(
        id=str(action.pk),
        action=WARNING_ACTION.get(action.kind, "none"),
        text=action.reason,
        status_ids=[str(action.post_id)] if action.post_id is not None else None,
        target_account=target,
        appeal=(
            AppealOut(text=appeal.text, state=APPEAL_STATE.get(appeal.status, "pending"))
            if appeal is not None
            else None
        ),
        created_at=rfc3339(action.created_at),
    )

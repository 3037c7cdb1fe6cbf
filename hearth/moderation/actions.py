"""Moderation actions, appeals and legal holds. Every one writes an audit log entry
(ModerationAction) in the same transaction as its effect, so the log can't miss one.

The effects are states, not deletions (except "delete the account's data"), so that an appeal
can reverse them: a removed post keeps its row with `review_state="removed"`, hidden by
hearth.posts.selectors; a suspended or limited account keeps everything, hidden or narrowed by
the same selectors and hearth.accounts.selectors.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.deletion import account_erase
from hearth.accounts.models import Account, DataExport, User
from hearth.moderation.models import (
    APPEALABLE,
    ActionKind,
    Appeal,
    AppealStatus,
    ModerationAction,
    Report,
)
from hearth.moderation.reports import report_resolve
from hearth.moderation.roles import is_admin, is_moderator
from hearth.notifications.services import notify_moderation
from hearth.posts import signals as posts_signals
from hearth.posts.models import Post
from hearth.posts.models.post import ModerationState

MAX_REASON = 2000
MAX_APPEAL = 2000
#: What the affected member is told, per action.
TOLD = {
    ActionKind.REMOVE_POST: "One of your posts was removed by the moderators.",
    ActionKind.MARK_SENSITIVE: "The moderators marked the media in one of your posts sensitive.",
    ActionKind.REQUIRE_APPROVAL: "Your next posts will be checked by a moderator before others "
    "see them.",
    ActionKind.LIMIT: "Your account was limited: your posts reach only your followers.",
    ActionKind.SUSPEND: "Your account was suspended.",
}
#: Actions on a post (the others act on the account).
POST_ACTIONS = frozenset(
    {ActionKind.REMOVE_POST, ActionKind.MARK_SENSITIVE, ActionKind.APPROVE_POST}
)
#: Actions only admins may take.
ADMIN_ACTIONS = frozenset(
    {
        ActionKind.DELETE_DATA,
        ActionKind.LEGAL_HOLD,
        ActionKind.LEGAL_HOLD_RELEASE,
        ActionKind.LEGAL_EXPORT,
    }
)
#: What a moderator can choose on a report or an account page (appeal decisions and legal
#: requests have their own forms).
ACTION_CHOICES = [
    (kind.value, kind.label)
    for kind in (
        ActionKind.DISMISS,
        ActionKind.REMOVE_POST,
        ActionKind.MARK_SENSITIVE,
        ActionKind.APPROVE_POST,
        ActionKind.REQUIRE_APPROVAL,
        ActionKind.LIMIT,
        ActionKind.UNLIMIT,
        ActionKind.SUSPEND,
        ActionKind.UNSUSPEND,
        ActionKind.DELETE_DATA,
    )
]


def _log(
    *,
    kind: ActionKind,
    moderator: User | None,
    account: Account | None,
    reason: str,
    post_id: int | None = None,
    report: Report | None = None,
    about: ModerationAction | None = None,
    category: str = "",
) -> ModerationAction:
    return ModerationAction.objects.create(
        kind=kind,
        moderator_id=moderator.pk if moderator else None,
        moderator_username=moderator.username if moderator else "",
        account_id=account.pk if account else None,
        account_username=account.username if account else "",
        post_id=post_id,
        report=report,
        about=about,
        category=category or (report.category if report else ""),
        reason=reason,
    )


def _clean_reason(reason: str) -> str:
    reason = reason.replace("\x00", "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON:,} characters."})
    return reason


@transaction.atomic
def action_take(
    *,
    moderator: User,
    kind: str,
    account: Account,
    reason: str = "",
    post: Post | None = None,
    report: Report | None = None,
) -> ModerationAction:
    """Take a moderation action on `account` (and `post`, for the post actions), maybe on a
    report, which it resolves. Raises PermissionDenied for someone not allowed, and
    ValidationError keyed by field ("kind", "post", "reason") on bad input."""
    if not is_moderator(moderator) or (kind in ADMIN_ACTIONS and not is_admin(moderator)):
        raise PermissionDenied
    if kind not in dict(ACTION_CHOICES):
        raise ValidationError({"kind": "Choose an action."})
    action_kind = ActionKind(kind)
    reason = _clean_reason(reason)
    if action_kind in POST_ACTIONS:
        if post is None or post.author_id != account.pk:
            raise ValidationError({"post": "Choose one of this account’s posts."})
    else:
        post = None
    if action_kind in APPEALABLE and not reason:
        raise ValidationError({"reason": "Say why: the member is told, and can appeal."})
    if action_kind == ActionKind.DELETE_DATA and account.legal_hold_at is not None:
        raise ValidationError({"kind": "This account is under legal hold: its data is kept."})
    action = _log(
        kind=action_kind,
        moderator=moderator,
        account=account,
        reason=reason,
        post_id=post.pk if post else None,
        report=report,
    )
    _apply(action_kind, account, post)
    if action_kind in TOLD:
        _tell(account, action, TOLD[action_kind])
    if report is not None:
        report_resolve(report=report)
    return action


def _apply(kind: ActionKind, account: Account, post: Post | None) -> None:
    now = timezone.now()
    # Moderation states are set here, the one place that keeps the log next to them.
    if kind == ActionKind.REMOVE_POST and post is not None:
        Post.objects.filter(pk=post.pk).update(review_state=ModerationState.REMOVED)
    elif kind == ActionKind.APPROVE_POST and post is not None:
        was_held = Post.objects.filter(pk=post.pk, review_state=ModerationState.HELD).exists()
        Post.objects.filter(pk=post.pk).update(review_state=ModerationState.NONE)
        if was_held:
            _publish_approved(account, post)
    elif kind == ActionKind.MARK_SENSITIVE and post is not None:
        Post.objects.filter(pk=post.pk).update(sensitive=True)
    elif kind in _ACCOUNT_FIELDS:
        field, value = _ACCOUNT_FIELDS[kind]
        if value is True and field.endswith("_at"):
            value = now  # a time stamp says since when
        Account.objects.filter(pk=account.pk).update(**{field: value})
        setattr(account, field, value)
    elif kind == ActionKind.DELETE_DATA:
        if account.user_id is not None:
            account_erase(user_id=account.user_id)
        else:
            account.delete()


def _publish_approved(account: Account, post: Post) -> None:
    """A held post is approved: announce it as new now (fan-out to feeds, mentions notified,
    streams), which the receivers skipped while it was held. After HEARTH_APPROVALS_TO_TRUST
    approvals since the account was put under approval, its posts are no longer held."""
    # A new outbox job, committed with the approval: the first one is done (it reached only
    # the author's own feed).
    posts_signals.post_created_in_transaction.send(sender=Post, post_id=post.pk, is_reblog=False)
    posts_signals.send_on_commit(posts_signals.post_created, post_id=post.pk)
    if not account.posts_need_approval:
        return
    since = (
        ModerationAction.objects.filter(account_id=account.pk, kind=ActionKind.REQUIRE_APPROVAL)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    approvals = ModerationAction.objects.filter(
        account_id=account.pk, kind=ActionKind.APPROVE_POST, id__gt=since or 0
    ).count()
    if approvals >= settings.HEARTH_APPROVALS_TO_TRUST:
        Account.objects.filter(pk=account.pk).update(posts_need_approval=False)
        account.posts_need_approval = False


#: Account actions that set (True: to now for a time stamp) or clear (None/False) one field.
_ACCOUNT_FIELDS: dict[ActionKind, tuple[str, object]] = {
    ActionKind.REQUIRE_APPROVAL: ("posts_need_approval", True),
    ActionKind.LIMIT: ("limited_at", True),
    ActionKind.UNLIMIT: ("limited_at", None),
    ActionKind.SUSPEND: ("suspended_at", True),
    ActionKind.UNSUSPEND: ("suspended_at", None),
}


def _tell(account: Account, action: ModerationAction, what: str) -> None:
    url = reverse("moderation_notice", args=[action.pk])
    notify_moderation(
        recipient=account, message=f"{what} Reason: {action.reason}", url=url, action_id=action.pk
    )


# --- Appeals --------------------------------------------------------------------------------


@transaction.atomic
def appeal_create(*, account: Account, action: ModerationAction, text: str) -> Appeal:
    """`account` appeals `action`, once. Raises ValidationError ("text", or a general error)."""
    if action.account_id != account.pk or not action.appealable:
        raise ValidationError("This decision can’t be appealed.")
    if Appeal.objects.filter(action=action).exists():
        raise ValidationError("You have already appealed this decision.")
    text = text.replace("\x00", "").strip()
    if not text:
        raise ValidationError({"text": "Tell the moderators why they should look again."})
    if len(text) > MAX_APPEAL:
        raise ValidationError({"text": f"Keep it under {MAX_APPEAL:,} characters."})
    return Appeal.objects.create(action=action, account=account, text=text)


#: How reversing an appealed action undoes it.
_REVERSE: dict[str, ActionKind] = {
    ActionKind.REMOVE_POST: ActionKind.APPROVE_POST,
    ActionKind.LIMIT: ActionKind.UNLIMIT,
    ActionKind.SUSPEND: ActionKind.UNSUSPEND,
}


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, moderator: User, reverse_it: bool, reason: str = ""
) -> ModerationAction:
    """Uphold or reverse the appealed action (a reversal undoes it: a removed post is restored,
    a suspension lifted ...), log it, and tell the member."""
    if not is_moderator(moderator):
        raise PermissionDenied
    if appeal.status != AppealStatus.OPEN:
        raise ValidationError("This appeal has already been decided.")
    reason = _clean_reason(reason)
    original = appeal.action
    account_id = original.account_id
    account = Account.objects.filter(pk=account_id).first() if account_id is not None else None
    kind = ActionKind.APPEAL_REVERSED if reverse_it else ActionKind.APPEAL_UPHELD
    decision = _log(
        kind=kind,
        moderator=moderator,
        account=account,
        reason=reason,
        post_id=original.post_id,
        report=original.report,
        about=original,
        category=original.category,
    )
    if reverse_it and account is not None:
        _undo(original, account)
    appeal.status = AppealStatus.REVERSED if reverse_it else AppealStatus.UPHELD
    appeal.decided_by = moderator
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decided_by", "decided_at"])
    if account is not None:
        verdict = "reversed their decision" if reverse_it else "upheld their decision"
        notify_moderation(
            recipient=account,
            message=f"The moderators looked at your appeal and {verdict}. {reason}".strip(),
            url=reverse("moderation_notice", args=[original.pk]),
        )
    return decision


def _undo(original: ModerationAction, account: Account) -> None:
    post_id = original.post_id
    post = Post.objects.filter(pk=post_id).first() if post_id is not None else None
    if original.kind == ActionKind.MARK_SENSITIVE and post is not None:
        Post.objects.filter(pk=post.pk).update(sensitive=False)
    elif original.kind == ActionKind.REQUIRE_APPROVAL:
        Account.objects.filter(pk=account.pk).update(posts_need_approval=False)
    elif original.kind in _REVERSE:
        _apply(_REVERSE[original.kind], account, post)


# --- Legal requests (admins) ----------------------------------------------------------------


@transaction.atomic
def legal_hold_set(*, admin: User, account: Account, hold: bool, reason: str) -> ModerationAction:
    """Place (or release) a legal hold: while it stands, the account's data can't be erased,
    neither by the member's own deletion nor by a moderator."""
    if not is_admin(admin):
        raise PermissionDenied
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError({"reason": "Name the request (a reference) for the log."})
    Account.objects.filter(pk=account.pk).update(legal_hold_at=timezone.now() if hold else None)
    kind = ActionKind.LEGAL_HOLD if hold else ActionKind.LEGAL_HOLD_RELEASE
    return _log(kind=kind, moderator=admin, account=account, reason=reason)


@transaction.atomic
def legal_export(*, admin: User, account: Account, reason: str) -> DataExport:
    """Build the member's data archive (the same one "download your data" makes) for a lawful
    request; logged. The admin downloads it from the account's moderation page."""
    if not is_admin(admin):
        raise PermissionDenied
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError({"reason": "Name the request (a reference) for the log."})
    if account.user_id is None:
        raise ValidationError("This account has no member data to export.")
    export = DataExport.objects.create(user_id=account.user_id)
    _log(kind=ActionKind.LEGAL_EXPORT, moderator=admin, account=account, reason=reason)
    from hearth.accounts.tasks import export_build_task

    transaction.on_commit(lambda: export_build_task.delay(export.pk))
    return export

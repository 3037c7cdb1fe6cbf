from typing import Any

from django.db import models

from hearth.core.models import TimeOrderedIdField
from hearth.moderation.models.report import Report


class ActionKind(models.TextChoices):
    DISMISS = "dismiss", "Dismissed the report"
    REMOVE_POST = "remove_post", "Removed a post"
    RESTORE_POST = "restore_post", "Restored a post"
    APPROVE_POST = "approve_post", "Approved a held post"
    MARK_SENSITIVE = "mark_sensitive", "Marked media sensitive"
    REQUIRE_APPROVAL = "require_approval", "Required approval of next posts"
    LIMIT = "limit", "Limited the account"
    UNLIMIT = "unlimit", "Lifted the limit"
    SUSPEND = "suspend", "Suspended the account"
    UNSUSPEND = "unsuspend", "Unsuspended the account"
    DELETE_DATA = "delete_data", "Deleted the account's data"
    APPEAL_UPHELD = "appeal_upheld", "Upheld a decision on appeal"
    APPEAL_REVERSED = "appeal_reversed", "Reversed a decision on appeal"
    LEGAL_HOLD = "legal_hold", "Placed a legal hold"
    LEGAL_HOLD_RELEASE = "legal_hold_release", "Released a legal hold"
    LEGAL_EXPORT = "legal_export", "Exported data for a lawful request"
    PHRASE_BLOCK = "phrase_block", "Blocked a word or phrase"
    PHRASE_UNBLOCK = "phrase_unblock", "Unblocked a word or phrase"
    PHRASE_CHANGE = "phrase_change", "Changed a blocked word or phrase"
    RULE_ADD = "rule_add", "Added a server rule"
    RULE_CHANGE = "rule_change", "Changed a server rule"
    RULE_MOVE = "rule_move", "Moved a server rule"
    RULE_REMOVE = "rule_remove", "Removed a server rule"


#: Actions the affected member is told about and may appeal (once each).
APPEALABLE = frozenset(
    {
        ActionKind.REMOVE_POST,
        ActionKind.MARK_SENSITIVE,
        ActionKind.REQUIRE_APPROVAL,
        ActionKind.LIMIT,
        ActionKind.SUSPEND,
    }
)


class ImmutableError(Exception):
    """The audit log is append-only."""


class ModerationAction(models.Model):
    """One entry of the audit log: who did what, when, why, on which report.

    Rows are only ever added (save refuses an update, delete refuses; the admin is read-only).
    Whom and what it was about are plain ids and a username, not foreign keys, so that
    deleting an account or a post never rewrites the log.
    """

    id = TimeOrderedIdField()
    kind = models.CharField(max_length=20, choices=ActionKind)
    moderator_id = models.BigIntegerField(null=True, blank=True)
    moderator_username = models.CharField(max_length=150, blank=True, default="")
    account_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    account_username = models.CharField(max_length=30, blank=True, default="")
    post_id = models.BigIntegerField(null=True, blank=True)
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    #: The earlier action an appeal decision is about.
    about = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: The report category it enforces, for the transparency page ("" when none).
    category = models.CharField(max_length=20, blank=True, default="")
    #: Why: shown to the affected member where they are told.
    reason = models.TextField(blank=True, default="", max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (@{self.account_username or '-'})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Audit log entries can't be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("Audit log entries can't be deleted.")

    @property
    def appealable(self) -> bool:
        return self.kind in APPEALABLE

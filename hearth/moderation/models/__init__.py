from hearth.moderation.models.action import (
    APPEALABLE,
    ActionKind,
    ImmutableError,
    ModerationAction,
)
from hearth.moderation.models.appeal import Appeal, AppealStatus
from hearth.moderation.models.blocked_phrase import BlockedPhrase, PhraseAction
from hearth.moderation.models.policy import PolicyPage, PolicySlug, PolicyVersion
from hearth.moderation.models.report import Report, ReportCategory, ReportNote, ReportStatus
from hearth.moderation.models.rule import ServerRule

__all__ = [
    "APPEALABLE",
    "ActionKind",
    "Appeal",
    "AppealStatus",
    "BlockedPhrase",
    "ImmutableError",
    "ModerationAction",
    "PhraseAction",
    "PolicyPage",
    "PolicySlug",
    "PolicyVersion",
    "Report",
    "ReportCategory",
    "ReportNote",
    "ReportStatus",
    "ServerRule",
]

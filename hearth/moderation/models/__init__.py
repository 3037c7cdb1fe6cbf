from hearth.moderation.models.action import (
    APPEALABLE,
    ActionKind,
    ImmutableError,
    ModerationAction,
)
from hearth.moderation.models.appeal import Appeal, AppealStatus
from hearth.moderation.models.policy import PolicyPage, PolicySlug, PolicyVersion
from hearth.moderation.models.report import Report, ReportCategory, ReportNote, ReportStatus

__all__ = [
    "APPEALABLE",
    "ActionKind",
    "Appeal",
    "AppealStatus",
    "ImmutableError",
    "ModerationAction",
    "PolicyPage",
    "PolicySlug",
    "PolicyVersion",
    "Report",
    "ReportCategory",
    "ReportNote",
    "ReportStatus",
]

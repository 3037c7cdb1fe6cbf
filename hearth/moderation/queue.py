"""Reads for moderators (the queue, a report, an account's history, the audit log) and for
the public transparency page. Moderators see accounts and posts whatever their state, so these
read the tables directly rather than through the members' visibility selectors; every view that
calls them checks the moderator role first (hearth.moderation.roles)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import Lower, TruncMonth

from hearth.accounts.models import Account, DataExport
from hearth.moderation.models import (
    ActionKind,
    Appeal,
    AppealStatus,
    BlockedPhrase,
    ModerationAction,
    Report,
    ReportCategory,
    ReportStatus,
    ServerRule,
)
from hearth.posts.models import Post

#: Actions counted on the transparency page (not the dismissals or the legal paperwork).
PUBLIC_KINDS = (
    ActionKind.REMOVE_POST,
    ActionKind.MARK_SENSITIVE,
    ActionKind.REQUIRE_APPROVAL,
    ActionKind.LIMIT,
    ActionKind.SUSPEND,
    ActionKind.DELETE_DATA,
    ActionKind.APPEAL_REVERSED,
)


def report_queue(*, status: str = "", category: str = "") -> QuerySet[Report]:
    """Reports, newest first, with who is involved loaded; filtered when the values are known
    (an unknown filter value shows everything rather than an error)."""
    reports = Report.objects.select_related("reporter", "target", "assigned_to").order_by("-id")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    if category in ReportCategory.values:
        reports = reports.filter(category=category)
    return reports


def appeals_open() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(status=AppealStatus.OPEN)
        .select_related("action", "account")
        .order_by("-id")
    )


def report_get(report_id: int) -> Report | None:
    return (
        Report.objects.select_related("reporter", "target", "assigned_to")
        .filter(pk=report_id)
        .first()
    )


def report_live_posts(report: Report) -> dict[int, Post]:
    """The reported posts as they are now, whatever their state, by id (gone ones missing)."""
    ids = [item["id"] for item in report.snapshot.get("posts", [])]
    return Post.objects.in_bulk(ids)


@dataclass(frozen=True)
class AccountHistory:
    reports: list[Report]
    actions: list[ModerationAction]


def account_history(
    *, account_id: int, excluding_report: int | None = None, limit: int = 50
) -> AccountHistory:
    """Earlier reports about the account and the actions taken on it, newest first."""
    reports = Report.objects.filter(target_id=account_id).order_by("-id")
    if excluding_report is not None:
        reports = reports.exclude(pk=excluding_report)
    actions = ModerationAction.objects.filter(account_id=account_id).order_by("-id")
    return AccountHistory(reports=list(reports[:limit]), actions=list(actions[:limit]))


def account_for_moderation(username: str) -> Account | None:
    """Any account by username (any letter case), suspended ones included."""
    return Account.objects.select_related("user").filter(username__iexact=username).first()


def account_posts_for_moderation(account: Account, *, limit: int = 20) -> list[Post]:
    return list(Post.objects.filter(author=account, reblog_of__isnull=True).order_by("-id")[:limit])


def held_posts() -> QuerySet[Post]:
    return Post.objects.filter(review_state="held").select_related("author").order_by("-id")


def audit_log() -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related("report").order_by("-id")


def blocked_phrase_list() -> QuerySet[BlockedPhrase]:
    """The blocked words and phrases, alphabetically whatever the letter case."""
    return BlockedPhrase.objects.order_by(Lower("phrase"), "id")


def blocked_phrase_get(phrase_id: int) -> BlockedPhrase | None:
    return BlockedPhrase.objects.filter(pk=phrase_id).first()


def server_rule_rows() -> QuerySet[ServerRule]:
    """The server rules in their order, read from the table (the admins' page shows what is
    stored, not hearth.moderation.rules' cached copy)."""
    return ServerRule.objects.order_by("position", "id")


def server_rule_get(rule_id: int) -> ServerRule | None:
    return ServerRule.objects.filter(pk=rule_id).first()


def legal_exports(account: Account) -> Sequence[DataExport]:
    if account.user_id is None:
        return []
    return list(DataExport.objects.filter(user_id=account.user_id).order_by("-created_at")[:5])


def notice_get(*, account: Account, action_id: int) -> ModerationAction | None:
    """An action taken on `account`, for the member's own page about it (None otherwise)."""
    return ModerationAction.objects.filter(pk=action_id, account_id=account.pk).first()


def latest_suspension(account: Account) -> ModerationAction | None:
    return (
        ModerationAction.objects.filter(account_id=account.pk, kind=ActionKind.SUSPEND)
        .order_by("-id")
        .first()
    )


@dataclass(frozen=True)
class MonthCounts:
    month: datetime.date
    #: (category label, action label, count), most first.
    rows: list[tuple[str, str, int]]


def transparency_counts(*, months: int = 12) -> list[MonthCounts]:
    """Actions per month, per category and kind: numbers only, no one named. One query."""
    rows = (
        ModerationAction.objects.filter(kind__in=PUBLIC_KINDS)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "category", "kind")
        .annotate(total=Count("id"))
        .order_by("-month", "-total")
    )
    by_month: dict[datetime.date, list[tuple[str, str, int]]] = {}
    categories = dict(ReportCategory.choices)
    kinds = dict(ActionKind.choices)
    for row in rows:
        month = row["month"]
        day = month.date() if isinstance(month, datetime.datetime) else month
        label = categories.get(row["category"], "No category")
        by_month.setdefault(day, []).append((label, kinds[row["kind"]], row["total"]))
    return [MonthCounts(month, found) for month, found in list(by_month.items())[:months]]

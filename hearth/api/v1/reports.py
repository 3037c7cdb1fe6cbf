"""POST /api/v1/reports: report an account (and some of its statuses) to the moderators.

Mastodon's categories are coarser than Hearth's: `legal` is filed as illegal content and
`violation` (a rule broken) as "breaks a server rule" with the rule ids (checked against
the server's rules: 422 naming `rule_ids` otherwise); Hearth's own category
names are accepted too. The Report entity maps back the other way.
"""

from collections.abc import Mapping

from django.http import HttpRequest
from ninja import Router, Schema

from hearth.api.auth import caller, me, token
from hearth.api.errors import validation_error
from hearth.api.parsing import Flag, parse_body
from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Out, context_for, rfc3339, rfc3339_or_none
from hearth.api.v1.lookups import access_account
from hearth.core import ratelimit
from hearth.moderation.models import Report, ReportCategory, ReportStatus
from hearth.moderation.reports import report_create

router = Router(tags=["reports"])

#: Mastodon's category names -> Hearth's.
FROM_MASTODON: Mapping[str, str] = {
    "spam": ReportCategory.SPAM,
    "legal": ReportCategory.ILLEGAL,
    "violation": ReportCategory.RULE,
    "other": ReportCategory.OTHER,
}
#: Hearth's categories -> Mastodon's.
TO_MASTODON: Mapping[str, str] = {
    ReportCategory.SPAM: "spam",
    ReportCategory.ILLEGAL: "legal",
    ReportCategory.CSAM: "legal",
    ReportCategory.HARASSMENT: "violation",
    ReportCategory.HATE: "violation",
    ReportCategory.VIOLENCE: "violation",
    ReportCategory.IMPERSONATION: "violation",
    ReportCategory.RULE: "violation",
    ReportCategory.OTHER: "other",
}


class ReportIn(Schema):
    account_id: str | None = None
    status_ids: list[str] = []
    comment: str = ""
    category: str | None = None
    rule_ids: list[str] = []
    forward: Flag = False


class ReportOut(Out):
    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    status_ids: list[str]
    rule_ids: list[str]
    target_account: AccountOut


def _ids(values: list[str], field: str) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise validation_error({field: ["must be a list of ids"]}) from None


@router.post("", response=ReportOut, auth=token("write:reports"))
def create(request: HttpRequest) -> ReportOut:
    data = parse_body(request, ReportIn)
    if not data.account_id:
        raise validation_error({"account_id": ["is required"]})
    category = data.category or ("violation" if data.rule_ids else "other")
    category = FROM_MASTODON.get(category, category)
    status_ids = _ids(data.status_ids, "status_ids")
    rule_ids = _ids(data.rule_ids, "rule_ids")
    target = access_account(data.account_id)
    ratelimit.limit(request, "report", member=caller(request).user)
    report = report_create(
        reporter=me(request),
        target=target,
        category=category,
        comment=data.comment,
        post_ids=status_ids,
        rule_ids=rule_ids,
        forward=data.forward,
    )
    return report_out(report, status_ids, request)


def report_out(report: Report, status_ids: list[int], request: HttpRequest) -> ReportOut:
    assert report.target is not None  # just made
    return ReportOut(
        id=str(report.pk),
        action_taken=report.status == ReportStatus.RESOLVED,
        action_taken_at=rfc3339_or_none(report.resolved_at),
        category=TO_MASTODON.get(report.category, "other"),
        comment=report.comment,
        forwarded=report.forward,
        created_at=rfc3339(report.created_at),
        status_ids=[str(pk) for pk in status_ids],
        rule_ids=[str(pk) for pk in report.rule_ids],
        target_account=account_out(report.target, context_for(request)),
    )

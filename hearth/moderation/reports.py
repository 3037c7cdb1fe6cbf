"""Writes for reports: making one (with a snapshot of what was reported), assigning it, notes
between moderators. Acting on a report is hearth.moderation.actions."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.graph import services as graph
from hearth.media.selectors import media_by_post
from hearth.moderation.models import Report, ReportCategory, ReportNote, ReportStatus
from hearth.moderation.rules import server_rule_ids_unknown
from hearth.notifications.services import notify_moderation
from hearth.posts.models import Post
from hearth.posts.selectors import posts_visible_to

MAX_COMMENT = 1000
MAX_NOTE = 2000
#: A report links at most this many posts.
MAX_POSTS = 20


@transaction.atomic
def report_create(
    *,
    reporter: Account | None,
    target: Account,
    category: str,
    comment: str = "",
    post_ids: Sequence[int] = (),
    rule_ids: Sequence[int] = (),
    forward: bool = False,
    also_block: bool = False,
    also_mute: bool = False,
) -> Report:
    """Report `target` (and some of its posts) to the moderators.

    The posts must be `target`'s and visible to the reporter. Raises ValidationError keyed by
    field ("category", "comment", "post_ids", "rule_ids", "account") on bad input. `also_block` /
    `also_mute` block or mute the account in the same step. `reporter` None: Hearth itself
    (a post held by the spam check).
    """
    errors: dict[str, str] = {}
    if reporter is not None and reporter.pk == target.pk:
        errors["account"] = "You can’t report yourself."
    if category not in ReportCategory.values:
        errors["category"] = "Choose what kind of problem this is."
    comment = comment.replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"Keep it under {MAX_COMMENT:,} characters (it has {len(comment):,})."
    wanted = list(dict.fromkeys(int(pk) for pk in post_ids))
    if len(wanted) > MAX_POSTS:
        errors["post_ids"] = f"Pick at most {MAX_POSTS} posts."
    posts: list[Post] = []
    if wanted and "post_ids" not in errors:
        seen = posts_visible_to(reporter) if reporter is not None else Post.objects.all()
        posts = list(seen.filter(pk__in=wanted, author=target).order_by("id"))
        if len(posts) != len(wanted):
            errors["post_ids"] = "Some of those posts aren’t this account’s, or are gone."
    rules = list(dict.fromkeys(int(pk) for pk in rule_ids))
    if server_rule_ids_unknown(rules):
        errors["rule_ids"] = "Pick rules from this server’s list."
    if errors:
        raise ValidationError(errors)
    report = Report.objects.create(
        reporter=reporter,
        target=target,
        target_username=target.username,
        category=category,
        comment=comment,
        rule_ids=rules,
        forward=forward,
        snapshot=_snapshot(target, posts),
    )
    report.posts.set(posts)
    if reporter is not None and also_block:
        graph.block(actor=reporter, target=target)
    elif reporter is not None and also_mute:
        graph.mute(actor=reporter, target=target)
    return report


def _snapshot(target: Account, posts: Sequence[Post]) -> dict[str, object]:
    """What the reporter saw, kept on the report: the profile and each post with its photos."""
    media = media_by_post([post.pk for post in posts])
    return {
        "account": {
            "id": target.pk,
            "username": target.username,
            "display_name": target.display_name,
            "bio": target.bio,
        },
        "posts": [
            {
                "id": post.pk,
                "author": target.username,
                "text": post.text,
                "content_html": post.content_html,
                "spoiler_text": post.spoiler_text,
                "visibility": post.visibility,
                "created_at": post.created_at.isoformat(),
                "media": [item.file.url for item in media.get(post.pk, []) if item.file],
            }
            for post in posts
        ],
    }


@transaction.atomic
def report_assign(*, report: Report, moderator: User | None) -> None:
    """Assign `report` to `moderator` (None: unassign)."""
    report.assigned_to = moderator
    report.save(update_fields=["assigned_to"])


@transaction.atomic
def report_note_add(*, report: Report, author: User, text: str) -> ReportNote:
    text = text.replace("\x00", "").strip()
    if not text:
        raise ValidationError({"text": "Write something first."})
    if len(text) > MAX_NOTE:
        raise ValidationError({"text": f"Keep notes under {MAX_NOTE:,} characters."})
    return ReportNote.objects.create(report=report, author=author, text=text)


def report_resolve(*, report: Report) -> None:
    """Close `report` (inside the caller's transaction) and tell the reporter."""
    if report.status == ReportStatus.RESOLVED:
        return
    report.status = ReportStatus.RESOLVED
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolved_at"])
    if report.reporter_id is not None:
        notify_moderation(
            recipient=report.reporter,  # type: ignore[arg-type]  # checked above
            message=f"Thank you for your report about @{report.target_username}. "
            "The moderators have looked at it and handled it.",
        )

from django.conf import settings
from django.db import models

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField
from hearth.posts.models import Post


class ReportCategory(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment or bullying"
    HATE = "hate", "Hate"
    VIOLENCE = "violence", "Violence or violent extremism"
    ILLEGAL = "illegal", "Illegal content"
    CSAM = "csam", "Sexual content involving minors"
    IMPERSONATION = "impersonation", "Impersonation"
    #: Breaks one or more of the server rules (Report.rule_ids says which).
    RULE = "rule", "Breaks a server rule"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Report(models.Model):
    """Someone asked the moderators to look at an account and, maybe, some of its posts.

    `snapshot` keeps what the reporter saw (profile and posts, with photo links) as it was at
    report time, so the moderators can judge it even after the author edits or deletes it.
    A report made by Hearth itself (a post held by the spam check) has no reporter.
    """

    id = TimeOrderedIdField()
    reporter = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports_made"
    )
    #: The reported account; null once its data is deleted (the snapshot stays).
    target = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    target_username = models.CharField(max_length=30)
    posts = models.ManyToManyField(Post, blank=True, related_name="+")
    category = models.CharField(max_length=20, choices=ReportCategory)
    #: Ids of the server rules the reporter said were broken (hearth.moderation ServerRule).
    rule_ids = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True, default="", max_length=1000)
    #: Asked to forward to the author's server (kept for the API; every account is local).
    forward = models.BooleanField(default=False)
    snapshot = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus, default=ReportStatus.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        permissions = [("moderate", "Can handle reports and take moderation actions")]
        indexes = [models.Index(fields=["status", "-id"], name="moderation_report_status_idx")]

    def __str__(self) -> str:
        return f"report {self.pk} on @{self.target_username}"

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN


class ReportNote(models.Model):
    """A note between moderators on a report."""

    id = TimeOrderedIdField()
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"note on report {self.report_id}"

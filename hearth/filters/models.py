"""Keyword filters ("muted words"): a member's own rules for hiding or folding posts.

A Filter has a title, the places it applies (`context`), what it does (`filter_action`) and an
optional end (`expires_at`). It matches a post through its keywords (FilterKeyword) or because
the post was added to it by hand (FilterStatus). Mastodon's v2 filters, one to one.
"""

from django.db import models

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField, TimestampedModel
from hearth.posts.models import Post

MAX_TITLE_LENGTH = 200
MAX_KEYWORD_LENGTH = 200


class FilterContext(models.TextChoices):
    HOME = "home", "Home and lists"
    NOTIFICATIONS = "notifications", "Notifications"
    PUBLIC = "public", "Public timelines"
    THREAD = "thread", "Conversations"
    ACCOUNT = "account", "Profiles"


class FilterAction(models.TextChoices):
    WARN = "warn", "Hide behind a warning"
    HIDE = "hide", "Hide completely"
    BLUR = "blur", "Blur media"


class Filter(TimestampedModel):
    id = TimeOrderedIdField()
    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=MAX_TITLE_LENGTH)
    #: The FilterContext values it applies in, as a list (a set: no repeats, any order).
    context = models.JSONField(default=list)
    filter_action = models.CharField(
        max_length=8, choices=FilterAction.choices, default=FilterAction.WARN
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-id"], name="filters_owner_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.owner_id})"


class FilterKeyword(TimestampedModel):
    id = TimeOrderedIdField()
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=MAX_KEYWORD_LENGTH)
    whole_word = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.keyword


class FilterStatus(TimestampedModel):
    id = TimeOrderedIdField()
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="statuses")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["filter", "post"], name="filters_status_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} in {self.filter_id}"

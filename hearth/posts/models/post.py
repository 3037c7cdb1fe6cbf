from django.db import models
from django.db.models import Q

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.core.models import TimeOrderedIdField


class ModerationState(models.TextChoices):
    """Where a post stands with the moderators (hearth.moderation sets it)."""

    NONE = "", "Published"
    #: Waiting for a moderator's approval: only its author sees it.
    HELD = "held", "Held for review"
    #: Removed by a moderator: nobody sees it, but it is kept so an appeal can restore it.
    REMOVED = "removed", "Removed by a moderator"


class Post(models.Model):
    """What a member wrote (a "status" in Mastodon's API), or a repost of someone's post.

    A repost is a Post with `reblog_of` set and no text of its own; it has its author and its
    time, and everything else (text, replies, favourites) belongs to the original.

    `text` is the source exactly as typed; `content_html` is rendered from it once, when it is
    written (hearth.posts.text), so reading a post never parses it again. Rows are written only
    through hearth.posts.services, which keeps the counters here and on Account in step, and read
    through hearth.posts.selectors, the one place that decides who may see a post.
    """

    id = TimeOrderedIdField()
    # db_index=False: the (author, id) index leads with it.
    author = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="posts", db_index=False
    )
    text = models.TextField(blank=True, default="")
    content_html = models.TextField(blank=True, default="")
    #: A content warning: shown instead of the text until the reader opens the post.
    spoiler_text = models.CharField(max_length=500, blank=True, default="")
    sensitive = models.BooleanField(default=False)
    #: ISO 639-1 code, or blank for unknown.
    language = models.CharField(max_length=8, blank=True, default="")
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.PUBLIC)
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        db_index=False,  # the (in_reply_to, id) index leads with it
    )
    #: Kept when the parent is deleted, so a reply still reads as one.
    in_reply_to_account = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reblog_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reblogs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    #: Held or removed by moderation (see ModerationState); blank for a published post.
    review_state = models.CharField(
        max_length=10, choices=ModerationState, blank=True, default=ModerationState.NONE
    )
    #: Why the checks held it (hearth.posts.screening: a screener's reason), for the moderators'
    #: queue; blank when no check held it.
    review_reason = models.CharField(max_length=300, blank=True, default="")

    replies_count = models.PositiveIntegerField(default=0)
    reblogs_count = models.PositiveIntegerField(default=0)
    favourites_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "reblog_of"],
                condition=Q(reblog_of__isnull=False),
                name="posts_post_one_reblog",
            ),
        ]
        indexes = [
            # A profile: one author's posts, newest first.
            models.Index(fields=["author", "-id"], name="posts_post_author_idx"),
            # A thread: the replies to one post, in order.
            models.Index(fields=["in_reply_to", "id"], name="posts_post_reply_idx"),
            # The public timeline: public posts, newest first.
            models.Index(fields=["visibility", "-id"], name="posts_post_visibility_idx"),
        ]

    def __str__(self) -> str:
        if self.reblog_of_id is not None:
            return f"{self.author_id} reposted {self.reblog_of_id}"
        return f"post {self.pk} by {self.author_id}"

    @property
    def is_reblog(self) -> bool:
        return self.reblog_of_id is not None

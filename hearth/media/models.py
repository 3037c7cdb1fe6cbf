"""A photo uploaded to be attached to a post (Mastodon's MediaAttachment).

Its life is a small state machine (TRANSITIONS): an upload is `pending` until a worker takes it,
`processing` while it is checked and re-encoded, then `ready`, or `failed` with a message for
the person who uploaded it. The uploaded bytes (`original`) wait in private storage under a
random name and are deleted once processing ends either way; only re-encoded files (`file`, the
display size, and `thumbnail`) are ever served, also under random names.

The link to a post is the nullable `post` column, declared by app label: hearth.media never
imports hearth.posts; posts (one layer up) attaches, reads and deletes media through
hearth.media.services and selectors. See docs/subsystems/media.md.
"""

from django.db import models
from django.db.models import Q

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField

#: Most photos on one post (as on Mastodon).
MAX_ATTACHMENTS = 4
#: Longest alt text, in characters (as on Mastodon).
DESCRIPTION_MAX_LENGTH = 1500


class MediaState(models.TextChoices):
    PENDING = "pending", "Waiting to be processed"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


#: Which state may follow which; anything else is a bug (media_state_set refuses it).
TRANSITIONS: dict[str, frozenset[str]] = {
    MediaState.PENDING: frozenset({MediaState.PROCESSING, MediaState.FAILED}),
    MediaState.PROCESSING: frozenset({MediaState.READY, MediaState.FAILED}),
    MediaState.READY: frozenset(),
    MediaState.FAILED: frozenset(),
}


class MediaAttachment(models.Model):
    id = TimeOrderedIdField()
    owner = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="media_attachments", db_index=False
    )
    # SET_NULL, not CASCADE: when posts vanish in bulk (an account's erasure), the rows stay
    # behind as orphans so the hourly purge deletes their files too. post_delete removes a
    # post's media itself, files included.
    post = models.ForeignKey(
        "posts.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="media_attachments",
        db_index=False,  # the (post, position) index leads with it
    )
    #: Order on the post, 0-based, as the media ids were given.
    position = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=12, choices=MediaState, default=MediaState.PENDING)
    #: Why processing failed, in words for the uploader.
    error = models.CharField(max_length=300, blank=True, default="")

    #: Name of the uploaded bytes in the "media_private" storage; blank once processed.
    original = models.CharField(max_length=200, blank=True, default="")
    #: The display size (at most DISPLAY_SIDE on the long side) and the thumbnail.
    file = models.FileField(max_length=200, blank=True, default="")
    thumbnail = models.FileField(max_length=200, blank=True, default="")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)

    blurhash = models.CharField(max_length=64, blank=True, default="")
    #: The blurhash decoded once to a tiny PNG, as a data: URI, for a placeholder without JS.
    placeholder = models.TextField(blank=True, default="")
    #: The most common colour, "#rrggbb".
    colour = models.CharField(max_length=7, blank=True, default="")
    #: Focal point in Mastodon's coordinates: -1 (left, bottom) to 1 (right, top), 0 the centre.
    focus_x = models.FloatField(default=0.0)
    focus_y = models.FloatField(default=0.0)
    #: Alt text: what the picture shows, for people who can't see it.
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # A page of posts' attachments in one query; "has media" for the profile's tab.
            models.Index(fields=["post", "position"], name="media_post_idx"),
            # An owner's uploads, newest first.
            models.Index(fields=["owner", "-id"], name="media_owner_idx"),
            # The orphan purge: unattached uploads by age, a small partial index.
            models.Index(
                fields=["created_at"], condition=Q(post__isnull=True), name="media_orphan_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"media {self.pk} by {self.owner_id} ({self.state})"

    @property
    def is_ready(self) -> bool:
        return self.state == MediaState.READY

    @property
    def focus(self) -> str:
        """The focal point as Mastodon writes it, "x,y"."""
        return f"{self.focus_x:.2f},{self.focus_y:.2f}"

    @property
    def aspect(self) -> float:
        if not self.width or not self.height:
            return 1.0
        return self.width / self.height

    @property
    def object_position(self) -> str:
        """The focal point as CSS object-position, so crops keep the subject in view."""
        return f"{(self.focus_x + 1) * 50:.0f}% {(1 - self.focus_y) * 50:.0f}%"

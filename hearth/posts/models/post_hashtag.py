from django.db import models

from hearth.core.models import TimeOrderedIdField
from hearth.posts.models.hashtag import Hashtag
from hearth.posts.models.post import Post


class PostHashtag(models.Model):
    """`post` uses `hashtag`."""

    id = TimeOrderedIdField()
    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        related_name="hashtag_links",
        db_index=False,  # the unique pair leads with it
    )
    hashtag = models.ForeignKey(
        Hashtag,
        on_delete=models.CASCADE,
        related_name="post_links",
        db_index=False,  # the (hashtag, post) index leads with it
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "hashtag"], name="posts_posthashtag_unique"),
        ]
        indexes = [
            # The hashtag timeline: a tag's posts, newest first (post ids are time-ordered).
            models.Index(fields=["hashtag", "-post"], name="posts_posthashtag_tag_idx"),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} tagged {self.hashtag_id}"

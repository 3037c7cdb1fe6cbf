from django.db import models

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField
from hearth.posts.models.post import Post


class Bookmark(models.Model):
    """`account` saved `post` for later. Private: nobody else learns of it."""

    id = TimeOrderedIdField()
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="bookmarks",
        db_index=False,  # the unique pair leads with it
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "post"], name="posts_bookmark_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} bookmarked post {self.post_id}"

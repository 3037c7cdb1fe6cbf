from django.db import models

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField
from hearth.posts.models.post import Post


class Favourite(models.Model):
    """`account` liked `post`. Counted in Post.favourites_count by hearth.posts.services."""

    id = TimeOrderedIdField()
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="favourites",
        db_index=False,  # the unique pair leads with it
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "post"], name="posts_favourite_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} likes post {self.post_id}"

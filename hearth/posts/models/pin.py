from django.db import models

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField
from hearth.posts.models.post import Post

#: How many of their own posts an account can pin to the top of its profile.
MAX_PINNED_POSTS = 5


class Pin(models.Model):
    """`account` pinned its own `post` to the top of its profile (at most MAX_PINNED_POSTS)."""

    id = TimeOrderedIdField()
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="pins",
        db_index=False,  # the unique pair leads with it
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="pins")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "post"], name="posts_pin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} pinned post {self.post_id}"

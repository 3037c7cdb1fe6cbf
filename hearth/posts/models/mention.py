from django.db import models

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField
from hearth.posts.models.post import Post


class Mention(models.Model):
    """`post` mentions `account`: for a direct post, the people who may read it."""

    id = TimeOrderedIdField()
    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        related_name="mentions",
        db_index=False,  # the unique pair leads with it
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "account"], name="posts_mention_unique"),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} mentions {self.account_id}"

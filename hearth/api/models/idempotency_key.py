from django.db import models
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.posts.models import Post


class IdempotencyKey(models.Model):
    """A status posted with an `Idempotency-Key` header: the same key from the same account
    within an hour returns this post instead of making another (hearth.api.idempotency).

    `digest` is the SHA-256 of the header as sent, so any key length fits. `post` is empty only
    inside the transaction that claims the key; deleting the post frees the key.
    """

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique pair leads with it
    )
    digest = models.CharField(max_length=64)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "digest"], name="api_idempotency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} posted {self.post_id} with key {self.digest[:8]}"

from django.db import models
from django.db.models import F, Q

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField


class Mute(models.Model):
    """`account` muted `target`: a private choice, invisible to the target.

    A full mute hides the target's posts and reposts from the account's feeds; with
    `reposts_only` only their reposts are hidden. `hide_notifications` also silences the
    notifications the target causes.
    """

    id = TimeOrderedIdField()
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="outbound_mutes",
        db_index=False,  # the unique pair leads with it
    )
    target = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="inbound_mutes")
    created_at = models.DateTimeField(auto_now_add=True)
    hide_notifications = models.BooleanField(default=True)
    reposts_only = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "target"], name="graph_mute_unique"),
            models.CheckConstraint(condition=~Q(account=F("target")), name="graph_mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} mutes {self.target_id}"

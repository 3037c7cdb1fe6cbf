from django.db import models
from django.db.models import F, Q

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField


class Block(models.Model):
    """`account` blocked `target`: no follows either way, and each is hidden from the other.

    The hiding is symmetric although the row is not: reads check both directions
    (hearth.graph.selectors.blocked_account_ids, is_blocked_between).
    """

    id = TimeOrderedIdField()
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="outbound_blocks",
        db_index=False,  # the unique pair leads with it
    )
    target = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="inbound_blocks",
        db_index=False,  # the (target, account) index leads with it
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "target"], name="graph_block_unique"),
            models.CheckConstraint(condition=~Q(account=F("target")), name="graph_block_not_self"),
        ]
        indexes = [
            # "Who blocks me?" is asked on every feed read, as often as "whom do I block?".
            models.Index(fields=["target", "account"], name="graph_block_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} blocks {self.target_id}"

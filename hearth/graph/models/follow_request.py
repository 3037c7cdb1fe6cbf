from django.db import models
from django.db.models import F, Q

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField


class FollowRequest(models.Model):
    """`follower` asked to follow the locked account `target`, who has not answered yet.

    The row is the whole lifecycle: it exists while the request is pending, and accepting
    (which turns it into a Follow), rejecting, withdrawing or a block deletes it.
    """

    id = TimeOrderedIdField()
    follower = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="outbound_follow_requests",
        db_index=False,  # the unique pair leads with it
    )
    target = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="inbound_follow_requests",
        db_index=False,  # the (target, id) index leads with it
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Carried over to the Follow when the request is accepted.
    show_reposts = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "target"], name="graph_followrequest_unique"
            ),
            models.CheckConstraint(
                condition=~Q(follower=F("target")), name="graph_followrequest_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["target", "-id"], name="graph_followreq_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} asks to follow {self.target_id}"

from django.db import models
from django.db.models import F, Q

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField


class Follow(models.Model):
    """`follower` sees `target`'s posts in their home feed. Two opposite Follows make friends.

    The id is time-ordered, so "newest first" lists sort on it instead of on created_at.
    Rows are written only through hearth.graph.services, which keeps the counters on Account
    (followers_count, following_count) in step with them.
    """

    id = TimeOrderedIdField()
    # db_index=False: the unique pair (follower, target) and the (target, id) index below lead
    # with these columns already.
    follower = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="outbound_follows", db_index=False
    )
    target = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="inbound_follows", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: The follower's home feed includes the target's reposts (Mastodon's "show boosts").
    show_reposts = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "target"], name="graph_follow_unique"),
            models.CheckConstraint(
                condition=~Q(follower=F("target")), name="graph_follow_not_self"
            ),
        ]
        indexes = [
            # An account's followers and the accounts it follows, each newest first (the unique
            # pair serves lookups of one pair, not this order).
            models.Index(fields=["target", "-id"], name="graph_follow_target_idx"),
            models.Index(fields=["follower", "-id"], name="graph_follow_follower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.target_id}"

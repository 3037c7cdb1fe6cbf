"""Tables of the feed engine: the database feed store (FeedEntry, FeedState), the fan-out outbox
(FanoutJob) and the feeds waiting to be repaired after a Redis outage (FeedRepair); and lists
(List, ListMember), the member's own timelines of some of the people they follow.

The Redis store keeps feeds in Redis instead; the outbox and repair tables are used with both.
"""

from django.db import models
from django.db.models import Q

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField, TimestampedModel
from hearth.posts.models import Post


class FeedEntry(models.Model):
    """Post `post` is in `account`'s home feed (the database store).

    The author and the reposted post are copied here so that removals ("everything by this
    author", on unfollow or block) are one indexed DELETE without a join.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)
    # A deleted post leaves every feed in the same transaction, by cascade.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    author_id = models.BigIntegerField()
    reblog_of_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "post"], name="timelines_feedentry_unique"),
        ]
        indexes = [
            # A page of one feed, newest first, is a range scan of this index.
            models.Index(fields=["account", "-post"], name="timelines_feed_page_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} in {self.account_id}'s feed"


class FeedState(models.Model):
    """`account`'s feed in the database store is complete as of `built_at` (rebuilt then from
    the posts table, and kept up to date by fan-out since). No row: not built, or marked stale."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account_id}'s feed, built {self.built_at:%Y-%m-%d %H:%M}"


class FanoutJob(models.Model):
    """The outbox: a post to deliver to feeds, written in the transaction that creates the post.

    The fan-out task marks it done; the sweeper re-runs jobs still pending after a minute (the
    worker died, the broker lost the message, or Redis was down). Delivering twice changes
    nothing, so a re-run is always safe.
    """

    class Kind(models.TextChoices):
        POST = "post", "post"
        REBLOG = "reblog", "repost"

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        DONE = "done", "done"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The sweeper and the read-time merge look only at pending jobs, a handful of rows.
            models.Index(
                fields=["created_at"],
                name="timelines_fanout_pending_idx",
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"fan-out of {self.post_id} ({self.state})"


class FeedRepair(models.Model):
    """`account`'s Redis feed may have missed changes while Redis was unreachable: the sweeper
    drops it once Redis answers again, and the next read rebuilds it."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"repair {self.account_id}'s feed"


MAX_LIST_TITLE_LENGTH = 100


class List(TimestampedModel):
    """A timeline of some of the accounts `owner` follows, by title ("Friends", "News").

    A list's timeline is a pull query over its members' posts (hearth.timelines.lists), so it
    has no feed of its own to keep up to date. Only its owner ever sees it.
    """

    class RepliesPolicy(models.TextChoices):
        #: Replies to anyone the owner follows.
        FOLLOWED = "followed", "replies to people you follow"
        #: Replies to other members of the list.
        LIST = "list", "replies to members of the list"
        #: No replies to others (replies to the owner still show).
        NONE = "none", "no replies"

    id = TimeOrderedIdField()
    # db_index=False: the (owner, id) index leads with it.
    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)
    title = models.CharField(max_length=MAX_LIST_TITLE_LENGTH)
    replies_policy = models.CharField(
        max_length=10, choices=RepliesPolicy.choices, default=RepliesPolicy.LIST
    )
    #: Mastodon's "hide these posts from home". Stored and returned; home does not apply it yet.
    exclusive = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["owner", "id"], name="timelines_list_owner_idx")]

    def __str__(self) -> str:
        return f"{self.owner_id}'s list {self.title!r}"


class ListMember(models.Model):
    """`account` is on `list`. Its owner follows `account`: membership ends with the follow
    (unfollow, block, removal from followers), as on Mastodon."""

    id = TimeOrderedIdField()
    list = models.ForeignKey(List, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="list_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["list", "account"], name="timelines_listmember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} on list {self.list_id}"

from django.db import models
from django.db.models import Q

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField
from hearth.posts.models import Post


class NotificationType(models.TextChoices):
    FOLLOW = "follow", "New followers"
    FOLLOW_REQUEST = "follow_request", "Follow requests"
    MENTION = "mention", "Mentions"
    REPLY = "reply", "Replies to your posts"
    FAVOURITE = "favourite", "Likes"
    REBLOG = "reblog", "Reposts"
    UPDATE = "update", "Edits to posts you liked or reposted"
    #: From the server's moderators (a report handled, a post removed): always delivered.
    MODERATION = "moderation", "Messages from the moderators"


#: The kinds that are about a post (the others, follows and requests, have none).
POST_TYPES = frozenset(
    {
        NotificationType.MENTION,
        NotificationType.REPLY,
        NotificationType.FAVOURITE,
        NotificationType.REBLOG,
        NotificationType.UPDATE,
    }
)


class Notification(models.Model):
    """`actor` did something `recipient` should hear about (`type`), maybe about `post`.

    Written only by hearth.notifications.services, from the posts and graph signals, and read
    through hearth.notifications.selectors, which hides the ones that should no longer show
    (a block, a mute, a post the recipient can no longer see, a like taken back).

    There is at most one row per (recipient, type, actor, post): the unique constraints make a
    re-run task a no-op, and a like, un-like and like again notify once. Whether a row is read
    is not stored here; see NotificationMarker.
    """

    id = TimeOrderedIdField()
    recipient = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the (recipient, id) index leads with it
    )
    type = models.CharField(max_length=20, choices=NotificationType)
    actor = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    #: The post it is about: the mention or reply itself, or the liked, reposted or edited post.
    #: Deleting the post deletes its notifications.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: For MODERATION: what the moderators say, and a page with the details.
    message = models.TextField(blank=True, default="")
    url = models.CharField(max_length=200, blank=True, default="")
    #: For MODERATION about an action taken against the recipient: that audit log entry
    #: (hearth.moderation's ModerationAction; a plain id, as notifications sit below
    #: moderation). The client API shows these as Mastodon's `moderation_warning`.
    moderation_action_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Two partial constraints because NULLs are distinct in a unique constraint: one
            # for the kinds about a post, one for follows and requests.
            models.UniqueConstraint(
                fields=["recipient", "type", "actor", "post"],
                condition=Q(post__isnull=False),
                name="notifications_unique_with_post",
            ),
            models.UniqueConstraint(
                fields=["recipient", "type", "actor"],
                # Messages from the moderators are each their own notification.
                condition=Q(post__isnull=True) & ~Q(type="moderation"),
                name="notifications_unique_without_post",
            ),
        ]
        indexes = [
            # The list and the unread count: one recipient's rows, newest first / above a marker.
            models.Index(fields=["recipient", "-id"], name="notifications_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.recipient_id} from {self.actor_id}"

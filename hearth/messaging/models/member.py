from django.db import models

from hearth.accounts.models import Account
from hearth.messaging.models.conversation import Conversation


class ConversationMember(models.Model):
    """One participant's side of a conversation: what they last saw of it and whether they
    hid it.

    `last_status_id` is the newest post of the conversation this account could see when it
    arrived; the inbox is ordered by it (ids are time-ordered, so newest message first) and
    pages by it. A new message marks the conversation unread for everyone but its author and
    brings back a hidden one, as on Mastodon.
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the (account, last_status_id) index leads with it
    )
    last_status_id = models.BigIntegerField(null=True, blank=True)
    unread = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "conversation"], name="messaging_member_unique"
            ),
        ]
        indexes = [
            # The inbox: one account's conversations, newest message first.
            models.Index(fields=["account", "-last_status_id"], name="messaging_inbox_idx"),
            # After a post is deleted: the members whose newest message it was.
            models.Index(fields=["last_status_id"], name="messaging_last_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} in conversation {self.conversation_id}"

from django.db import models

from hearth.accounts.models import Account


class NotificationPreference(models.Model):
    """Which notifications `account` wants. No row means the defaults: every kind, from anyone.

    Applied when a notification would be created, not when it is read: turning a kind off stops
    new ones and keeps the unread count exact; turning it back on does not bring back the ones
    that were never made.
    """

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    follow = models.BooleanField("new followers", default=True)
    follow_request = models.BooleanField("follow requests", default=True)
    mention = models.BooleanField("mentions", default=True)
    reply = models.BooleanField("replies to your posts", default=True)
    favourite = models.BooleanField("likes", default=True)
    reblog = models.BooleanField("reposts", default=True)
    update = models.BooleanField("edits to posts you liked or reposted", default=True)
    #: Only accounts the recipient follows may notify them (any kind).
    only_from_following = models.BooleanField("only from people you follow", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notification preferences of {self.account_id}"

    def wants(self, kind: str) -> bool:
        """Does the account want notifications of this kind (a NotificationType value)?
        Messages from the moderators can't be turned off."""
        if kind == "moderation":
            return True
        return bool(getattr(self, kind))

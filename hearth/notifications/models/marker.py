from django.db import models

from hearth.accounts.models import Account


class NotificationMarker(models.Model):
    """How far `account` has read its notifications: every one with an id up to
    `last_read_id` is read.

    A marker instead of a `read` flag on each row: "mark all as read" is one write to one row
    instead of an UPDATE of every unread row, and the unread count is a range scan of the
    (recipient, id) index above the marker, with no second index on a flag that flips. Ids are
    time-ordered, so "newer than the marker" is "arrived since". Mastodon keeps the same kind of
    marker for its notifications.
    """

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_read_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.account_id} read notifications up to {self.last_read_id}"

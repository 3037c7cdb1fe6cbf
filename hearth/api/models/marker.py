from django.db import models

from hearth.accounts.models import Account


class TimelineMarker(models.Model):
    """Where a member stopped reading a timeline in an app (Mastodon's markers), so another
    app or device can continue from there. `version` counts saves, for clients that detect
    conflicting writes."""

    class Timeline(models.TextChoices):
        HOME = "home", "Home"
        NOTIFICATIONS = "notifications", "Notifications"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    timeline = models.CharField(max_length=20, choices=Timeline)
    last_read_id = models.BigIntegerField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "timeline"], name="api_marker_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} read {self.timeline} up to {self.last_read_id}"

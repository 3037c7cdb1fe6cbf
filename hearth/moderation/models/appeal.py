from django.conf import settings
from django.db import models

from hearth.accounts.models import Account
from hearth.core.models import TimeOrderedIdField
from hearth.moderation.models.action import ModerationAction


class AppealStatus(models.TextChoices):
    OPEN = "open", "Waiting for a moderator"
    UPHELD = "upheld", "Decision upheld"
    REVERSED = "reversed", "Decision reversed"


class Appeal(models.Model):
    """The affected member asks the moderators to look again at an action: once per action."""

    id = TimeOrderedIdField()
    action = models.OneToOneField(ModerationAction, on_delete=models.PROTECT, related_name="appeal")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=AppealStatus, default=AppealStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"appeal {self.pk} of action {self.action_id}"

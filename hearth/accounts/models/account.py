from typing import TypedDict

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.validators import USERNAME_MAX_LENGTH, USERNAME_VALIDATORS
from hearth.core.models import TimeOrderedIdField, TimestampedModel

MAX_PROFILE_LINKS = 4


class ProfileLink(TypedDict):
    name: str
    url: str


def avatar_upload_to(instance: "Account", filename: str) -> str:
    return f"accounts/{instance.pk}/avatar/{filename}"


def header_upload_to(instance: "Account", filename: str) -> str:
    return f"accounts/{instance.pk}/header/{filename}"


class Account(TimestampedModel):
    """The public identity: what others see and follow. A `User` logs in as one Account."""

    id = TimeOrderedIdField()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account",
        null=True,
        blank=True,
    )
    username = models.CharField(max_length=USERNAME_MAX_LENGTH, validators=USERNAME_VALIDATORS)
    display_name = models.CharField(max_length=50, blank=True, default="")
    bio = models.TextField(max_length=500, blank=True, default="")
    avatar = models.ImageField(upload_to=avatar_upload_to, blank=True, default="")
    header = models.ImageField(upload_to=header_upload_to, blank=True, default="")
    #: Up to four [{"name": ..., "url": ...}] links shown on the profile.
    links = models.JSONField(default=list, blank=True)
    #: Followers must be approved.
    locked = models.BooleanField("approve followers", default=False)
    #: May be suggested to others and listed in the directory.
    discoverable = models.BooleanField(default=True)
    #: Only the owner sees whom this account follows and who follows it.
    hide_network = models.BooleanField("hide followers and following lists", default=False)

    followers_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    #: When the member last used the site, to the day (web.middleware refreshes it at most once
    #: a day). Home feeds are kept up to date only for recently active accounts (timelines).
    last_active_at = models.DateTimeField(default=timezone.now)

    # Moderation state, set only by hearth.moderation.services (which keeps the audit log).
    #: Suspended: the profile and everything it posted are hidden from everyone (selectors).
    suspended_at = models.DateTimeField(null=True, blank=True)
    #: Limited: its posts stay out of the public timelines and reach only its followers.
    limited_at = models.DateTimeField(null=True, blank=True)
    #: Legal hold: its data is preserved for a lawful request; deletion is refused meanwhile.
    legal_hold_at = models.DateTimeField(null=True, blank=True)
    #: Its next posts wait for a moderator's approval before anyone else sees them.
    posts_need_approval = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="account_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.username}"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"username": self.username})

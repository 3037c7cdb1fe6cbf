from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from hearth.accounts.validators import USERNAME_MAX_LENGTH, USERNAME_VALIDATORS
from hearth.core.models import TimeOrderedIdField


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    UNLISTED = "unlisted", "Unlisted"
    PRIVATE = "private", "Followers only"
    DIRECT = "direct", "Mentioned people only"


class Theme(models.TextChoices):
    AUTO = "auto", "Match my device"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class MemberQuerySet(models.QuerySet["User"]):
    def select_for_update(self, *args: Any, **kwargs: Any) -> "MemberQuerySet":
        # The user's row alone: PostgreSQL refuses to lock the nullable side of an outer join.
        return super().select_for_update(*args, **kwargs).select_related(None)


class MemberManager(UserManager["User"]):
    """Users come with their Account (a LEFT JOIN on the one-to-one). Every signed-in request
    loads its user (django.contrib.auth's backends use this manager) and then its account (the
    suspension check, the frame, nearly every view): one query instead of two. Locking a user
    (select_for_update) leaves the account out."""

    def get_queryset(self) -> MemberQuerySet:
        return MemberQuerySet(self.model, using=self._db).select_related("account")


class User(AbstractUser):
    """Who logs in: credentials, email and preferences. The public identity is `Account`."""

    id = TimeOrderedIdField()
    username = models.CharField(
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=USERNAME_VALIDATORS,
        help_text="1–30 letters, digits or underscores.",
        error_messages={"unique": "That username is taken."},
    )
    email = models.EmailField("email address", blank=True)

    default_visibility = models.CharField(
        "default post visibility", max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    #: Default language of new posts (ISO 639-1); blank means "detect from the post".
    language = models.CharField("posting language", max_length=8, blank=True, default="")
    theme = models.CharField(max_length=8, choices=Theme, default=Theme.AUTO)
    #: Refuse to post images without a description (alt text), instead of only warning.
    require_alt_text = models.BooleanField("require image descriptions", default=False)

    #: Set when the member asked to delete the account; erased after the grace period.
    deletion_scheduled_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[MemberManager] = MemberManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

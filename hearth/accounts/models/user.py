from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.functions import Lower

from hearth.accounts.validators import USERNAME_MAX_LENGTH, USERNAME_VALIDATORS
from hearth.core.compiled import CompiledQuery, load_instances, model_columns
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

    def get(self, *args: Any, **kwargs: Any) -> "User":
        """`get(pk=...)`, which django.contrib.auth's backends run on every signed-in request,
        answers from a compiled query (hearth.core.compiled): building and compiling the
        join took 0.6 ms of the 0.75 the lookup cost. Any other lookup is the queryset's."""
        pk = kwargs.get("pk")
        if args or kwargs.keys() != {"pk"} or self._db not in (None, DEFAULT_DB_ALIAS):
            return super().get(*args, **kwargs)
        if not (type(pk) is int or (type(pk) is str and pk.isascii() and pk.isdigit())):
            return super().get(*args, **kwargs)  # the queryset's conversion, and its errors
        pk = int(pk)
        found = _MEMBER_BY_PK.rows(pk)
        if not found:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        user, account = load_instances(found[0], _member_models())
        assert isinstance(user, User)  # noqa: S101  # the row is a user's
        # Cached both ways, None included, as select_related leaves them.
        related = User.account.related
        related.set_cached_value(user, account)
        if account is not None:
            related.field.set_cached_value(account, user)
        return user


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


def _member_models() -> tuple[type[models.Model], ...]:
    from hearth.accounts.models.account import Account  # defined after User

    return (User, Account)


def _member_query(pk: int) -> models.QuerySet[Any, tuple[Any, ...]]:
    user, account = _member_models()
    rows: models.QuerySet[Any, tuple[Any, ...]] = User.objects.filter(pk=pk).values_list(
        *model_columns(user), *model_columns(account, "account__")
    )
    return rows


#: Built on its first run, when Account (defined after User) exists.
_MEMBER_BY_PK = CompiledQuery(_member_query)

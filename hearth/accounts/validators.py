"""Username rules: 1-30 ASCII letters, digits or underscores, not a reserved word.

Restricting usernames to ASCII is what keeps look-alike names out: a Cyrillic "а" in "аdmin" is
refused outright instead of needing a confusables table.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator

USERNAME_MAX_LENGTH = 30

# Names that are paths on this site, roles, or would let someone pose as the server itself.
RESERVED_USERNAMES = frozenset(
    [
        "about",
        "abuse",
        "accounts",
        "admin",
        "administrator",
        "api",
        "apps",
        "assets",
        "auth",
        "billing",
        "bookmarks",
        "contact",
        "dashboard",
        "developer",
        "developers",
        "docs",
        "explore",
        "favourites",
        "guidelines",
        "health",
        "help",
        "hearth",
        "home",
        "inbox",
        "info",
        "legal",
        "login",
        "logout",
        "mail",
        "media",
        "mod",
        "moderation",
        "moderator",
        "moderators",
        "me",
        "messages",
        "news",
        "noreply",
        "no_reply",
        "notifications",
        "oauth",
        "official",
        "outbox",
        "owner",
        "postmaster",
        "press",
        "privacy",
        "public",
        "report",
        "reports",
        "root",
        "search",
        "security",
        "settings",
        "signup",
        "sign_up",
        "static",
        "staff",
        "status",
        "statuses",
        "support",
        "system",
        "tags",
        "terms",
        "timelines",
        "undefined",
        "user",
        "users",
        "webmaster",
        "well_known",
        "www",
    ]
)

username_format = RegexValidator(
    regex=r"\A[A-Za-z0-9_]+\Z",
    message="Use only letters (a–z), digits and underscores.",
    code="invalid_username",
)


def not_reserved(value: str) -> None:
    if value.lower() in RESERVED_USERNAMES:
        raise ValidationError(
            "“%(name)s” is reserved on this server. Please choose another username.",
            code="reserved_username",
            params={"name": value},
        )


USERNAME_VALIDATORS: list[Callable[[Any], None]] = [
    username_format,
    MaxLengthValidator(USERNAME_MAX_LENGTH, "Usernames are at most %(limit_value)d characters."),
    not_reserved,
]

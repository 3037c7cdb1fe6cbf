from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from hearth.accounts.models import User
from hearth.moderation.roles import is_moderator_cached
from hearth.notifications.selectors import UNREAD_CAP, unread_badge_count
from hearth.web.csrf import response_csrf_token


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: the server's name, the reader's theme and the page's
    URL name (which the navigation marks as current)."""
    user = getattr(request, "user", None)
    theme = user.theme if user is not None and user.is_authenticated else "auto"
    match = getattr(request, "resolver_match", None)
    return {
        "url_name": match.url_name if match is not None else None,
        "instance_name": settings.HEARTH_INSTANCE_NAME,
        "instance_domain": settings.HEARTH_DOMAIN,
        "contact_email": settings.HEARTH_CONTACT_EMAIL,
        "theme": theme,
    }


@dataclass(frozen=True, slots=True)
class UnreadBadge:
    """The nav's notifications badge: how many are unread, as the badge shows it."""

    count: int

    @property
    def label(self) -> str:
        return f"{UNREAD_CAP - 1}+" if self.count >= UNREAD_CAP else str(self.count)


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread notifications badge, counted (one query) only when a page shows it, and only
    for a signed-in member; visitors and pages without the frame (htmx fragments) pay nothing."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"notifications_badge": UnreadBadge(0)}

    def count() -> UnreadBadge:
        account = getattr(user, "account", None)
        return UnreadBadge(unread_badge_count(account=account) if account is not None else 0)

    return {"notifications_badge": SimpleLazyObject(count)}


def moderation(request: HttpRequest) -> dict[str, Any]:
    """Whether the header links to the moderators' queue: from the cache (no query), and only
    worked out when a page's frame asks."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"is_moderator": False}
    return {"is_moderator": SimpleLazyObject(lambda: is_moderator_cached(user))}


def csrf(request: HttpRequest) -> dict[str, Any]:
    """`csrf_token` as Django's built-in processor gives it, but masked once per response
    (response_csrf_token), which it shadows: one mask, not one per rendering."""
    return {"csrf_token": SimpleLazyObject(lambda: response_csrf_token(request))}

"""Request middleware of the web interface."""

from collections.abc import Callable
from typing import Any

from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from hearth.accounts.services import account_mark_active
from hearth.core.cache import REDIS_DOWN, LocalGate, read_ahead
from hearth.core.ratelimit import RateLimited
from hearth.filters.selectors import filters_key
from hearth.graph.selectors import relationships_stamp_key
from hearth.moderation.roles import nav_key
from hearth.notifications.selectors import unread_badge_key
from hearth.web.views.errors import bad_request, too_many_requests

#: What a member whose account is scheduled for deletion may still reach: the page that cancels
#: it (where they can also download their data), logging out, and the server's policies.
DELETION_SCHEDULED_ALLOWED = frozenset(
    {
        "settings_data",
        "settings_data_export",
        "settings_data_export_download",
        "settings_data_delete_cancel",
        "account_logout",
        "about",
        "policy",
    }
)


class DeletionScheduledMiddleware:
    """Send a member whose account is scheduled for deletion to the page that can cancel it.

    Requesting deletion logs out every session, so this is what they see on logging in again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.deletion_scheduled_at is None:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in DELETION_SCHEDULED_ALLOWED:
            return None
        if request.path.startswith((settings.STATIC_URL or "/static/", settings.MEDIA_URL)):
            return None
        return redirect("settings_data")


#: What a suspended member may still reach: the page with the reason and the appeal form,
#: the page about any other action (and its appeal), logging out, and the server's policies.
SUSPENDED_ALLOWED = frozenset(
    {
        "moderation_suspended",
        "moderation_notice",
        "moderation_appeal",
        "account_logout",
        "about",
        "about_moderation",
        "policy",
    }
)


class SuspendedMiddleware:
    """Send a member whose account the moderators suspended to the page that says why (and
    takes an appeal): that is what logging in shows them. Their API tokens are refused by
    hearth.api.auth, and their profile and posts are hidden by the selectors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        account = getattr(user, "account", None)
        if account is None or account.suspended_at is None:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in SUSPENDED_ALLOWED:
            return None
        if request.path.startswith((settings.STATIC_URL or "/static/", settings.MEDIA_URL)):
            return None
        if request.path.startswith("/api/"):
            return None  # the API answers for itself (tokens of suspended members: 401)
        return redirect("moderation_suspended")


#: How often a signed-in session's "last seen" time and address are refreshed, in seconds.
SESSION_ACTIVITY_INTERVAL = 300
#: How often an account's `last_active_at` is refreshed, in seconds (a day).
ACCOUNT_ACTIVITY_INTERVAL = 24 * 60 * 60


class SessionActivityMiddleware:
    """allauth's active-sessions tracking, at most once per session per interval.

    allauth's own middleware runs three queries and an UPDATE on every signed-in request, which
    would make each page view a database write (and serialize readers behind it on SQLite). The
    sessions list only needs "last seen" to the nearest few minutes, so a cache key gates it: one
    cache round trip per request, the database only when the key has expired. Login still
    records the session at once (allauth's login signal).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and session.session_key
            and user is not None
            and user.is_authenticated
            and self._first_in_interval(f"session-seen:{session.session_key}")
        ):
            usersessionkit.track_activity(request, user=user, session=session)
            # And, at most once a day per member, when the account was last active: home feeds
            # are kept up to date only for recently active members (hearth.timelines).
            if _first(f"account-active:{user.pk}", ACCOUNT_ACTIVITY_INTERVAL):
                account_mark_active(user_id=user.pk)
        return self.get_response(request)

    @staticmethod
    def _first_in_interval(key: str) -> bool:
        """Is this the session's first request of the interval? The shared cache decides; a
        session this process saw go through a moment ago costs no round trip to it."""
        if _SESSIONS_SEEN.passed_recently(key):
            return False
        _SESSIONS_SEEN.note(key)
        return _first(key, SESSION_ACTIVITY_INTERVAL)


def _first(key: str, seconds: int) -> bool:
    """The first time `key` is seen in `seconds`, says the shared cache; with the cache
    unreachable, no: the sessions list and the activity date wait until it answers."""
    try:
        return bool(cache.add(key, 1, seconds))
    except REDIS_DOWN:
        return False


#: The sessions this process recorded as seen (SessionActivityMiddleware).
_SESSIONS_SEEN = LocalGate(SESSION_ACTIVITY_INTERVAL)


class FrameReadAheadMiddleware:
    """A signed-in member's page reads a handful of small cached values one by one: the
    frame's unread badge and moderator role, and on the timelines their relationships stamp
    (who to follow) and their filters. They are read here in one round trip instead
    (hearth.core.cache.read_ahead; nothing to do with an in-process cache). Only for full
    pages: a POST redirects and an htmx request swaps a fragment without the frame."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or request.headers.get("HX-Request")
            or request.path.startswith(("/api/", "/oauth/"))
            or user is None
            or not user.is_authenticated
        ):
            return self.get_response(request)
        account = getattr(user, "account", None)
        keys = [nav_key(user.pk)]
        if account is not None:
            keys += [
                unread_badge_key(account.pk),
                relationships_stamp_key(account.pk),
                filters_key(account.pk),
            ]
        with read_ahead(keys):
            return self.get_response(request)


class RejectNulBytesMiddleware:
    """Answer 400 to a path or query string carrying a NUL byte.

    No URL of Hearth's contains one, and PostgreSQL refuses NUL in text, so letting it reach a
    lookup would turn a malformed request into a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return bad_request(request)
        return self.get_response(request)


class RateLimitMiddleware:
    """Answer a page's RateLimited (hearth.core.ratelimit) with the 429 page and Retry-After
    (JSON under /api/ and /oauth/; the API's own endpoints answer it in hearth.api.errors).

    allauth's own limits (password resets and the like) render the same `429.html` but without
    a Retry-After; they get a minute's, the length of most of their windows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = "60"
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        if request.path.startswith(("/api/", "/oauth/")):
            # The OAuth token endpoint (password grant) is outside the API's error handlers.
            response: HttpResponse = JsonResponse(
                {"error": f"Too many requests: try again in {exception.retry_after} seconds."},
                status=429,
            )
            for header, value in exception.headers().items():
                response[header] = value
            return response
        return too_many_requests(request, exception)

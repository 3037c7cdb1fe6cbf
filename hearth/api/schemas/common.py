"""Formats every entity shares: string ids, RFC 3339 times, absolute URLs."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpRequest
from django.templatetags.static import static

from hearth.accounts.models import Account
from hearth.api.auth import viewer


def rfc3339(moment: datetime) -> str:
    """`2024-05-20T07:10:16.288Z`: UTC, milliseconds, `Z` (Apple's date parser needs the Z)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def rfc3339_or_none(moment: datetime | None) -> str | None:
    return rfc3339(moment) if moment is not None else None


def midnight(moment: datetime) -> str:
    """The day, as a time at 00:00 UTC: Mastodon rounds `account.created_at` down to it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT00:00:00.000Z")


@dataclass(frozen=True, slots=True)
class Context:
    """What serializers need from the request: the public base URL and who is looking."""

    base_url: str
    viewer: Account | None = None

    def absolute(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}{path}"

    def static(self, path: str) -> str:
        return self.absolute(static(path))


def context_for(request: HttpRequest) -> Context:
    """The serializing context for a request: its scheme and host, and the authenticated
    caller's account (None when anonymous)."""
    return Context(base_url=request.build_absolute_uri("/").rstrip("/"), viewer=viewer(request))

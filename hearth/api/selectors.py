"""Reads the API needs that no domain app offers in its shape: the server's rules as a list,
usage numbers for the instance entity, and timeline markers."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.api.models import TimelineMarker
from hearth.moderation.rules import server_rule_list
from hearth.posts.models import Post

STATS_CACHE_SECONDS = 5 * 60
STATS_CACHE_KEY = "api:server-stats"


@dataclass(frozen=True)
class ServerRule:
    id: str
    text: str
    hint: str


def server_rules() -> list[ServerRule]:
    """The server rules (hearth.moderation.ServerRule, cached there), ids as strings."""
    return [ServerRule(id=str(r.id), text=r.text, hint=r.hint) for r in server_rule_list()]


@dataclass(frozen=True)
class ServerStats:
    user_count: int
    status_count: int
    active_month: int


def server_stats() -> ServerStats:
    """Counts for the instance entity; cached for a few minutes (apps fetch it at every start)."""
    cached: ServerStats | None = cache.get(STATS_CACHE_KEY)
    if cached is not None:
        return cached
    members = User.objects.filter(is_active=True, deletion_scheduled_at__isnull=True)
    stats = ServerStats(
        user_count=members.count(),
        status_count=Post.objects.filter(reblog_of__isnull=True).count(),
        active_month=members.filter(last_login__gte=timezone.now() - timedelta(days=30)).count(),
    )
    cache.set(STATS_CACHE_KEY, stats, STATS_CACHE_SECONDS)
    return stats


def contact_account() -> Account | None:
    """The first staff member's account, for apps that show whom to contact."""
    return (
        Account.objects.filter(user__is_staff=True, user__is_active=True)
        .order_by("user__date_joined")
        .first()
    )


def markers_for(*, account: Account, timelines: Iterable[str]) -> list[TimelineMarker]:
    return list(TimelineMarker.objects.filter(account=account, timeline__in=list(timelines)))

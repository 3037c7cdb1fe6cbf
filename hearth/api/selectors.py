"""Reads the API needs that no domain app offers in its shape: the server's rules as a list,
usage numbers for the instance entity, and timeline markers."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.api.models import TimelineMarker
from hearth.moderation.defaults import fill_placeholders
from hearth.moderation.models import PolicySlug
from hearth.moderation.selectors import markdown_section, policy_body_get
from hearth.posts.models import Post

_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+", re.MULTILINE)
_BOLD_LEAD = re.compile(r"\A\*\*(?P<text>.+?)\*\*\s*(?P<hint>.*)\Z", re.DOTALL)
STATS_CACHE_SECONDS = 5 * 60
STATS_CACHE_KEY = "api:server-stats"


@dataclass(frozen=True)
class ServerRule:
    id: str
    text: str
    hint: str


def server_rules() -> list[ServerRule]:
    """The numbered or bulleted items under "Server rules" in the community guidelines.

    An item written `**Short rule.** Longer explanation` becomes text "Short rule." with the
    explanation as its hint, which is how Mastodon apps show rules at sign-up.
    """
    body = policy_body_get(slug=PolicySlug.GUIDELINES)
    section = markdown_section(body, title_contains="rules")
    if not section:
        return []
    items = [item.strip() for item in _ITEM.split(fill_placeholders(section)) if item.strip()]
    rules = []
    for number, item in enumerate(items, start=1):
        flat = " ".join(item.split())
        match = _BOLD_LEAD.match(flat)
        text, hint = (match["text"], match["hint"]) if match else (flat.replace("**", ""), "")
        rules.append(ServerRule(id=str(number), text=text, hint=hint.replace("**", "")))
    return rules


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

"""The moderation checks on every new or edited post, registered into
hearth.posts.screening.POST_SCREENERS by ModerationConfig.ready():

- **blocked phrases** (BlockedPhrase, managed at /moderation/phrases and in the admin):
  refuse the post, or hold it;
- **approval required**: every post of an account the moderators put under approval
  (Account.posts_need_approval) is held;
- **the spam heuristic**: a post is held when it has more than HEARTH_SPAM_MAX_LINKS links,
  mentions more than HEARTH_SPAM_MAX_STRANGER_MENTIONS accounts that don't follow its author,
  or is the author's third identical text within an hour (HEARTH_SPAM_MAX_REPEATS earlier
  ones); in a member's first day the HEARTH_SPAM_NEW_ACCOUNT_* limits apply instead.

A held post is seen by its author only, until a moderator approves it from the queue.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.core.compiled import CompiledQuery
from hearth.core.ids import lowest_id_at
from hearth.graph.models import Follow
from hearth.moderation.rules import blocked_phrase_matcher
from hearth.posts.models import Post
from hearth.posts.screening import ALLOW, Draft, Verdict

_LINK = re.compile(r"\bhttps?://[^\s<>]+", re.IGNORECASE)
NEW_ACCOUNT_AGE = timedelta(days=1)
REPEAT_WINDOW = timedelta(hours=1)
#: ...among at most this many of the author's newest posts in it: an account posting
#: thousands an hour (a spam run) must not make each of its posts' checks read them all.
REPEAT_LOOKBACK = 200
ID_CLOCK_SLACK = timedelta(minutes=1)


def blocked_phrases(draft: Draft) -> Verdict:
    matcher = blocked_phrase_matcher()
    text = f"{draft.spoiler_text}\n{draft.text}"
    if matcher.reject is not None and (found := matcher.reject.search(text)):
        return Verdict.reject(
            f"“{found.group(0)}” isn’t allowed on this server: please rephrase your post."
        )
    if matcher.hold is not None and matcher.hold.search(text):
        return Verdict.hold("It uses a phrase on the review list.")
    return ALLOW


def approval_required(draft: Draft) -> Verdict:
    if draft.author.posts_need_approval:
        return Verdict.hold("This account’s posts need approval.")
    return ALLOW


@dataclass(frozen=True)
class SpamLimits:
    links: int
    stranger_mentions: int
    repeats: int


def spam_limits(*, new_account: bool) -> SpamLimits:
    if new_account:
        return SpamLimits(
            links=settings.HEARTH_SPAM_NEW_ACCOUNT_MAX_LINKS,
            stranger_mentions=settings.HEARTH_SPAM_NEW_ACCOUNT_MAX_STRANGER_MENTIONS,
            repeats=settings.HEARTH_SPAM_NEW_ACCOUNT_MAX_REPEATS,
        )
    return SpamLimits(
        links=settings.HEARTH_SPAM_MAX_LINKS,
        stranger_mentions=settings.HEARTH_SPAM_MAX_STRANGER_MENTIONS,
        repeats=settings.HEARTH_SPAM_MAX_REPEATS,
    )


def _is_new(draft: Draft) -> bool:
    author = draft.author
    if author.user_id is None:
        return False
    if Account.user.is_cached(author):
        # The web and the API reach the author through the signed-in user (request.user.account
        # caches the user on the account): no need to read date_joined again.
        joined = author.user.date_joined if author.user is not None else None
    else:
        rows = User.objects.filter(pk=author.user_id).values_list("date_joined", flat=True)
        joined = rows.first()
    return joined is not None and joined > timezone.now() - NEW_ACCOUNT_AGE


def spam(draft: Draft) -> Verdict:
    """The spam heuristic; a few small queries. Off when HEARTH_SPAM_CHECK_ENABLED is false."""
    if not settings.HEARTH_SPAM_CHECK_ENABLED:
        return ALLOW
    limits = spam_limits(new_account=_is_new(draft))
    if len(_LINK.findall(draft.text)) > limits.links:
        return Verdict.hold("It has many links (the spam check).")
    mentioned = set(draft.mention_ids) - {draft.author.pk}
    if len(mentioned) > limits.stranger_mentions:
        followers = Follow.objects.filter(
            target_id=draft.author.pk, follower_id__in=mentioned
        ).count()
        if len(mentioned) - followers > limits.stranger_mentions:
            return Verdict.hold(
                "It mentions many people who don’t follow its author (the spam check)."
            )
    if draft.text.strip() and _repeats(draft, limits.repeats) >= limits.repeats:
        return Verdict.hold("It repeats its author’s recent posts (the spam check).")
    return ALLOW


def _repeats(draft: Draft, enough: int) -> int:
    """How many of the author's posts from the last REPEAT_WINDOW have this text, counting no
    further than `enough`. Ids are time-ordered (hearth.core.ids), so the lower bound on the id
    makes it a range scan of the author's index over the last hour instead of a walk through
    every post they ever wrote; the created_at condition still decides (a minute of slack
    covers ids minted a little before their created_at).

    Every new post runs it, so it is compiled once per process and limit (hearth.core.compiled):
    building the queryset cost more than running it."""
    since = timezone.now() - REPEAT_WINDOW
    compiled = _REPEATS.get(enough)
    if compiled is None:
        compiled = _REPEATS.setdefault(enough, CompiledQuery(_repeats_query(enough)))
    low = lowest_id_at(since - ID_CLOCK_SLACK)
    # A new post has no id yet: 0 excludes nothing (ids are positive).
    return len(compiled.rows(draft.author.pk, low, draft.text, since, draft.post_id or 0))


#: The repeat query compiled per limit (the limit is written into its SQL, not a parameter).
_REPEATS: dict[int, CompiledQuery] = {}


def _repeats_query(enough: int) -> Callable[..., QuerySet[Any, tuple[Any, ...]]]:
    """The author's earlier posts with this text: `enough` ids at most, among their
    REPEAT_LOOKBACK newest (a bounded range scan of the author's index, whatever their rate)."""

    def same(
        author_id: int, low_id: int, text: str, since: datetime, edited_id: int
    ) -> QuerySet[Any, tuple[Any, ...]]:
        newest = (
            Post.objects.filter(author_id=author_id, pk__gte=low_id)
            .order_by("-id")
            .values("pk")[:REPEAT_LOOKBACK]
        )
        rows: QuerySet[Any, tuple[Any, ...]] = (
            Post.objects.filter(
                pk__in=newest,
                reblog_of__isnull=True,
                text=text,
                created_at__gte=since,
            )
            .exclude(pk=edited_id)
            .order_by()
            .values_list("pk")[:enough]
        )
        return rows

    return same


SCREENERS = (blocked_phrases, approval_required, spam)

"""Writes to home feeds: fan-out on write, and keeping feeds right as posts and follows change.

Every function here is idempotent (adding an id twice, or removing one that is gone, changes
nothing), so a task may run twice and the sweeper may re-run a job that in fact finished.

**Who gets a post** (the same rules as the pull query, so a rebuilt feed matches a pushed one):
its author; followers active in the last HEARTH_FEED_ACTIVE_DAYS; for a reply to someone else,
only those followers who follow that person too (or are them); for a direct post, only the
mentioned accounts that follow the author. Followers-only posts go to all followers. Mutes are
not applied here: they change, so the read applies them. An author with
HEARTH_FANOUT_MAX_FOLLOWERS followers or more is not fanned out at all (only to their own feed):
readers merge their posts in when reading (feeds.home_feed_ids).
"""

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from hearth.accounts.models.user import Visibility
from hearth.core.cache import REDIS_DOWN
from hearth.core.compiled import CompiledInsert, CompiledQuery
from hearth.graph.models import Follow
from hearth.posts.models import Mention, Post
from hearth.timelines.feeds import (
    FeedItem,
    PullFeedStore,
    big_accounts_forget,
    get_feed_store,
)
from hearth.timelines.models import FanoutJob, FeedRepair

logger = logging.getLogger(__name__)

#: Feeds written per round trip (Redis) or INSERT (database).
BATCH_SIZE = 1000
#: Pending jobs one fan-out round claims and delivers together (fanout_post).
COALESCE_MAX = 50
#: Posts a new follow brings into the follower's feed.
FOLLOW_MERGE_POSTS = 40
#: The sweeper re-drives jobs pending for longer than this.
SWEEP_AFTER = timedelta(minutes=1)
#: ...at most this many per run, and each job at most this many times.
SWEEP_BATCH = 500
MAX_ATTEMPTS = 10
#: Finished jobs are deleted after this long.
DONE_JOBS_KEPT = timedelta(days=1)
#: Every post and repost writes one (hearth.core.compiled).
_JOB = CompiledInsert(FanoutJob)


# --- The outbox ------------------------------------------------------------------------------


def fanout_job_record(*, post_id: int, is_reblog: bool) -> None:
    """Write the outbox row for a new post or repost, inside the transaction that creates it
    (called from the posts `post_created_in_transaction` signal, which says which it is): the
    post and its fan-out commit together."""
    _JOB.create(post_id=post_id, kind=FanoutJob.Kind.REBLOG if is_reblog else FanoutJob.Kind.POST)


def fanout_post(*, post_id: int, alone: bool = False) -> int:
    """Deliver a post to the feeds that should have it, together with the other posts whose
    fan-out is waiting (COALESCE_MAX a round), and mark their outbox jobs done. Returns how
    many feed writes that took (a post into a feed is one; 0 when its job is done already, or
    another worker is delivering it).

    Jobs another worker holds are skipped (SKIP LOCKED on PostgreSQL), so two workers never
    deliver the same post at once. Posts by one author to all their followers are delivered
    together: the follows are walked once, and each batch of feeds gets all of the posts in
    one round trip, so under a burst a post costs less the more posts wait. A post with no
    outbox job at all (made without the posts services) is delivered as asked.

    `alone`: this post's job only, not the others waiting (the sweeper: a job that keeps
    failing then fails only itself). Jobs the sweeper has re-driven are never coalesced.
    Errors propagate once the rest is delivered and marked; the failed jobs stay pending
    and the sweeper tries again.
    """
    delivered, failure, first = 0, None, True
    while True:
        with transaction.atomic():
            jobs = _claim(post_id if first else None, alone)
            if first and _without_job(post_id, jobs):
                post = Post.objects.select_related("author").filter(pk=post_id).first()
                delivered += _deliver([post]) if post is not None else 0
            writes, done, error = _deliver_jobs(jobs)
            FanoutJob.objects.filter(pk__in=done).update(
                state=FanoutJob.State.DONE, updated_at=timezone.now()
            )
        delivered, failure, first = delivered + writes, failure or error, False
        if alone or len(jobs) < COALESCE_MAX:
            break
    if failure is not None:
        raise failure
    return delivered


def _claim(post_id: int | None, alone: bool) -> list[FanoutJob]:
    """Lock up to COALESCE_MAX pending jobs for this worker: `post_id`'s first, then the
    oldest others never re-driven by the sweeper."""
    waiting = FanoutJob.objects.filter(state=FanoutJob.State.PENDING)
    mine = Q(post_id=post_id) if post_id is not None else Q(pk__in=[])
    rows = waiting.filter(mine) if alone else waiting.filter(mine | Q(attempts=0))
    if post_id is not None and not alone:
        rows = rows.order_by(Case(When(mine, then=Value(0)), default=Value(1)), "id")
    else:
        rows = rows.order_by("id")
    return list(rows.select_for_update(skip_locked=True).only("id", "post_id")[:COALESCE_MAX])


def _without_job(post_id: int, claimed: list[FanoutJob]) -> bool:
    """`post_id` has no outbox job at all (not one claimed here, held elsewhere, or done)."""
    if any(job.post_id == post_id for job in claimed):
        return False
    return not FanoutJob.objects.filter(post_id=post_id).exists()


def _deliver_jobs(jobs: list[FanoutJob]) -> tuple[int, list[int], Exception | None]:
    """Deliver the jobs' posts; returns the feed writes, the jobs done (delivered, or their
    post is gone) and the first error (its jobs stay pending; the others still go)."""
    posts = Post.objects.select_related("author").in_bulk({job.post_id for job in jobs})
    together: dict[int, list[Post]] = {}
    alone: list[Post] = []
    for post in posts.values():
        if _to_all_followers(post):
            together.setdefault(post.author_id, []).append(post)
        else:
            alone.append(post)
    # Small audiences (their followers found in one query) go in one push; larger ones and
    # posts with their own recipients walk the follows in batches.
    followers = _small_authors_followers(together)
    small = [
        (authored, followers[author])
        for author, authored in together.items()
        if author in followers
    ]
    groups: list[tuple[list[Post], list[int] | None]] = [([post], None) for post in alone]
    groups += [(authored, None) for author, authored in together.items() if author not in followers]
    writes = 0
    failure: Exception | None = None
    delivered: set[int] = set()
    if small:
        try:
            writes += _deliver_small(small)
            delivered.update(post.pk for authored, _ in small for post in authored)
        except REDIS_DOWN as error:
            logger.warning("feed store unreachable: %d posts wait for the sweeper", len(posts))
            failure = error
        except Exception:
            # One of them may be at fault: each goes alone, so only its own job waits.
            logger.warning("fan-out of %d authors together failed", len(small), exc_info=True)
            groups += small
    for group, known in groups:
        try:
            writes += _deliver_small([(group, known)]) if known is not None else _deliver(group)
        except Exception as error:
            logger.exception("fan-out of posts %s failed", [post.pk for post in group])
            failure = failure or error
            continue
        delivered.update(post.pk for post in group)
    done = [job.pk for job in jobs if job.post_id in delivered or job.post_id not in posts]
    return writes, done, failure


def _to_all_followers(post: Post) -> bool:
    """A post every active follower gets (most posts): several of one author's go together."""
    return (
        not post.review_state
        and post.visibility != Visibility.DIRECT
        and post.in_reply_to_account_id in (None, post.author_id)
        and not _is_big(post)
    )


def _small_authors_followers(together: dict[int, list[Post]]) -> dict[int, list[int]]:
    """{author: their active followers} for the authors of `together` (posts all their active
    followers get) with fewer than BATCH_SIZE followers: most authors, when many members post
    at once. One query for all of them, where walking each one's follows took a query each
    (the worker's largest cost per post then); bigger audiences are walked in batches."""
    small = sorted(
        author_id
        for author_id, posts in together.items()
        if posts[0].author.followers_count < BATCH_SIZE
    )
    found: dict[int, list[int]] = {author_id: [] for author_id in small}
    if small:
        for author_id, follower_id in _FOLLOWERS_OF.rows(small, _active_since()):
            found[author_id].append(follower_id)
    return found


def _followers_of_query(author_ids: list[int], since: datetime) -> QuerySet[Any, tuple[Any, ...]]:
    rows: QuerySet[Any, tuple[Any, ...]] = _active_follows(author_ids, since).values_list(
        "target_id", "follower_id"
    )
    return rows


#: Every fan-out round runs it: compiled once per number of authors (hearth.core.compiled).
_FOLLOWERS_OF = CompiledQuery(_followers_of_query)


def _deliver_small(groups: list[tuple[list[Post], list[int]]]) -> int:
    """Deliver the posts of authors whose active followers are known already
    (_small_authors_followers), each author's to their own and their followers' feeds: all
    of them in one push_each (one round trip, where a push per author took one each). Returns
    the feed writes."""
    deliveries = [([posts[0].author_id, *followers], _items(posts)) for posts, followers in groups]
    get_feed_store().push_each(deliveries)
    return sum(len(feeds) * len(items) for feeds, items in deliveries)


def _items(posts: list[Post]) -> list[FeedItem]:
    return [FeedItem(post.pk, post.author_id, post.reblog_of_id) for post in posts]


def _deliver(posts: list[Post]) -> int:
    """Deliver posts that go to the same feeds: one post, or several of one author's that all
    their active followers get (_to_all_followers), in one walk of the follows and one push
    per batch of feeds. Returns the feed writes."""
    store = get_feed_store()
    first = posts[0]
    items = _items(posts)
    store.push([first.author_id], *items)
    writes = len(items)
    if first.review_state:
        # Held for review (or removed): only its author sees it. Approving a held post records
        # a new job (hearth.moderation.actions), which fans it out then.
        return writes
    if first.visibility != Visibility.DIRECT and _is_big(first):
        big_accounts_forget()  # readers merge it from now on, not a minute later
        return writes
    for batch in _recipient_batches(first):
        store.push(batch, *items)
        writes += len(batch) * len(items)
    return writes


def _is_big(post: Post) -> bool:
    return bool(post.author.followers_count >= settings.HEARTH_FANOUT_MAX_FOLLOWERS)


def _recipient_batches(post: Post) -> Iterator[list[int]]:
    """The accounts (other than the author) whose feeds get `post`, BATCH_SIZE at a time,
    walking the follows index (target, -id) by keyset: never one query per follower."""
    follows = _active_follows_of(post.author_id)
    if post.visibility == Visibility.DIRECT:
        mentioned = Mention.objects.filter(post=post).values("account_id")
        follows = follows.filter(follower_id__in=mentioned)
    elif post.in_reply_to_account_id not in (None, post.author_id):
        replied_to = post.in_reply_to_account_id
        follows_them = Follow.objects.filter(
            follower_id=OuterRef("follower_id"), target_id=replied_to
        )
        follows = follows.filter(Q(follower_id=replied_to) | Exists(follows_them))
    yield from _batches(follows)


def _active_follows_of(author_id: int) -> QuerySet[Follow]:
    return _active_follows([author_id], _active_since())


def _active_follows(author_ids: list[int], since: datetime) -> QuerySet[Follow]:
    """The follows of these authors by accounts active since `since`: who fan-out writes to."""
    return Follow.objects.filter(target_id__in=author_ids, follower__last_active_at__gte=since)


def _active_since() -> datetime:
    return timezone.now() - timedelta(days=settings.HEARTH_FEED_ACTIVE_DAYS)


def _batches(follows: QuerySet[Follow]) -> Iterator[list[int]]:
    last_id: int | None = None
    while True:
        page = follows if last_id is None else follows.filter(id__lt=last_id)
        rows = list(page.order_by("-id").values_list("id", "follower_id")[:BATCH_SIZE])
        if rows:
            yield [follower_id for _, follower_id in rows]
        if len(rows) < BATCH_SIZE:
            return
        last_id = rows[-1][0]


# --- Keeping feeds right ---------------------------------------------------------------------


def feed_post_remove(*, post_id: int, author_id: int) -> None:
    """A post is gone: take it out of its author's and their followers' feeds."""

    def batches() -> Iterator[Sequence[int]]:
        yield [author_id]
        yield from _batches(_active_follows_of(author_id))

    get_feed_store().remove(post_id, batches())


def feed_follow_merge(*, follower_id: int, target_id: int) -> None:
    """A new follow: bring the followed account's recent posts into the follower's feed."""
    rows = (
        PullFeedStore()
        .feed(follower_id, apply_mutes=False)
        .filter(author_id=target_id)
        .values_list("id", "author_id", "reblog_of_id")[:FOLLOW_MERGE_POSTS]
    )
    items = [FeedItem(pk, author_id, reblog_of_id) for pk, author_id, reblog_of_id in rows]
    _repairing(follower_id, lambda: get_feed_store().merge(follower_id, items))


def feed_author_remove(*, account_id: int, author_id: int) -> None:
    """`account_id` no longer follows (or blocks, or is blocked by) `author_id`: their posts
    and reposts leave its feed."""
    _repairing(account_id, lambda: get_feed_store().remove_author(account_id, author_id))


def _repairing(account_id: int, change: Callable[[], None]) -> None:
    """Make a change to one feed; if the store is unreachable, have the feed rebuilt later
    instead (the sweeper drops it when the store answers again)."""
    try:
        change()
    except REDIS_DOWN:
        logger.warning("feed store unreachable: feed of %s marked for repair", account_id)
        FeedRepair.objects.get_or_create(account_id=account_id)


# --- The sweeper -----------------------------------------------------------------------------


def fanout_sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """Re-drive fan-out jobs pending for over SWEEP_AFTER (a crash between commit and enqueue,
    a lost message, Redis down), and repair feeds marked during a Redis outage. Runs the jobs
    here, one after the other. Returns (jobs delivered, feeds repaired)."""
    now = now or timezone.now()
    stuck = FanoutJob.objects.filter(
        state=FanoutJob.State.PENDING, created_at__lt=now - SWEEP_AFTER, attempts__lt=MAX_ATTEMPTS
    ).order_by("created_at")
    delivered = 0
    for job in list(stuck[:SWEEP_BATCH]):
        FanoutJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
        try:
            fanout_post(post_id=job.post_id, alone=True)
        except Exception:  # one bad job must not stop the others; it stays pending
            logger.exception("fan-out of post %s failed again", job.post_id)
            continue
        delivered += 1
    FanoutJob.objects.filter(
        state=FanoutJob.State.DONE, updated_at__lt=now - DONE_JOBS_KEPT
    ).delete()
    return delivered, feeds_repair()


def feeds_repair() -> int:
    """Drop the feeds marked during a Redis outage, so each is rebuilt on its next read. Does
    nothing while the store is still unreachable. Returns how many were dropped."""
    account_ids = list(FeedRepair.objects.values_list("account_id", flat=True)[:BATCH_SIZE])
    if not account_ids:
        return 0
    try:
        get_feed_store().invalidate(account_ids)
    except REDIS_DOWN:
        return 0
    FeedRepair.objects.filter(account_id__in=account_ids).delete()
    return len(account_ids)

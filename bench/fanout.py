"""In-process checks against the bench database (Django set up with config.settings_bench).

Fan-out latency is measured through the FeedStore interface, whatever store is configured: a
post is made over HTTP by an account with ~10,000 followers, then a sample of its active
followers' feeds is checked (`contains`, as stored, without the read-time merge) until every one
holds it. With the pull store a post is in every feed the moment it commits, so the figure is
the POST's own time plus one check round.

The posts go over one keep-alive connection opened before the load starts (`KeptConnection`),
as a member's browser keeps one open. granian's `--backpressure` holds a slot per connection,
not per request, so while wrk keeps more connections open than the workers admit (64 against
2 x 16), a connection opened during the load waits in the listen backlog until the load ends:
that, not fan-out, was the ~19.5 s post (one of five, every run) of the earlier figures. The
runner still times one GET on a new connection during the load (`fresh_connection_seconds`), so
the figures show whether newcomers are admitted.
"""

import http.client
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Count, Max
from django.utils import timezone

from bench.client import Session
from hearth.accounts.models import Account
from hearth.graph.models import Follow
from hearth.posts.models import Post
from hearth.timelines.feeds import get_feed_store

#: Days since last login that make a follower "active"; the feed engine's setting when it has one.
ACTIVE_DAYS: int = getattr(settings, "HEARTH_FEED_ACTIVE_DAYS", 30)
#: Feeds read at once while waiting for a delivery.
READERS = 8


class KeptConnection:
    """One HTTP/1.1 connection of a logged-in session, opened when made and reused."""

    def __init__(self, base: str, session: Session) -> None:
        parts = urllib.parse.urlsplit(base)
        self.session = session
        self.http = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        self.http.connect()

    def post(self, path: str, body: str) -> int:
        """POST a form; the status (the connection stays open for the next one)."""
        self.http.request(
            "POST",
            path,
            body=body.encode(),
            headers={
                "Cookie": self.session.cookie,
                "X-CSRFToken": self.session.csrf,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = self.http.getresponse()
        response.read()
        return response.status

    def close(self) -> None:
        self.http.close()


def fresh_connection_seconds(url: str, timeout: float) -> float | None:
    """Seconds for a GET on a new connection (None past `timeout`): whether the server admits
    newcomers while the load holds its connections."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError:
        pass  # answered all the same
    except (TimeoutError, urllib.error.URLError):  # urllib wraps a connect timeout
        return None
    return round(time.perf_counter() - started, 3)


def outbox_drain() -> int:
    """Deliver the fan-out jobs an earlier run left pending (its worker stopped with jobs
    queued, and the next run flushes the broker), as a server's sweeper would within a minute.
    Reads are measured with none pending, since pending posts are merged into the home feeds
    of their authors' followers. Returns how many were delivered."""
    from hearth.timelines.services import fanout_sweep

    delivered = 0
    while True:
        # "Pending for over a minute" as of tomorrow: all of them.
        done, _ = fanout_sweep(now=timezone.now() + timedelta(days=1))
        delivered += done
        if not done:
            return delivered


def account_id(username: str) -> int:
    found: int = Account.objects.values_list("pk", flat=True).get(username=username)
    return found


def store_name() -> str:
    return type(get_feed_store()).__name__


def active_followers(target_id: int) -> list[int]:
    since = timezone.now() - timedelta(days=ACTIVE_DAYS)
    fields = {f.name for f in Account._meta.get_fields()}
    active = "last_active_at" if "last_active_at" in fields else "user__last_login"
    follows = Follow.objects.filter(target_id=target_id, **{f"follower__{active}__gte": since})
    return list(follows.values_list("follower_id", flat=True))


def newest_post(author_id: int) -> int | None:
    newest: int | None = Post.objects.filter(author_id=author_id).aggregate(m=Max("id"))["m"]
    return newest


def post_count(author_id: int) -> int:
    return Post.objects.filter(author_id=author_id).count()


def posts_by(author_ids: list[int]) -> dict[int, int]:
    """How many posts each of these accounts has (0 for none)."""
    rows = Post.objects.filter(author_id__in=author_ids).values("author_id")
    counted = dict(rows.annotate(n=Count("id")).values_list("author_id", "n"))
    return {author_id: counted.get(author_id, 0) for author_id in author_ids}


def account_ids(usernames: list[str]) -> dict[str, int]:
    return dict(Account.objects.filter(username__in=usernames).values_list("username", "pk"))


def job_seconds(post_id: int, since: float) -> float | None:
    """Wall-clock seconds from `since` (time.time()) until the post's fan-out job was marked
    done, or None while it is pending (the worker stamps updated_at when it finishes)."""
    from hearth.timelines.models import FanoutJob

    job = FanoutJob.objects.filter(post_id=post_id).values("state", "updated_at").first()
    if job is None or job["state"] != FanoutJob.State.DONE:
        return None
    return round(job["updated_at"].timestamp() - since, 3)


def pending_jobs() -> int:
    """Fan-out jobs not yet done (the outbox's pending rows)."""
    from hearth.timelines.models import FanoutJob

    return FanoutJob.objects.filter(state=FanoutJob.State.PENDING).count()


def wait_for_outbox(*, started: float, timeout: float) -> float | None:
    """Seconds from `started` (time.perf_counter()) until no fan-out job is pending, or None
    past `timeout`. The newest post can reach its followers before older ones do (the worker
    runs two jobs at once and takes several from the queue ahead), so a scenario that follows
    a posting load waits for this, or it measures that load's leftovers."""
    while pending_jobs():
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(0.1)
    return round(time.perf_counter() - started, 3)


def in_feed(reader_id: int, post_id: int) -> bool:
    # As stored: no rebuild on read (which would deliver the post itself), no read-time merge.
    return get_feed_store().contains(reader_id, post_id)


def warm(readers: list[int]) -> float:
    """Build these feeds (after bulk loading, push stores have none); seconds taken."""
    store = get_feed_store()
    started = time.perf_counter()

    def build(reader: int) -> None:
        try:
            store.rebuild(reader)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(READERS) as pool:
        list(pool.map(build, readers))
    return round(time.perf_counter() - started, 1)


@dataclass(frozen=True)
class Delivery:
    seconds: float  # until the last sampled follower had it
    sampled: int
    rounds: int


def wait_for_delivery(
    post_id: int, followers: list[int], *, started: float, timeout: float = 30.0
) -> Delivery:
    pending = set(followers)
    rounds = 0
    while pending and time.perf_counter() - started < timeout:
        rounds += 1
        pending = set(_lacking(post_id, sorted(pending)))
    if pending:
        raise TimeoutError(f"{len(pending)} of {len(followers)} feeds lack post {post_id}")
    return Delivery(round(time.perf_counter() - started, 3), len(followers), rounds)


def missing_from(post_id: int, readers: list[int]) -> int:
    return len(_lacking(post_id, readers))


def _lacking(post_id: int, readers: list[int]) -> list[int]:
    """The readers whose feed lacks the post, read READERS at a time (a pull store's read is a
    query, so one by one a round would take longer than the fan-out it measures)."""

    def lacks(reader: int) -> bool:
        try:
            return not in_feed(reader, post_id)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(READERS) as pool:
        flags = list(pool.map(lacks, readers))
    return [reader for reader, flag in zip(readers, flags, strict=True) if flag]


def sample(items: list[int], size: int, seed: int = 7) -> list[int]:
    return random.Random(seed).sample(items, min(size, len(items)))


@dataclass(frozen=True)
class Throughput:
    posts: int
    inserts: int  # feed writes, the author's own included
    seconds: float  # wall clock, one process
    cpu_seconds: float  # of this process (Redis and PostgreSQL not counted)

    @property
    def inserts_per_second(self) -> int:
        return round(self.inserts / self.seconds)


def fanout_throughput(author: str, posts: int = 3, *, together: bool = False) -> Throughput:
    """Fan `posts` new posts of `author` out in this process, as a worker runs fan-out jobs
    (`fanout_post`), with nothing else running: feed inserts per second of one worker process.
    Each post is new, so every push is a real insert (a re-run fan-out only finds the post
    already there). The posts are made directly in the table, so nothing else (no
    notification) is set off.

    One after the other (each post's own fan-out, no job waiting), or `together`: each with a
    pending outbox job, all delivered by the first one's fan-out, as a worker finds a burst."""
    from hearth.posts.models import Post
    from hearth.timelines.models import FanoutJob
    from hearth.timelines.services import fanout_post

    author_id = account_id(author)
    made = [
        Post.objects.create(
            author_id=author_id, text=f"fan-out throughput {n}", visibility="public"
        )
        for n in range(posts)
    ]
    if together:
        FanoutJob.objects.bulk_create(FanoutJob(post=post, kind="post") for post in made)
    inserts, cpu, wall = 0, time.process_time(), time.perf_counter()
    for post in made[:1] if together else made:
        inserts += fanout_post(post_id=post.pk)
    return Throughput(
        posts=posts,
        inserts=inserts,
        seconds=round(time.perf_counter() - wall, 3),
        cpu_seconds=round(time.process_time() - cpu, 3),
    )

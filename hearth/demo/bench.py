"""The benchmark dataset: `hearth bench-data --users 10000 --posts 1000000` (see bench/README.md).

Unlike `hearth seed` (hearth.demo.network), which plans a lively network as model instances, this
has to write a million posts in a few minutes, so it streams plain rows: on PostgreSQL with COPY,
elsewhere with executemany in batches. Counters are then settled from the rows with
hearth.demo.store.recount_accounts, and the tables analysed so the planner sees their real size.

The shape, all dated over the past network.DAYS days:

- Named accounts the load scenarios use: `bench_hub` (followed by every ordinary member up to
  HUB_FOLLOWERS, so it is the most followed account), `bench_fanout` (FANOUT_FOLLOWERS
  followers: the fan-out latency scenario posts as it), `bench_writer` (WRITER_FOLLOWERS
  followers: the posting scenario posts as it) and `bench_reader`, who follows exactly
  `reader_follows` accounts (the hub, the fan-out account and the most popular members first,
  by the same power law as everyone else) and whose home timeline is measured.
- Ordinary members `bench_000001`...: each follows network.FOLLOWS_MIN..FOLLOWS_MAX others drawn
  with Zipf weights (network.ZIPF_EXPONENT), so follower counts follow a power law; they post
  with the same weights (popular accounts post more), so the reader's home is never empty.
- Posts from hearth.demo.texts, rendered once into a pool and reused; visibility mixed as in the
  demo. No replies, likes, mentions or hashtag links: the scenarios read home timelines.
- Every member logged in recently (ACTIVE_SHARE of them in the past few days), so fan-out
  engines that skip inactive followers see the same active set as the scenarios.
"""

import bisect
import functools
import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.core.ids import new_id
from hearth.demo import network, store, texts
from hearth.graph.models import Follow
from hearth.posts.models import Post
from hearth.posts.text import render

READER, HUB, FANOUT, WRITER = "bench_reader", "bench_hub", "bench_fanout", "bench_writer"
#: The named accounts, in the order they are created (their index in the network).
NAMED = (HUB, FANOUT, WRITER, READER)
HUB_FOLLOWERS = 50_000
FANOUT_FOLLOWERS = 10_000
WRITER_FOLLOWERS = 1_000
#: Members who logged in within ACTIVE_DAYS; the rest last came 60-90 days ago.
ACTIVE_SHARE = 0.9
ACTIVE_DAYS = 3
#: Distinct rendered texts the posts cycle through.
TEXT_POOL = 500
#: Rows per COPY flush / executemany call.
BATCH = 20_000
DEFAULT_PASSWORD = "bench-hearth-password"  # noqa: S105  (invented accounts on a bench database)


@dataclass(frozen=True)
class Profile:
    users: int
    posts: int
    reader_follows: int


#: `small` and `large` differ in network size only, so "flat in network size" can be checked.
PROFILES: Mapping[str, Profile] = {
    "small": Profile(users=10_000, posts=10_000, reader_follows=20),
    "large": Profile(users=10_000, posts=1_000_000, reader_follows=2_000),
}


@dataclass
class BenchSummary:
    users: int = 0
    follows: int = 0
    posts: int = 0
    hub_followers: int = 0
    fanout_followers: int = 0
    reader_follows: int = 0
    #: Seconds per phase, in order.
    seconds: dict[str, float] = field(default_factory=dict)


def generate(
    *,
    users: int,
    posts: int,
    reader_follows: int,
    rng: random.Random,
    password: str = DEFAULT_PASSWORD,
    progress: network.Progress | None = None,
) -> BenchSummary:
    """Create the benchmark network in an empty database (one with no `bench_` members)."""
    if users < len(NAMED) + 2:
        raise ValueError(f"--users must be at least {len(NAMED) + 2}.")
    if Account.objects.filter(username=READER).exists():
        raise ValueError("This database already has the bench data; use a fresh one.")
    report = progress or network._silent
    summary = BenchSummary()
    clock = functools.partial(_timed, summary.seconds)
    now = timezone.now()
    with clock("users"), report("Members", users) as tick:
        account_ids = _create_members(users, password, rng, now, tick)
    plan = _FollowPlan(len(account_ids), rng)
    with clock("follows"):
        plan.draw(reader_follows)
        with report("Follows", len(plan.pairs)) as tick:
            _write_rows(Follow, _follow_rows(plan.pairs, account_ids, rng, now), tick)
    with clock("posts"), report("Posts", posts) as tick:
        _write_rows(Post, _post_rows(posts, plan.weights, account_ids, rng, now), tick)
    with clock("counters"), transaction.atomic():
        for start in range(0, len(account_ids), store.COUNT_CHUNK):
            store.recount_accounts(account_ids[start : start + store.COUNT_CHUNK])
    with clock("analyze"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    summary.users, summary.follows, summary.posts = len(account_ids), len(plan.pairs), posts
    summary.hub_followers = plan.followers[0]
    summary.fanout_followers = plan.followers[1]
    summary.reader_follows = len(plan.following_of_reader)
    return summary


@contextmanager
def _timed(into: dict[str, float], phase: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[phase] = round(time.perf_counter() - start, 2)


# --- Members --------------------------------------------------------------------------------------


def _create_members(
    count: int, password: str, rng: random.Random, now: datetime, tick: Callable[[int], object]
) -> list[int]:
    """Users, verified addresses and accounts, named then numbered; their account ids in order.

    One password hash for all (Argon2 costs ~50 ms each), no avatars (not drawn on any
    benchmarked page), bulk_create in batches."""
    password_hash = make_password(password)
    joined = now - timedelta(days=network.DAYS + 1)
    names = [*NAMED, *(f"bench_{n:06d}" for n in range(1, count - len(NAMED) + 1))]
    account_ids: list[int] = []
    for start in range(0, count, store.INSERT_CHUNK):
        batch = names[start : start + store.INSERT_CHUNK]
        users = [
            User(
                username=name,
                email=f"{name}@example.org",
                password=password_hash,
                date_joined=joined,
                last_login=_last_login(rng, now, name),
            )
            for name in batch
        ]
        with transaction.atomic():
            User.objects.bulk_create(users)
            EmailAddress.objects.bulk_create(
                EmailAddress(user=user, email=user.email, primary=True, verified=True)
                for user in users
            )
            accounts = Account.objects.bulk_create(
                Account(
                    user=user,
                    username=user.username,
                    display_name=_display(user.username),
                    **_active_at(user.last_login),
                )
                for user in users
            )
        account_ids.extend(account.pk for account in accounts)
        tick(len(batch))
    return account_ids


def _last_login(rng: random.Random, now: datetime, name: str) -> datetime:
    if name in NAMED or rng.random() < ACTIVE_SHARE:
        return now - timedelta(days=ACTIVE_DAYS * rng.random())
    return now - timedelta(days=rng.uniform(60, 90))


def _active_at(moment: datetime | None) -> dict[str, datetime | None]:
    """`last_active_at` as the login, where accounts record activity (the feed engine's
    definition of an active follower)."""
    fields = {f.name for f in Account._meta.get_fields()}
    return {"last_active_at": moment} if "last_active_at" in fields else {}


def _display(username: str) -> str:
    return username.replace("bench_", "Bench ").replace("_", " ").title()


# --- Follows --------------------------------------------------------------------------------------


class _FollowPlan:
    """Who follows whom, as index pairs into the member list (NAMED first, then ordinary)."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.rng = rng
        self.size = size
        self.first = len(NAMED)  # the first ordinary member
        ordinary = size - self.first
        #: Zipf weight per member; named accounts weigh like a top-ten member.
        top = 1 / 10**network.ZIPF_EXPONENT
        self.weights = [
            *(top for _ in NAMED),
            *(1 / (rank + 1) ** network.ZIPF_EXPONENT for rank in range(ordinary)),
        ]
        self.weights[NAMED.index(READER)] = 0.0  # the reader only reads
        self.cumulative = list(itertools.accumulate(self.weights[self.first :]))
        self.pairs: list[tuple[int, int]] = []
        self.followers = [0] * size
        self.following_of_reader: list[int] = []
        # Ordinary members stay below the hub's count, so it is the most followed.
        self.cap = min(HUB_FOLLOWERS, ordinary) + 2

    def draw(self, reader_follows: int) -> None:
        hub, fanout, writer, reader = (NAMED.index(name) for name in NAMED)
        ordinary = list(range(self.first, self.size))
        for target, wanted in ((hub, HUB_FOLLOWERS), (fanout, FANOUT_FOLLOWERS)):
            for follower in self.rng.sample(ordinary, min(wanted, len(ordinary))):
                self._add(follower, target)
        for follower in self.rng.sample(ordinary, min(WRITER_FOLLOWERS, len(ordinary))):
            self._add(follower, writer)
        self._add(fanout, hub)
        self._add(writer, hub)
        spread = math.log(network.FOLLOWS_MAX + 1) - math.log(network.FOLLOWS_MIN)
        for follower in ordinary:
            wanted = int(network.FOLLOWS_MIN * math.exp(self.rng.random() * spread))
            for target in self._pick(min(wanted, len(ordinary) - 1), exclude=follower):
                if self.followers[target] < self.cap - 1:
                    self._add(follower, target)
        # The reader: the hub, the fan-out account, then members drawn by the same weights.
        chosen = [hub, fanout][:reader_follows]
        chosen += self._pick(min(reader_follows - len(chosen), len(ordinary)), exclude=-1)
        for target in chosen:
            self._add(reader, target)
        self.following_of_reader = chosen

    def _add(self, follower: int, target: int) -> None:
        self.pairs.append((follower, target))
        self.followers[target] += 1

    def _pick(self, count: int, exclude: int) -> list[int]:
        """`count` distinct ordinary members drawn by weight, never `exclude`."""
        ordinary = len(self.cumulative)
        if count <= 0:
            return []
        if count > (ordinary - 1) // 2:
            # Most of them: rank all by a weighted random key (Efraimidis-Spirakis).
            keys = {
                index: self.rng.random() ** (1 / self.weights[index])
                for index in range(self.first, self.size)
                if index != exclude
            }
            return sorted(keys, key=keys.__getitem__, reverse=True)[:count]
        chosen: dict[int, None] = {}
        total = self.cumulative[-1]
        while len(chosen) < count:
            drawn = self.first + min(
                bisect.bisect_right(self.cumulative, self.rng.random() * total), ordinary - 1
            )
            if drawn != exclude:
                chosen[drawn] = None
        return list(chosen)


def _follow_rows(
    pairs: Sequence[tuple[int, int]], ids: Sequence[int], rng: random.Random, now: datetime
) -> Iterator[dict[str, object]]:
    start = now - timedelta(days=network.DAYS + 1)
    span = timedelta(days=network.DAYS)
    for follower, target in pairs:
        at = start + span * rng.random()
        yield {"id": new_id(at=at), "follower_id": ids[follower], "target_id": ids[target],
               "created_at": at}  # fmt: skip


# --- Posts ----------------------------------------------------------------------------------------


def _post_rows(
    count: int,
    weights: Sequence[float],
    ids: Sequence[int],
    rng: random.Random,
    now: datetime,
) -> Iterator[dict[str, object]]:
    pool = _text_pool(rng)
    start = now - timedelta(days=network.DAYS)
    span_ms = int(timedelta(days=network.DAYS, minutes=-10).total_seconds() * 1000)
    start_ms = int(start.timestamp() * 1000)
    authors = rng.choices(range(len(ids)), weights=weights, k=count)
    visibilities = rng.choices(network.VISIBILITIES, network.VISIBILITY_SHARES, k=count)
    seen: set[int] = set()
    for author, visibility in zip(authors, visibilities, strict=True):
        at_ms = start_ms + rng.randrange(span_ms)
        post_id = (at_ms << 16) | rng.getrandbits(16)
        while post_id in seen:
            post_id += 1
        seen.add(post_id)
        text, html = pool[rng.randrange(len(pool))]
        yield {
            "id": post_id,
            "author_id": ids[author],
            "text": text,
            "content_html": html,
            "language": network.LANGUAGE,
            "visibility": visibility,
            "created_at": datetime.fromtimestamp(at_ms / 1000, tz=UTC),
        }


def _text_pool(rng: random.Random) -> list[tuple[str, str]]:
    from hearth.accounts.demo import PLACES

    pool = []
    for _ in range(TEXT_POOL):
        text = texts.post_text(
            rng, interests=texts.interests_for(rng), place=rng.choice(PLACES), friends=()
        )
        pool.append((text, render(text, resolve_usernames=lambda names: {}).html))
    return pool


# --- Writing rows ---------------------------------------------------------------------------------


def _write_rows(
    model: type[models.Model], rows: Iterable[Mapping[str, object]], tick: Callable[[int], object]
) -> None:
    """Insert `rows` (attname -> value; unset fields get their defaults) into `model`'s table:
    COPY on PostgreSQL, executemany in batches elsewhere. No model instances, no signals."""
    fields = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields}
    datetimes = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)

    def values(row: Mapping[str, object]) -> tuple[object, ...]:
        out = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            if f.attname in datetimes and connection.vendor != "postgresql":
                value = connection.ops.adapt_datetimefield_value(cast(datetime | None, value))
            out.append(value)
        return tuple(out)

    batches = _batched(map(values, rows), BATCH)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for batch in batches:
                    for row in batch:
                        copy.write_row(row)
                    tick(len(batch))
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  (our own names)
        for batch in batches:
            cursor.executemany(sql, cast(Sequence[Sequence[Any]], batch))
            tick(len(batch))


def _batched(items: Iterable[tuple[object, ...]], size: int) -> Iterator[list[tuple[object, ...]]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch

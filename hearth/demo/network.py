"""A lively demo network over seeded members: follows, posts, threads, likes and reposts.

`seed_network` plans every row in memory first (hearth.demo.store then writes them in bulk and
recounts), so a thousand members take seconds rather than the minutes the services would.

Shape of what comes out, all dated over the past DAYS days:

- Follows with a Zipf-like in-degree: the k-th member is picked with weight 1/k^ZIPF_EXPONENT,
  so the first few members are followed by most people and the long tail by a handful. Each
  member follows FOLLOWS_MIN..FOLLOWS_MAX others, most a couple of dozen. `guests` (the demo
  admin) follow some too.
- Posts from hearth.demo.texts, about each member's interests, many with hashtags, some with
  @mentions of accounts they follow, some behind a content warning; mostly public, some
  unlisted, some followers-only. Rendered with hearth.posts.text.render like real ones.
- Threads up to MAX_THREAD_DEPTH replies deep under public and unlisted posts: a follower
  replies, the author answers, the follower answers back. Replies keep their parent's
  visibility, so everyone who sees the parent sees the thread.
- Likes by the author's followers (who can see even followers-only posts), reposts of public
  and unlisted originals only, never by the author, at most one per member and post.

Only seeded members act: guests follow, but never post, like or repost in someone's name.
"""

import bisect
import itertools
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from django.utils import timezone

from hearth.accounts.demo import PLACES
from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.core.ids import new_id
from hearth.demo import store, texts
from hearth.graph.models import Follow
from hearth.posts.models import Favourite, Mention, Post
from hearth.posts.text import render

DAYS = 14
FOLLOWS_MIN, FOLLOWS_MAX = 5, 60
ZIPF_EXPONENT = 1.1
GUEST_FOLLOWS = 20
MAX_THREAD_DEPTH = 3
VISIBILITIES: tuple[str, ...] = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE)
VISIBILITY_SHARES = (0.75, 0.15, 0.1)
CONTENT_WARNING_SHARE = 0.07
REPLY_SHARE = 0.25  # of public and unlisted originals that get a thread (more if popular)
LANGUAGE = "en"  # the texts are English


class Progress(Protocol):
    """Opens a progress display for one phase; the context gives a function taking steps done
    (a tqdm bar's `update`)."""

    def __call__(
        self, phase: str, total: int
    ) -> AbstractContextManager[Callable[[int], object]]: ...


@dataclass(frozen=True)
class NetworkSummary:
    follows: int = 0
    posts: int = 0  # originals, replies not included
    replies: int = 0
    likes: int = 0
    reposts: int = 0
    most_followed: Account | None = None
    most_followed_count: int = 0


def seed_network(
    *,
    users: Sequence[User],
    posts_per_user: int,
    rng: random.Random,
    progress: Progress | None = None,
    guests: Sequence[Account] = (),
) -> NetworkSummary:
    """Connect `users` (with their Accounts, e.g. from seed_users) into a network and fill it
    with about `posts_per_user` posts each, plus replies, likes and reposts. `guests` are
    existing accounts that follow some of them. Returns what was made."""
    accounts = _accounts_of(users)
    if len(accounts) < 2:
        return NetworkSummary()
    seeded_ids = {account.pk for account in accounts}
    network = _Network(accounts, [g for g in guests if g.pk not in seeded_ids], rng)
    report = progress or _silent
    with report("Follows", len(accounts)) as tick:
        network.plan_follows(tick)
    with report("Posts", len(accounts)) as tick:
        network.plan_posts(posts_per_user, tick)
    originals = list(network.plan.posts)
    with report("Threads, likes, reposts", len(originals)) as tick:
        network.plan_reactions(originals, tick)
    with report("Saving", network.plan.rows) as tick:
        store.write(
            network.plan,
            recount_account_ids=[a.pk for a in network.everyone],
            joined_at=network.start - timedelta(days=1),
            seeded=accounts,
            saving=tick,
        )
    return network.summary(originals)


def _silent(phase: str, total: int) -> AbstractContextManager[Callable[[int], object]]:
    return nullcontext(lambda steps: None)


def _accounts_of(users: Sequence[User]) -> list[Account]:
    """The users' accounts in the same order: one query per COUNT_CHUNK users."""
    found: dict[int, Account] = {}
    for start in range(0, len(users), store.COUNT_CHUNK):
        chunk = [user.pk for user in users[start : start + store.COUNT_CHUNK]]
        found.update((a.user_id, a) for a in Account.objects.filter(user_id__in=chunk))
    return [found[user.pk] for user in users if user.pk in found]


@dataclass
class _Member:
    account: Account
    interests: list[str]
    place: str
    following: list[int] = field(default_factory=list)  # indexes into _Network.everyone
    fans: list[int] = field(default_factory=list)  # seeded followers (guests excluded)
    followers: int = 0


class _Network:
    def __init__(self, seeded: Sequence[Account], guests: Sequence[Account], rng: random.Random):
        self.rng = rng
        self.seeded = len(seeded)
        self.everyone = [*seeded, *guests]
        self.members = [
            _Member(account, texts.interests_for(rng), rng.choice(PLACES))
            for account in self.everyone
        ]
        self.usernames = {account.username.lower(): account for account in self.everyone}
        self.now = timezone.now()
        self.start = self.now - timedelta(days=DAYS)
        self.plan = store.Plan()
        self._ids: set[int] = set()

    # --- Follows ----------------------------------------------------------------------------

    def plan_follows(self, tick: Callable[[int], object]) -> None:
        weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(self.seeded)]
        cumulative = list(itertools.accumulate(weights))
        for index in range(self.seeded):
            wanted = min(self._follow_count(), self.seeded - 1)
            for target in self._pick(weights, cumulative, wanted, exclude=index):
                self._follow(index, target)
            tick(1)
        for guest in range(self.seeded, len(self.everyone)):
            for target in self._pick(weights, cumulative, min(GUEST_FOLLOWS, self.seeded)):
                self._follow(guest, target)
            for fan in range(self.seeded):  # a few follow back
                if self.rng.random() < 0.05:
                    self._follow(fan, guest)

    def _follow_count(self) -> int:
        # Log-uniform: most people follow a couple of dozen accounts, a few follow many.
        spread = math.log(FOLLOWS_MAX + 1) - math.log(FOLLOWS_MIN)
        return int(FOLLOWS_MIN * math.exp(self.rng.random() * spread))

    def _pick(
        self, weights: Sequence[float], cumulative: Sequence[float], count: int, exclude: int = -1
    ) -> list[int]:
        """`count` distinct indexes drawn by weight without replacement, never `exclude`."""
        if count > (len(weights) - 1) // 2:
            # Most of them: rank everyone by a weighted random key (Efraimidis-Spirakis), as
            # redrawing until enough distinct ones come up would take long.
            keys = {i: self.rng.random() ** (1 / w) for i, w in enumerate(weights) if i != exclude}
            return sorted(keys, key=keys.__getitem__, reverse=True)[:count]
        chosen: dict[int, None] = {}
        while len(chosen) < count:
            drawn = bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])
            drawn = min(drawn, len(weights) - 1)
            if drawn != exclude:
                chosen[drawn] = None
        return list(chosen)

    def _follow(self, follower: int, target: int) -> None:
        at = self._between(self.start - timedelta(hours=20), self.now)
        self.plan.follows.append(
            Follow(
                id=self._id(at),
                follower=self.everyone[follower],
                target=self.everyone[target],
                created_at=at,
            )
        )
        self.members[follower].following.append(target)
        self.members[target].followers += 1
        if follower < self.seeded:
            self.members[target].fans.append(follower)

    # --- Posts ------------------------------------------------------------------------------

    def plan_posts(self, posts_per_user: int, tick: Callable[[int], object]) -> None:
        for member in self.members[: self.seeded]:
            # Some post a lot, most a little: an exponential spread around the average.
            count = 0
            if posts_per_user > 0:
                count = round(self.rng.expovariate(1 / posts_per_user))
                count = min(count, 5 * posts_per_user)
            friends = [self.everyone[i].username for i in member.following if i < self.seeded]
            for _ in range(count):
                text = texts.post_text(
                    self.rng, interests=member.interests, place=member.place, friends=friends
                )
                visibility = self._visibility()
                at = self._between(self.start, self.now - timedelta(minutes=10))
                self._post(member.account, text, visibility, at)
            tick(1)

    def _visibility(self) -> str:
        return self.rng.choices(VISIBILITIES, VISIBILITY_SHARES)[0]

    def _post(
        self,
        author: Account,
        text: str,
        visibility: str,
        at: datetime,
        parent: Post | None = None,
    ) -> Post:
        rendered = render(text, resolve_usernames=self._resolve)
        warning = ""
        if parent is None and self.rng.random() < CONTENT_WARNING_SHARE:
            warning = self.rng.choice(texts.CONTENT_WARNINGS)
        post = Post(
            id=self._id(at),
            author=author,
            text=text,
            content_html=rendered.html,
            spoiler_text=warning,
            sensitive=bool(warning),
            language=LANGUAGE,
            visibility=visibility,
            in_reply_to=parent,
            in_reply_to_account_id=parent.author_id if parent else None,
            created_at=at,
        )
        self.plan.posts.append(post)
        for username in rendered.mentioned_usernames:
            account = self.usernames[username.lower()]
            self.plan.mentions.append(Mention(id=new_id(), post=post, account=account))
        self.plan.tags.extend((post.pk, name) for name in rendered.hashtags)
        return post

    def _resolve(self, names: Iterable[str]) -> Mapping[str, str]:
        found = (self.usernames.get(name.lower()) for name in names)
        return {account.username.lower(): account.username for account in found if account}

    # --- Threads, likes, reposts ------------------------------------------------------------

    def plan_reactions(self, originals: Sequence[Post], tick: Callable[[int], object]) -> None:
        index_of = {account.pk: i for i, account in enumerate(self.everyone)}
        for post in originals:
            author = index_of[post.author_id]
            fans = self.members[author].fans
            shared = post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)
            # Popular accounts draw more conversation: more threads, more people in them.
            if shared and fans and self.rng.random() < REPLY_SHARE + len(fans) / 200:
                repliers = min(len(fans), self.rng.randint(1, 3 + len(fans) // 100))
                for replier in self.rng.sample(fans, repliers):
                    self._thread(post, (replier, author), depth=1)
            self._likes(post, fans, share=self.rng.random() ** 2 * 0.35)
            if shared:
                self._reposts(post, fans)
            tick(1)

    def _thread(self, parent: Post, speakers: tuple[int, int], depth: int) -> None:
        """`speakers[0]` replies to `parent` (by `speakers[1]`); then, maybe, the other way."""
        replier, answered = speakers
        at = self._after(parent.created_at, hours=3)
        to = self.everyone[answered].username
        reply = self._post(
            self.everyone[replier],
            texts.reply_text(self.rng, to=to),
            parent.visibility,
            at,
            parent=parent,
        )
        if self.rng.random() < 0.5:  # the one answered likes the reply
            self._like(reply, answered)
        if depth < MAX_THREAD_DEPTH and self.rng.random() < 0.5:
            self._thread(reply, (answered, replier), depth + 1)

    def _likes(self, post: Post, fans: Sequence[int], share: float) -> None:
        for liker in self.rng.sample(fans, round(len(fans) * share)):
            self._like(post, liker)

    def _like(self, post: Post, liker: int) -> None:
        at = self._after(post.created_at, hours=5)
        self.plan.favourites.append(
            Favourite(id=self._id(at), account=self.everyone[liker], post=post, created_at=at)
        )

    def _reposts(self, post: Post, fans: Sequence[int]) -> None:
        share = self.rng.random() ** 3 * 0.12
        for reposter in self.rng.sample(fans, round(len(fans) * share)):
            at = self._after(post.created_at, hours=8)
            self.plan.posts.append(
                Post(
                    id=self._id(at),
                    author=self.everyone[reposter],
                    reblog_of=post,
                    visibility=post.visibility,  # as hearth.posts.services.reblog does
                    language=post.language,
                    created_at=at,
                )
            )

    # --- Time and ids -----------------------------------------------------------------------

    def _between(self, earliest: datetime, latest: datetime) -> datetime:
        return earliest + (latest - earliest) * self.rng.random()

    def _after(self, moment: datetime, *, hours: float) -> datetime:
        """A moment after `moment`, `hours` later on average, never in the future: what would
        fall after now lands part of the way there instead (always strictly after `moment`,
        which replies need to sort below their parents)."""
        delay = timedelta(minutes=1) + timedelta(hours=self.rng.expovariate(1 / hours))
        left = self.now - moment
        if delay >= left:
            delay = left * self.rng.uniform(0.2, 0.9)
        return moment + delay

    def _id(self, at: datetime) -> int:
        """A time-ordered id for `at` (so paging by id and by date agree), distinct from every
        other id minted in this run."""
        value = new_id(at=at)
        while value in self._ids:
            value += 1
        self._ids.add(value)
        return value

    def summary(self, originals: Sequence[Post]) -> NetworkSummary:
        replies = sum(1 for post in self.plan.posts if post.in_reply_to_id is not None)
        reposts = sum(1 for post in self.plan.posts if post.reblog_of_id is not None)
        top = max(range(self.seeded), key=lambda i: self.members[i].followers)
        most_followed = Account.objects.get(pk=self.everyone[top].pk)  # with its new counters
        return NetworkSummary(
            follows=len(self.plan.follows),
            posts=len(originals),
            replies=replies,
            likes=len(self.plan.favourites),
            reposts=reposts,
            most_followed=most_followed,
            most_followed_count=self.members[top].followers,
        )

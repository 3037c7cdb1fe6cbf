"""Writing a planned demo network in bulk, then settling every counter from the rows.

The services (hearth.graph, hearth.posts) write one row at a time, lock, and signal; for tens of
thousands of invented rows that would take minutes. So the demo writes the rows directly with
bulk_create and then recomputes each counter with one UPDATE ... SET col = (SELECT COUNT(*) ...)
per chunk of accounts: whatever was inserted, the counters end up equal to the rows, which is the
invariant the services keep. No signals are sent; nothing listens to them for old posts anyway
(home feeds are read from the posts table, hearth.timelines.feeds).

Everything happens in one transaction, so an interrupted run leaves nothing half-counted. On
SQLite a live server's writers wait for it (a few seconds per thousand members, well inside the
20-second busy timeout).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar, cast

from django.db import models, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from hearth.accounts.models import Account, User
from hearth.core.ids import new_id
from hearth.graph.models import Follow
from hearth.posts.models import Favourite, Hashtag, Mention, Post, PostHashtag

#: Rows per INSERT call (Django splits further where the database's parameter limit needs it).
INSERT_CHUNK = 2000
#: Accounts per counter UPDATE, well below every database's limit on bound parameters.
COUNT_CHUNK = 500

Tick = Callable[[int], object]
_M = TypeVar("_M", bound=models.Model)


@dataclass
class Plan:
    """Every row of a demo network, built in memory before anything is written."""

    follows: list[Follow] = field(default_factory=list)
    #: Originals, replies and reposts, each parent before its replies.
    posts: list[Post] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    #: (post id, hashtag as typed) for every tag a post uses.
    tags: list[tuple[int, str]] = field(default_factory=list)
    favourites: list[Favourite] = field(default_factory=list)

    @property
    def rows(self) -> int:
        parts = (self.follows, self.posts, self.mentions, self.tags, self.favourites)
        return sum(len(part) for part in parts)


def write(
    plan: Plan,
    *,
    recount_account_ids: Sequence[int],
    joined_at: datetime,
    seeded: Sequence[Account],
    saving: Tick,
) -> None:
    """Insert the plan, recount the counters of `recount_account_ids` and of their posts, and
    date the `seeded` accounts (and their users) to `joined_at`, before their first post."""
    with transaction.atomic(), _created_at_as_given(Follow, Post, Favourite):
        _insert(plan.follows, saving)
        _insert(sorted(plan.posts, key=lambda post: post.pk), saving)  # parents first
        _insert(plan.mentions, saving)
        _insert(_hashtag_links(plan.tags), saving)
        _insert(plan.favourites, saving)
        for start in range(0, len(recount_account_ids), COUNT_CHUNK):
            chunk = recount_account_ids[start : start + COUNT_CHUNK]
            recount(chunk)
        _backdate(seeded, joined_at)


def recount(account_ids: Sequence[int]) -> None:
    """Set these accounts' counters, and those of their posts, to the number of rows."""
    follows = Follow.objects.all()
    Account.objects.filter(pk__in=account_ids).update(
        followers_count=_count(follows, "target"),
        following_count=_count(follows, "follower"),
        posts_count=_count(Post.objects.all(), "author"),
    )
    Post.objects.filter(author_id__in=account_ids, reblog_of__isnull=True).update(
        replies_count=_count(Post.objects.all(), "in_reply_to"),
        reblogs_count=_count(Post.objects.all(), "reblog_of"),
        favourites_count=_count(Favourite.objects.all(), "post"),
    )


def _count(rows: QuerySet[_M], column: str) -> Coalesce:
    """How many of `rows` point at the row being updated, as a correlated subquery."""
    matching = rows.filter(**{column: OuterRef("pk")}).order_by().values(column)
    return Coalesce(Subquery(matching.annotate(n=Count("pk")).values("n")), Value(0))


def _insert(rows: Sequence[_M], saving: Tick) -> None:
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        type(chunk[0])._default_manager.bulk_create(chunk)
        saving(len(chunk))


def _hashtag_links(tags: Sequence[tuple[int, str]]) -> list[PostHashtag]:
    """PostHashtag rows for (post id, name) pairs, creating the tags that don't exist yet.

    Tags match in any letter case, as in hearth.posts.services (SQL LOWER on both sides)."""
    wanted: dict[str, str] = {}
    for _, name in tags:
        wanted.setdefault(name.lower(), name)
    existing = dict(
        Hashtag.objects.annotate(lower=Lower("name"))
        .filter(lower__in=list(wanted))
        .values_list("lower", "pk")
    )
    new = [Hashtag(id=new_id(), name=name) for key, name in wanted.items() if key not in existing]
    Hashtag.objects.bulk_create(new)
    ids = existing | {tag.name.lower(): tag.pk for tag in new}
    return [PostHashtag(post_id=post_id, hashtag_id=ids[name.lower()]) for post_id, name in tags]


def _backdate(seeded: Sequence[Account], joined_at: datetime) -> None:
    # Profiles say when someone joined; "today" above two weeks of posts would look wrong.
    for start in range(0, len(seeded), COUNT_CHUNK):
        chunk = seeded[start : start + COUNT_CHUNK]
        Account.objects.filter(pk__in=[account.pk for account in chunk]).update(
            created_at=joined_at
        )
        User.objects.filter(pk__in=[account.user_id for account in chunk]).update(
            date_joined=joined_at
        )


@contextmanager
def _created_at_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create store the `created_at` we set, not "now".

    `auto_now_add` overwrites the value on every insert, and the demo needs likes and follows
    dated over the past two weeks. Django has no per-call switch, so the flag is turned off on
    the field for the duration. This is process-wide, which is fine for a management command
    (and for tests, which insert nothing concurrently); don't call it from a web request.
    """
    fields = [
        cast("models.DateTimeField[datetime, datetime]", model._meta.get_field("created_at"))
        for model in model_classes
    ]
    for date_field in fields:
        date_field.auto_now_add = False
    try:
        yield
    finally:
        for date_field in fields:
            date_field.auto_now_add = True


def recount_accounts(account_ids: Sequence[int]) -> None:
    """Set these accounts' follower, following and post counters to the number of rows (the
    account half of `recount`, for data whose posts have no replies, reposts or likes)."""
    follows = Follow.objects.all()
    Account.objects.filter(pk__in=account_ids).update(
        followers_count=_count(follows, "target"),
        following_count=_count(follows, "follower"),
        posts_count=_count(Post.objects.all(), "author"),
    )

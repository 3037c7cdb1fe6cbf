"""The database feed store, the embedded default: one FeedEntry row per (account, post).

A page is one query: the account's FeedState row (is the feed built, and recently?) LEFT JOINed
to a range scan of the (account, -post) index. Pushing a batch is one INSERT that ignores rows
already there, so fan-out can run twice. Feeds are trimmed to HEARTH_FEED_LENGTH by a periodic
job (`feeds_trim`) rather than on every push: a few rows over the cap cost nothing to read.
"""

from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from hearth.timelines.feeds import Bounds, FeedItem, PushFeedStore, feed_length, feed_lifetime
from hearth.timelines.models import FeedEntry, FeedState

#: How long one rebuild may hold its lock, in seconds (it is released as soon as it is done).
REBUILD_LOCK_SECONDS = 60
_INSERT_BATCH = 1000
_LARGEST_ID = 2**63 - 1


class DatabaseFeedStore(PushFeedStore):
    def push(self, account_ids: Sequence[int], *items: FeedItem) -> None:
        FeedEntry.objects.bulk_create(
            [_entry(account_id, item) for account_id in account_ids for item in items],
            ignore_conflicts=True,
            batch_size=_INSERT_BATCH,
        )

    def push_each(self, deliveries: Sequence[tuple[Sequence[int], Sequence[FeedItem]]]) -> None:
        FeedEntry.objects.bulk_create(
            [
                _entry(account_id, item)
                for account_ids, items in deliveries
                for account_id in account_ids
                for item in items
            ],
            ignore_conflicts=True,
            batch_size=_INSERT_BATCH,
        )

    def merge(self, account_id: int, items: Sequence[FeedItem]) -> None:
        FeedEntry.objects.bulk_create(
            [_entry(account_id, item) for item in items],
            ignore_conflicts=True,
            batch_size=_INSERT_BATCH,
        )

    def remove(self, post_id: int, account_batches: Iterable[Sequence[int]]) -> None:
        # The rows have a cascading key to the post, so a deleted post is gone already; this
        # covers a post that merely left the feeds. One indexed DELETE; the batches go unread.
        FeedEntry.objects.filter(post_id=post_id).delete()

    def remove_author(self, account_id: int, author_id: int) -> None:
        FeedEntry.objects.filter(account_id=account_id, author_id=author_id).delete()

    def invalidate(self, account_ids: Sequence[int]) -> None:
        with transaction.atomic():
            FeedState.objects.filter(account_id__in=account_ids).delete()
            FeedEntry.objects.filter(account_id__in=account_ids).delete()

    def contains(self, account_id: int, post_id: int) -> bool:
        return FeedEntry.objects.filter(account_id=account_id, post_id=post_id).exists()

    def _read(self, account_id: int, bounds: Bounds) -> list[int] | None:
        state = connection.ops.quote_name(FeedState._meta.db_table)
        entry = connection.ops.quote_name(FeedEntry._meta.db_table)
        order = "ASC" if bounds.ascending else "DESC"
        # Table names come from the models, the order from a two-value choice; values are
        # parameters. The LEFT JOIN keeps one row (post_id NULL) for a built, empty feed.
        sql = f"""
            SELECT e.post_id FROM {state} s
            LEFT JOIN {entry} e
                ON e.account_id = s.account_id AND e.post_id < %s AND e.post_id > %s
            WHERE s.account_id = %s AND s.built_at >= %s
            ORDER BY e.post_id {order}
            LIMIT %s
        """  # noqa: S608
        fresh_since = connection.ops.adapt_datetimefield_value(timezone.now() - feed_lifetime())
        upper = bounds.upper if bounds.upper is not None else _LARGEST_ID
        lower = bounds.lower if bounds.lower is not None else -1
        with connection.cursor() as cursor:
            cursor.execute(sql, [upper, lower, account_id, fresh_since, bounds.size])
            rows = cursor.fetchall()
        if not rows:
            return None
        ids = [pk for (pk,) in rows if pk is not None]
        return ids[::-1] if bounds.ascending else ids

    def _lock(self, account_id: int) -> bool:
        return bool(cache.add(_lock_key(account_id), 1, REBUILD_LOCK_SECONDS))

    def _unlock(self, account_id: int) -> None:
        cache.delete(_lock_key(account_id))

    def _begin_rebuild(self, account_id: int) -> None:
        # Without a FeedState row readers take the pull query; fan-out keeps inserting.
        with transaction.atomic():
            FeedState.objects.filter(account_id=account_id).delete()
            FeedEntry.objects.filter(account_id=account_id).delete()

    def _finish_rebuild(self, account_id: int, items: Sequence[FeedItem]) -> None:
        with transaction.atomic():
            self.merge(account_id, items)
            FeedState.objects.update_or_create(
                account_id=account_id, defaults={"built_at": timezone.now()}
            )


def feeds_trim() -> int:
    """Cut every database feed down to HEARTH_FEED_LENGTH posts; returns the rows deleted.
    One grouped scan of the feed index, then one DELETE per feed over the cap."""
    cap = feed_length()
    over = (
        FeedEntry.objects.values("account_id")
        .annotate(entries=Count("id"))
        .filter(entries__gt=cap)
        .values_list("account_id", flat=True)
    )
    deleted = 0
    for account_id in list(over):
        kept = FeedEntry.objects.filter(account_id=account_id).order_by("-post_id")
        oldest_kept = kept.values_list("post_id", flat=True)[cap - 1]
        removed, _ = FeedEntry.objects.filter(
            account_id=account_id, post_id__lt=oldest_kept
        ).delete()
        deleted += removed
    return deleted


def _entry(account_id: int, item: FeedItem) -> FeedEntry:
    return FeedEntry(
        account_id=account_id,
        post_id=item.post_id,
        author_id=item.author_id,
        reblog_of_id=item.reblog_of_id,
    )


def _lock_key(account_id: int) -> str:
    return f"timelines:rebuild:{account_id}"

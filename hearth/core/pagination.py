"""Cursor pagination over time-ordered ids, with Mastodon's semantics.

Lists are ordered newest first. A client asks for:

- nothing: the newest `limit` items;
- `max_id`: items older than that id (the next page down);
- `since_id`: items newer than that id, still the newest ones first (there may be a gap between
  them and `since_id` if more than `limit` arrived; Mastodon's "refresh");
- `min_id`: the items immediately newer than that id, returned newest first (page up without a
  gap). `min_id` wins over `since_id`; either combines with `max_id`.

`limit` defaults to 20 and is clamped to 1..40. Ids that are not numbers, or are outside the
64-bit range, are ignored rather than failing: they arrive straight from query strings.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

DEFAULT_LIMIT = 20
MAX_LIMIT = 40
_LARGEST_ID = 2**63 - 1

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    items: list[M]
    #: Pass as max_id for the next (older) page; None when this page wasn't full (no older).
    next_max_id: int | None
    #: Pass as min_id for the previous (newer) page; None when the page is empty.
    prev_min_id: int | None


def paginate(
    queryset: QuerySet[M],
    *,
    max_id: int | str | None = None,
    min_id: int | str | None = None,
    since_id: int | str | None = None,
    limit: int | str | None = None,
    key: str = "id",
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = MAX_LIMIT,
) -> Page[M]:
    """One page of `queryset` (any order; it is re-ordered by `key`, an integer column).
    `default_limit` and `max_limit` are for lists Mastodon sizes differently (notifications:
    40, at most 80)."""
    size = _limit(limit, default_limit, max_limit)
    upper, lower_min, lower_since = _id(max_id), _id(min_id), _id(since_id)
    if upper is not None:
        queryset = queryset.filter(**{f"{key}__lt": upper})
    if lower_min is not None:
        rows = list(queryset.filter(**{f"{key}__gt": lower_min}).order_by(key)[:size])
        rows.reverse()
    else:
        if lower_since is not None:
            queryset = queryset.filter(**{f"{key}__gt": lower_since})
        rows = list(queryset.order_by(f"-{key}")[:size])
    if not rows:
        return Page(items=[], next_max_id=None, prev_min_id=None)
    newest, oldest = getattr(rows[0], key), getattr(rows[-1], key)
    return Page(items=rows, next_max_id=oldest if len(rows) == size else None, prev_min_id=newest)


def _id(value: int | str | None) -> int | None:
    try:
        number = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    if number is None or not 0 <= number <= _LARGEST_ID:
        return None
    return number


def _limit(value: int | str | None, default: int, maximum: int) -> int:
    try:
        number = int(value) if value is not None else default
    except (TypeError, ValueError):
        return default
    return max(1, min(maximum, number))

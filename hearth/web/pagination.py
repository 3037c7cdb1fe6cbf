"""Cursor pagination for the web pages' lists: "Older" links that carry the last row's id.

An id cursor, unlike a page number, stays right while rows come and go above it, and the next
page is an index range scan. Ids are time-ordered, so "older" means "smaller id".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import F, Model, QuerySet

PAGE_SIZE = 40
_LARGEST_ID = 2**63 - 1  # ids are signed 64-bit integers in the database

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    items: Sequence[M]
    #: The cursor for the next, older page, or None on the last page.
    next_before: int | None


def parse_cursor(value: str | None) -> int | None:
    """The `before` query parameter as an id; anything that isn't one means "from the top"."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if number <= _LARGEST_ID else None


def page_before(
    queryset: QuerySet[M], *, cursor: str, before: int | None, size: int = PAGE_SIZE
) -> Page[M]:
    """One page of `queryset`, newest first by the id at `cursor` (a field path such as
    "id" or "outbound_follows__id"), starting below `before`. One query.

    The cursor is annotated rather than filtered on by its path: a separate filter on a
    multi-valued relation would join it a second time, while an annotation reuses the join the
    queryset already filters and orders by.
    """
    rows = queryset.annotate(page_cursor=F(cursor)).order_by("-page_cursor")
    if before is not None:
        rows = rows.filter(page_cursor__lt=before)
    items = list(rows[: size + 1])
    if len(items) <= size:
        return Page(items=items, next_before=None)
    items = items[:size]
    return Page(items=items, next_before=getattr(items[-1], "page_cursor"))  # noqa: B009

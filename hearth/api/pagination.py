"""Mastodon's paging: cursors in, a `Link` header out.

Lists take `max_id`, `since_id`, `min_id` and `limit` (clamped, never refused) with the
semantics of `hearth.core.pagination`. The response's `Link` header carries absolute URLs for
the next (older) and previous (newer) page, `next` first (toot matches it at the start of the
header), keeping every other query parameter (`local`, `types[]`, ...). The last page has no
`next`; an empty page has no Link at all.

Lists of relations (followers, blocks, mutes, follow requests) page by the relation row's id,
not the account's: clients only ever follow the Link, so the cursor's meaning is ours.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar
from urllib.parse import urlencode

from django.db.models import F, Model, QuerySet
from django.http import HttpRequest, HttpResponse

from hearth.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, paginate
from hearth.timelines.selectors import Cursor as TimelineCursor

M = TypeVar("M", bound=Model)

CURSOR_PARAMS = frozenset({"max_id", "min_id", "since_id"})


@dataclass(frozen=True, slots=True)
class Cursor:
    max_id: str | None = None
    min_id: str | None = None
    since_id: str | None = None
    limit: str | None = None


def cursor(request: HttpRequest) -> Cursor:
    get = request.GET.get
    return Cursor(
        max_id=get("max_id"), min_id=get("min_id"), since_id=get("since_id"), limit=get("limit")
    )


def timeline_cursor(request: HttpRequest) -> TimelineCursor:
    """The request's cursors for hearth.timelines.selectors (junk values are ignored there)."""
    found = cursor(request)
    return TimelineCursor(
        max_id=found.max_id, min_id=found.min_id, since_id=found.since_id, limit=found.limit
    )


def page_of(
    queryset: QuerySet[M],
    request: HttpRequest,
    *,
    key: str = "id",
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = MAX_LIMIT,
) -> Page[M]:
    """One page of `queryset` for the request's cursors, ordered by the integer column `key`;
    `limit` defaults to `default_limit` and is clamped to 1..`max_limit`."""
    found = cursor(request)
    return paginate(
        queryset,
        max_id=found.max_id,
        min_id=found.min_id,
        since_id=found.since_id,
        limit=found.limit,
        key=key,
        default_limit=default_limit,
        max_limit=max_limit,
    )


def page_by_relation(queryset: QuerySet[M], request: HttpRequest, *, relation_id: str) -> Page[M]:
    """A page of accounts ordered by a related row's id (e.g. `outbound_follows__id`)."""
    annotated = queryset.annotate(relation_cursor=F(relation_id))
    return page_of(annotated, request, key="relation_cursor")


def link_header(
    request: HttpRequest, *, next_max_id: int | None, prev_min_id: int | None
) -> str | None:
    """The Link header for a page; None when there is nothing to link."""
    base = request.build_absolute_uri(request.path)
    kept = [
        (key, value)
        for key, values in request.GET.lists()
        if key not in CURSOR_PARAMS
        for value in values
    ]
    links = []
    if next_max_id is not None:
        links.append(f'<{base}?{urlencode([*kept, ("max_id", next_max_id)])}>; rel="next"')
    if prev_min_id is not None:
        links.append(f'<{base}?{urlencode([*kept, ("min_id", prev_min_id)])}>; rel="prev"')
    return ", ".join(links) or None


class Paged(Protocol):
    """Anything with a page's cursors: Page, PageIds, hearth.timelines' TimelinePage."""

    @property
    def next_max_id(self) -> int | None: ...

    @property
    def prev_min_id(self) -> int | None: ...


def set_link(response: HttpResponse, request: HttpRequest, page: Paged) -> None:
    header = link_header(request, next_max_id=page.next_max_id, prev_min_id=page.prev_min_id)
    if header:
        response["Link"] = header


@dataclass(frozen=True, slots=True)
class PageIds(Generic[M]):
    """Cursors for a page whose items were loaded some other way (e.g. a timeline page)."""

    items: Sequence[M]
    next_max_id: int | None
    prev_min_id: int | None

"""The member's keyword filters applied to statuses the API is about to send.

Endpoints build their statuses as usual, then call `apply_filters(viewer, context, statuses)`
once (or `apply_filters_to_notifications`): statuses matched by a `hide` filter are dropped,
the others get `filtered` (Mastodon's FilterResult[]) for every `warn`/`blur` filter that
matched. It works on what the endpoints produce, StatusOut or a dict of the same shape, and
matches the text the status shows (content without tags, and the content warning); a reblog is
judged by the original, and both the wrapper and the original carry `filtered` (clients read
either). It makes no query: the viewer's filters come from hearth.filters' per-member cache.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from hearth.accounts.models import Account
from hearth.api.schemas.filter import filter_result_out
from hearth.filters.selectors import (
    ActiveFilter,
    FilterMatch,
    active_filters,
    filter_matches,
    hidden_by,
)

T = TypeVar("T")

_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class _Shown:
    pk: int
    text: str
    spoiler_text: str


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _with_filtered(item: T, results: list[dict[str, Any]]) -> T:
    """`item` with `filtered` set: a copy for dicts (they may be shared, e.g. from a cache),
    the object itself for StatusOut (built for this response)."""
    if isinstance(item, dict):
        copied: Any = {**item, "filtered": results}
        return cast(T, copied)
    item.filtered = results  # type: ignore[attr-defined]  # a StatusOut
    return item


def plain_text(content: str) -> str:
    """Status HTML (as rendered at write time) as the words a reader sees."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content or "")))


def _matches(filters: Sequence[ActiveFilter], status: Any) -> list[FilterMatch]:
    shown = _get(status, "reblog") or status
    try:
        pk = int(_get(shown, "id"))
    except (TypeError, ValueError):
        pk = 0
    target = _Shown(
        pk=pk,
        text=plain_text(_get(shown, "content") or ""),
        spoiler_text=_get(shown, "spoiler_text") or "",
    )
    return filter_matches(filters, target)


def _filtered(filters: Sequence[ActiveFilter], status: T) -> T | None:
    """The status with `filtered` set, or None when a hide filter matched (to drop it)."""
    matches = _matches(filters, status)
    if hidden_by(matches):
        return None
    results = [filter_result_out(match).model_dump() for match in matches]
    if not results:
        return status
    reblog = _get(status, "reblog")
    if reblog is not None:
        reblog = _with_filtered(reblog, [dict(result) for result in results])
        if isinstance(status, dict):
            status = cast(T, {**status, "reblog": reblog})
    return _with_filtered(status, results)


def apply_filters(viewer: Account | None, context: str, statuses: list[T]) -> list[T]:
    """`statuses` without those a hide filter matches; `filtered` set on the rest."""
    filters = active_filters(viewer, context)
    if not filters:
        return statuses
    kept = (_filtered(filters, status) for status in statuses)
    return [status for status in kept if status is not None]


def apply_filters_to_notifications(viewer: Account | None, notifications: list[T]) -> list[T]:
    """Notifications about a status a hide filter matches are dropped; the others' statuses
    get `filtered` (filters in the `notifications` context)."""
    filters = active_filters(viewer, "notifications")
    if not filters:
        return notifications
    kept: list[T] = []
    for item in notifications:
        status = _get(item, "status")
        if status is None:
            kept.append(item)
            continue
        shown = _filtered(filters, status)
        if shown is None:
            continue
        if isinstance(item, dict):
            kept.append(cast(T, {**item, "status": shown}))
        else:
            kept.append(item)  # a NotificationOut: its StatusOut was changed in place
    return kept

"""Reads for keyword filters: a member's filters (owner only; anyone else's is "not found"),
the filters in force for one place (`active_filters`, cached per member), and the matcher
(`filter_matches`) the timelines, notifications and threads of the API and the website run
over the posts they are about to show.

The cache holds all of a member's filters as small frozen records, expired ones included:
expiry and context are checked on every read, so only a change needs to drop the entry
(services call `forget_filters` on commit). Most members have no filter, which costs one
cache read per page.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.filters.models import Filter, FilterAction, FilterKeyword, FilterStatus

_CACHE_KEY = "filters:v1:{}"
_CACHE_SECONDS = 24 * 3600
_LARGEST_ID = 2**63 - 1


def _parse_id(value: str | int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number <= _LARGEST_ID:
        raise Http404
    return number


def filters_of(*, owner: Account) -> QuerySet[Filter]:
    """The member's filters, newest first, keywords and filtered posts prefetched."""
    return (
        Filter.objects.filter(owner=owner).prefetch_related("keywords", "statuses").order_by("-id")
    )


def access_filter(*, owner: Account, filter_id: str | int) -> Filter:
    found = filters_of(owner=owner).filter(pk=_parse_id(filter_id)).first()
    if found is None:
        raise Http404
    return found


def access_filter_keyword(*, owner: Account, keyword_id: str | int) -> FilterKeyword:
    found = (
        FilterKeyword.objects.select_related("filter")
        .filter(pk=_parse_id(keyword_id), filter__owner=owner)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_filter_status(*, owner: Account, status_id: str | int) -> FilterStatus:
    found = (
        FilterStatus.objects.select_related("filter")
        .filter(pk=_parse_id(status_id), filter__owner=owner)
        .first()
    )
    if found is None:
        raise Http404
    return found


def filter_keywords(*, filter_: Filter) -> QuerySet[FilterKeyword]:
    return FilterKeyword.objects.filter(filter=filter_).order_by("id")


def filter_statuses(*, filter_: Filter) -> QuerySet[FilterStatus]:
    return FilterStatus.objects.filter(filter=filter_).order_by("id")


# --- In force ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveKeyword:
    id: int
    keyword: str
    whole_word: bool


@dataclass(frozen=True)
class ActiveFilter:
    """A filter as the matcher needs it (and as FilterResult shows it)."""

    id: int
    title: str
    context: tuple[str, ...]
    filter_action: str
    expires_at: datetime | None
    keywords: tuple[ActiveKeyword, ...]
    status_ids: frozenset[int]

    @property
    def hides(self) -> bool:
        return self.filter_action == FilterAction.HIDE


def _load(owner_id: int) -> tuple[ActiveFilter, ...]:
    rows = Filter.objects.filter(owner_id=owner_id).prefetch_related("keywords", "statuses")
    return tuple(
        ActiveFilter(
            id=row.pk,
            title=row.title,
            context=tuple(row.context),
            filter_action=row.filter_action,
            expires_at=row.expires_at,
            keywords=tuple(
                ActiveKeyword(id=kw.pk, keyword=kw.keyword, whole_word=kw.whole_word)
                for kw in row.keywords.all()
            ),
            status_ids=frozenset(fs.post_id for fs in row.statuses.all()),
        )
        for row in rows.order_by("-id")
    )


def filters_key(owner_id: int) -> str:
    """Where the owner's filters are cached."""
    return _CACHE_KEY.format(owner_id)


def forget_filters(owner_id: int) -> None:
    cache.delete(filters_key(owner_id))


def active_filters(viewer: Account | None, context: str) -> tuple[ActiveFilter, ...]:
    """The viewer's unexpired filters that apply in `context` (a FilterContext value)."""
    if viewer is None:
        return ()
    key = filters_key(viewer.pk)
    every: tuple[ActiveFilter, ...] | None = cache.get(key)
    if every is None:
        every = _load(viewer.pk)
        cache.set(key, every, _CACHE_SECONDS)
    now = timezone.now()
    return tuple(
        item
        for item in every
        if context in item.context and (item.expires_at is None or item.expires_at > now)
    )


# --- Matching ----------------------------------------------------------------------------------


class Filterable(Protocol):
    """What the matcher reads of a post: its id, its text and its content warning."""

    @property
    def pk(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def spoiler_text(self) -> str: ...


@dataclass(frozen=True)
class FilterMatch:
    filter: ActiveFilter
    keyword_matches: tuple[str, ...]
    status_matches: tuple[str, ...]


@lru_cache(maxsize=4096)
def _pattern(keyword: str, whole_word: bool) -> re.Pattern[str]:
    """Mastodon's rule: a whole word gets a word boundary on each end that is a word character
    (so `#tag` and `c++` still match); otherwise any substring. Case-insensitive, Unicode."""
    escaped = re.escape(keyword)
    if whole_word:
        start = r"\b" if re.match(r"\w", keyword) else ""
        end = r"\b" if re.search(r"\w\Z", keyword) else ""
        escaped = f"{start}{escaped}{end}"
    return re.compile(escaped, re.IGNORECASE)


def filter_matches(filters: Sequence[ActiveFilter], post: Filterable) -> list[FilterMatch]:
    """Which of `filters` match the post, and by which keywords or filtered posts."""
    texts = [post.text, post.spoiler_text]
    found: list[FilterMatch] = []
    for item in filters:
        words = tuple(
            kw.keyword
            for kw in item.keywords
            if any(_pattern(kw.keyword, kw.whole_word).search(text) for text in texts if text)
        )
        statuses = (str(post.pk),) if post.pk in item.status_ids else ()
        if words or statuses:
            found.append(FilterMatch(filter=item, keyword_matches=words, status_matches=statuses))
    return found


def hidden_by(matches: Iterable[FilterMatch]) -> bool:
    return any(match.filter.hides for match in matches)

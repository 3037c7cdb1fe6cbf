"""Filter, FilterKeyword, FilterStatus, FilterResult and V1Filter (Mastodon entities) from
hearth.filters. The builders make no queries: `filter_out` reads prefetched keywords/statuses."""

from hearth.api.schemas.common import Out, rfc3339_or_none
from hearth.filters.models import Filter, FilterAction, FilterKeyword, FilterStatus
from hearth.filters.selectors import ActiveFilter, FilterMatch


class FilterKeywordOut(Out):
    id: str
    keyword: str
    whole_word: bool


class FilterStatusOut(Out):
    id: str
    status_id: str


class FilterOut(Out):
    id: str
    title: str
    context: list[str]
    filter_action: str
    expires_at: str | None
    keywords: list[FilterKeywordOut] | None = None
    statuses: list[FilterStatusOut] | None = None


class FilterResultOut(Out):
    filter: FilterOut
    keyword_matches: list[str] | None
    status_matches: list[str] | None


class V1FilterOut(Out):
    id: str
    phrase: str
    context: list[str]
    expires_at: str | None
    irreversible: bool
    whole_word: bool


def filter_keyword_out(keyword: FilterKeyword) -> FilterKeywordOut:
    return FilterKeywordOut(
        id=str(keyword.pk), keyword=keyword.keyword, whole_word=keyword.whole_word
    )


def filter_status_out(status: FilterStatus) -> FilterStatusOut:
    return FilterStatusOut(id=str(status.pk), status_id=str(status.post_id))


def filter_out(filter_: Filter) -> FilterOut:
    return FilterOut(
        id=str(filter_.pk),
        title=filter_.title,
        context=list(filter_.context),
        filter_action=filter_.filter_action,
        expires_at=rfc3339_or_none(filter_.expires_at),
        keywords=[filter_keyword_out(kw) for kw in filter_.keywords.all()],
        statuses=[filter_status_out(fs) for fs in filter_.statuses.all()],
    )


def filter_result_out(match: FilterMatch) -> FilterResultOut:
    """One entry of Status.filtered. The filter is shown without its keywords and statuses,
    as Mastodon does there."""
    item: ActiveFilter = match.filter
    return FilterResultOut(
        filter=FilterOut(
            id=str(item.id),
            title=item.title,
            context=list(item.context),
            filter_action=item.filter_action,
            expires_at=rfc3339_or_none(item.expires_at),
        ),
        keyword_matches=list(match.keyword_matches),
        status_matches=list(match.status_matches),
    )


def v1_filters_out(filter_: Filter) -> list[V1FilterOut]:
    """A v2 filter as v1 filters: one per keyword (v1 had one phrase per filter), with the
    keyword's id, as Mastodon does for filters made with v2."""
    return [
        V1FilterOut(
            id=str(kw.pk),
            phrase=kw.keyword,
            context=list(filter_.context),
            expires_at=rfc3339_or_none(filter_.expires_at),
            irreversible=filter_.filter_action == FilterAction.HIDE,
            whole_word=kw.whole_word,
        )
        for kw in filter_.keywords.all()
    ]

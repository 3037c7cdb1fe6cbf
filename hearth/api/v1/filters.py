"""/api/v2/filters (and the v1 list): the member's keyword filters, hearth.filters.

v2 is Mastodon's full CRUD: filters with `keywords_attributes[]` (add, change, `_destroy`),
their keywords and their filtered statuses. Someone else's filter, keyword or filtered status
is 404. Bad input is 422 naming the field (`title`, `context`, `filter_action`, `expires_in`,
`keywords_attributes`, `keyword`). v1 is only the list, each keyword shown as a v1 filter
(Tusky falls back to it; CLIENT-NOTES §3). Statuses get `filtered` in hearth.api.filtering.
"""

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from hearth.api.auth import me, token
from hearth.api.errors import validation_error
from hearth.api.parsing import Flag, parse_body, request_data, validate
from hearth.api.schemas.filter import (
    FilterKeywordOut,
    FilterOut,
    FilterStatusOut,
    V1FilterOut,
    filter_keyword_out,
    filter_out,
    filter_status_out,
    v1_filters_out,
)
from hearth.filters import selectors, services
from hearth.filters.services import KEEP, Keep, KeywordChange
from hearth.posts.selectors import access_post

router_v1 = Router(tags=["filters"])
router_v2 = Router(tags=["filters"])

#: The longest `expires_in` accepted: ten years, in seconds.
MAX_EXPIRES_IN = 10 * 365 * 24 * 3600


class KeywordAttributesIn(Schema):
    id: int | str | None = None
    keyword: str | None = None
    whole_word: Flag | None = None
    destroy: Flag = Field(default=False, alias="_destroy")


class FilterIn(Schema):
    title: str | None = None
    context: list[str] | str | None = None
    filter_action: str | None = None
    expires_in: int | str | None = None
    keywords_attributes: list[KeywordAttributesIn] | dict[str, KeywordAttributesIn] | None = None


class KeywordIn(Schema):
    keyword: str
    whole_word: Flag = True


class KeywordUpdateIn(Schema):
    keyword: str | None = None
    whole_word: Flag | None = None


class StatusIn(Schema):
    status_id: int | str


def _context(value: list[str] | str | None) -> list[str] | None:
    return [value] if isinstance(value, str) else value


def _expires_at(value: int | str | None) -> datetime | None:
    """Mastodon's `expires_in`: seconds from now; empty or absent means never."""
    if value is None or value == "":
        return None
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise validation_error({"expires_in": ["Give a number of seconds."]}) from None
    if not 0 < seconds <= MAX_EXPIRES_IN:
        raise validation_error({"expires_in": ["Give a number of seconds, at most ten years."]})
    return timezone.now() + timedelta(seconds=seconds)


def _keyword_changes(data: FilterIn) -> list[KeywordChange]:
    raw = data.keywords_attributes
    if raw is None:
        return []
    items = list(raw.values()) if isinstance(raw, dict) else raw
    changes = []
    for item in items:
        keyword_id: int | None = None
        if item.id not in (None, ""):
            try:
                keyword_id = int(item.id)  # type: ignore[arg-type]  # None excluded above
            except ValueError:
                raise validation_error({"keywords_attributes": ["Unknown keyword id."]}) from None
        changes.append(
            KeywordChange(
                id=keyword_id,
                keyword=item.keyword,
                whole_word=item.whole_word,
                destroy=item.destroy,
            )
        )
    return changes


def _fresh(request: HttpRequest, filter_id: int) -> FilterOut:
    return filter_out(selectors.access_filter(owner=me(request), filter_id=filter_id))


# --- v1 --------------------------------------------------------------------------------------


@router_v1.get("", response=list[V1FilterOut], auth=token("read:filters"))
def filter_list_v1(request: HttpRequest) -> list[V1FilterOut]:
    return [out for item in selectors.filters_of(owner=me(request)) for out in v1_filters_out(item)]


# --- v2: keywords and statuses by their own id (before /{filter_id}) --------------------------


@router_v2.get("/keywords/{keyword_id}", response=FilterKeywordOut, auth=token("read:filters"))
def keyword_detail(request: HttpRequest, keyword_id: str) -> FilterKeywordOut:
    return filter_keyword_out(
        selectors.access_filter_keyword(owner=me(request), keyword_id=keyword_id)
    )


@router_v2.put("/keywords/{keyword_id}", response=FilterKeywordOut, auth=token("write:filters"))
def keyword_update(request: HttpRequest, keyword_id: str) -> FilterKeywordOut:
    found = selectors.access_filter_keyword(owner=me(request), keyword_id=keyword_id)
    data = parse_body(request, KeywordUpdateIn)
    updated = services.filter_keyword_update(
        keyword_=found, keyword=data.keyword, whole_word=data.whole_word
    )
    return filter_keyword_out(updated)


@router_v2.delete("/keywords/{keyword_id}", response=dict[str, Any], auth=token("write:filters"))
def keyword_delete(request: HttpRequest, keyword_id: str) -> dict[str, Any]:
    found = selectors.access_filter_keyword(owner=me(request), keyword_id=keyword_id)
    services.filter_keyword_delete(keyword_=found)
    return {}


@router_v2.get("/statuses/{status_id}", response=FilterStatusOut, auth=token("read:filters"))
def status_detail(request: HttpRequest, status_id: str) -> FilterStatusOut:
    return filter_status_out(selectors.access_filter_status(owner=me(request), status_id=status_id))


@router_v2.delete("/statuses/{status_id}", response=dict[str, Any], auth=token("write:filters"))
def status_delete(request: HttpRequest, status_id: str) -> dict[str, Any]:
    found = selectors.access_filter_status(owner=me(request), status_id=status_id)
    services.filter_status_delete(status_=found)
    return {}


# --- v2: filters --------------------------------------------------------------------------------


@router_v2.get("", response=list[FilterOut], auth=token("read:filters"))
def filter_list_v2(request: HttpRequest) -> list[FilterOut]:
    return [filter_out(item) for item in selectors.filters_of(owner=me(request))]


@router_v2.post("", response=FilterOut, auth=token("write:filters"))
def filter_create(request: HttpRequest) -> FilterOut:
    data = parse_body(request, FilterIn)
    if data.title is None:
        raise validation_error({"title": ["Give the filter a title."]})
    created = services.filter_create(
        owner=me(request),
        title=data.title,
        context=_context(data.context) or [],
        filter_action=data.filter_action or "warn",
        expires_at=_expires_at(data.expires_in),
        keywords=_keyword_changes(data),
    )
    return _fresh(request, created.pk)


@router_v2.get("/{filter_id}", response=FilterOut, auth=token("read:filters"))
def filter_detail(request: HttpRequest, filter_id: str) -> FilterOut:
    return filter_out(selectors.access_filter(owner=me(request), filter_id=filter_id))


@router_v2.put("/{filter_id}", response=FilterOut, auth=token("write:filters"))
def filter_update(request: HttpRequest, filter_id: str) -> FilterOut:
    found = selectors.access_filter(owner=me(request), filter_id=filter_id)
    data = parse_body(request, FilterIn)
    expires_at: datetime | None | Keep = KEEP
    if "expires_in" in data.model_fields_set:
        expires_at = _expires_at(data.expires_in)
    services.filter_update(
        filter_=found,
        title=data.title,
        context=_context(data.context),
        filter_action=data.filter_action,
        expires_at=expires_at,
        keywords=_keyword_changes(data),
    )
    return _fresh(request, found.pk)


@router_v2.delete("/{filter_id}", response=dict[str, Any], auth=token("write:filters"))
def filter_delete(request: HttpRequest, filter_id: str) -> dict[str, Any]:
    services.filter_delete(filter_=selectors.access_filter(owner=me(request), filter_id=filter_id))
    return {}


@router_v2.get("/{filter_id}/keywords", response=list[FilterKeywordOut], auth=token("read:filters"))
def keyword_list(request: HttpRequest, filter_id: str) -> list[FilterKeywordOut]:
    found = selectors.access_filter(owner=me(request), filter_id=filter_id)
    return [filter_keyword_out(kw) for kw in selectors.filter_keywords(filter_=found)]


@router_v2.post("/{filter_id}/keywords", response=FilterKeywordOut, auth=token("write:filters"))
def keyword_create(request: HttpRequest, filter_id: str) -> FilterKeywordOut:
    found = selectors.access_filter(owner=me(request), filter_id=filter_id)
    data = parse_body(request, KeywordIn)
    created = services.filter_keyword_add(
        filter_=found, keyword=data.keyword, whole_word=data.whole_word
    )
    return filter_keyword_out(created)


@router_v2.get("/{filter_id}/statuses", response=list[FilterStatusOut], auth=token("read:filters"))
def status_list(request: HttpRequest, filter_id: str) -> list[FilterStatusOut]:
    found = selectors.access_filter(owner=me(request), filter_id=filter_id)
    return [filter_status_out(fs) for fs in selectors.filter_statuses(filter_=found)]


@router_v2.post("/{filter_id}/statuses", response=FilterStatusOut, auth=token("write:filters"))
def status_create(request: HttpRequest, filter_id: str) -> FilterStatusOut:
    account = me(request)
    found = selectors.access_filter(owner=account, filter_id=filter_id)
    data = validate(StatusIn, request_data(request))
    post = access_post(account, data.status_id)
    return filter_status_out(services.filter_status_add(filter_=found, post=post))

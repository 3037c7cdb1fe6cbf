"""Writes for keyword filters. Every change drops the owner's cached filters on commit
(selectors.active_filters), so the next page they load already applies it.

Input errors are Django ValidationErrors keyed by Mastodon's field names (`title`, `context`,
`filter_action`, `keywords_attributes`, `keyword`), which the API turns into 422s and the web
form shows next to the field.
"""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from hearth.accounts.models import Account
from hearth.filters import selectors
from hearth.filters.models import (
    MAX_KEYWORD_LENGTH,
    MAX_TITLE_LENGTH,
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    FilterStatus,
)
from hearth.posts.models import Post

#: How many filters one member may have, and keywords one filter may hold.
MAX_FILTERS = 100
MAX_KEYWORDS = 100


class Keep(enum.Enum):
    """`expires_at=KEEP` on an update leaves the expiry as it is (None clears it)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class KeywordChange:
    """One entry of Mastodon's `keywords_attributes`: a new keyword (no id), a change to one
    (id and the fields to change), or its removal (id and destroy)."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": ["Give the filter a title."]})
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            {"title": [f"Keep the title to {MAX_TITLE_LENGTH} characters or fewer."]}
        )
    return title


def _clean_context(context: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(context))
    unknown = [value for value in chosen if value not in FilterContext.values]
    if unknown or not chosen:
        choices = ", ".join(FilterContext.values)
        raise ValidationError({"context": [f"Choose at least one of: {choices}."]})
    return chosen


def _clean_action(action: str) -> str:
    if action not in FilterAction.values:
        choices = ", ".join(FilterAction.values)
        raise ValidationError({"filter_action": [f"Choose one of: {choices}."]})
    return action


def _clean_keyword(keyword: str, field: str = "keyword") -> str:
    keyword = keyword.strip()
    if not keyword:
        raise ValidationError({field: ["Give a word or phrase."]})
    if len(keyword) > MAX_KEYWORD_LENGTH:
        raise ValidationError(
            {field: [f"Keep a word or phrase to {MAX_KEYWORD_LENGTH} characters or fewer."]}
        )
    return keyword


def _changed(owner_id: int) -> None:
    # Now, and again on commit: a page loaded meanwhile may have cached the old filters.
    selectors.forget_filters(owner_id)
    transaction.on_commit(lambda: selectors.forget_filters(owner_id))


@transaction.atomic
def filter_create(
    *,
    owner: Account,
    title: str,
    context: Sequence[str],
    filter_action: str = FilterAction.WARN,
    expires_at: datetime | None = None,
    keywords: Sequence[KeywordChange] = (),
) -> Filter:
    """A new filter with its keywords. ValidationError (by field) for bad input."""
    title = _clean_title(title)
    chosen = _clean_context(context)
    action = _clean_action(filter_action)
    Account.objects.select_for_update().filter(pk=owner.pk).first()
    if Filter.objects.filter(owner=owner).count() >= MAX_FILTERS:
        raise ValidationError({"title": [f"You can have at most {MAX_FILTERS} filters."]})
    created = Filter.objects.create(
        owner=owner, title=title, context=chosen, filter_action=action, expires_at=expires_at
    )
    _apply_keywords(created, keywords)
    _changed(owner.pk)
    return created


@transaction.atomic
def filter_update(
    *,
    filter_: Filter,
    title: str | None = None,
    context: Sequence[str] | None = None,
    filter_action: str | None = None,
    expires_at: datetime | None | Keep = KEEP,
    keywords: Sequence[KeywordChange] = (),
) -> Filter:
    """Changes what is given, leaves the rest; `keywords` adds, changes or destroys keywords."""
    if title is not None:
        filter_.title = _clean_title(title)
    if context is not None:
        filter_.context = _clean_context(context)
    if filter_action is not None:
        filter_.filter_action = _clean_action(filter_action)
    if not isinstance(expires_at, Keep):
        filter_.expires_at = expires_at
    filter_.save()
    _apply_keywords(filter_, keywords)
    _changed(filter_.owner_id)
    return filter_


def _apply_keywords(filter_: Filter, changes: Sequence[KeywordChange]) -> None:
    field = "keywords_attributes"
    existing = {kw.pk: kw for kw in FilterKeyword.objects.filter(filter=filter_)}
    for change in changes:
        if change.id is not None:
            found = existing.get(change.id)
            if found is None:
                raise ValidationError({field: [f"No keyword {change.id} in this filter."]})
            if change.destroy:
                found.delete()
                continue
            if change.keyword is not None:
                found.keyword = _clean_keyword(change.keyword, field)
            if change.whole_word is not None:
                found.whole_word = change.whole_word
            found.save()
        elif not change.destroy:
            FilterKeyword.objects.create(
                filter=filter_,
                keyword=_clean_keyword(change.keyword or "", field),
                whole_word=True if change.whole_word is None else change.whole_word,
            )
    if FilterKeyword.objects.filter(filter=filter_).count() > MAX_KEYWORDS:
        raise ValidationError({field: [f"A filter holds at most {MAX_KEYWORDS} keywords."]})


@transaction.atomic
def filter_delete(*, filter_: Filter) -> None:
    owner_id = filter_.owner_id
    filter_.delete()
    _changed(owner_id)


@transaction.atomic
def filter_keyword_add(*, filter_: Filter, keyword: str, whole_word: bool = True) -> FilterKeyword:
    keyword = _clean_keyword(keyword)
    if FilterKeyword.objects.filter(filter=filter_).count() >= MAX_KEYWORDS:
        raise ValidationError({"keyword": [f"A filter holds at most {MAX_KEYWORDS} keywords."]})
    created = FilterKeyword.objects.create(filter=filter_, keyword=keyword, whole_word=whole_word)
    _changed(filter_.owner_id)
    return created


@transaction.atomic
def filter_keyword_update(
    *, keyword_: FilterKeyword, keyword: str | None = None, whole_word: bool | None = None
) -> FilterKeyword:
    if keyword is not None:
        keyword_.keyword = _clean_keyword(keyword)
    if whole_word is not None:
        keyword_.whole_word = whole_word
    keyword_.save()
    _changed(keyword_.filter.owner_id)
    return keyword_


@transaction.atomic
def filter_keyword_delete(*, keyword_: FilterKeyword) -> None:
    owner_id = keyword_.filter.owner_id
    keyword_.delete()
    _changed(owner_id)


@transaction.atomic
def filter_status_add(*, filter_: Filter, post: Post) -> FilterStatus:
    """Adds a post the owner can see (the caller checks) to the filter; again is harmless."""
    found, _ = FilterStatus.objects.get_or_create(filter=filter_, post=post)
    _changed(filter_.owner_id)
    return found


@transaction.atomic
def filter_status_delete(*, status_: FilterStatus) -> None:
    owner_id = status_.filter.owner_id
    status_.delete()
    _changed(owner_id)

"""`{{ muted_words|muted_word:view }}`: the muted word that folds this post, or "" (see
hearth.web.views.filters.filtered_page)."""

from collections.abc import Mapping

from django import template

from hearth.posts.selectors import PostView
from hearth.web.cards import Card

register = template.Library()


@register.filter
def muted_word(muted_words: Mapping[int, str] | None, item: PostView | Card) -> str:
    if not muted_words:
        return ""
    return muted_words.get(item.pk if isinstance(item, Card) else item.post.pk, "")

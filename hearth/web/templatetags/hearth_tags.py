"""Small filters for showing posts."""

import hashlib
import re
from datetime import datetime
from functools import cache as memoize
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from hearth.core.cache import Renderings
from hearth.core.static import static_url
from hearth.posts.models import Post

register = template.Library()

#: Context flag for a card rendered for the cache (hearth.web.cards): relative times are left
#: as markers (TIME_MARK) that each request fills in.
CARD_FOR_CACHE = "card_for_cache"
TIME_MARK = re.compile(r"<!--reltime:([^>]+)-->")
#: What the CSRF token is while HTML renders for the cache; each request puts its own in.
CSRF_MARK = "hearth-cached-csrf-token"
#: How long a {% shared %} fragment is kept.
SHARED_SECONDS = 15 * 60
#: {% shared %} fragments never change under their key (the key holds everything they show),
#: so each process keeps a copy (2 MB): most pages then cost no round trip for them.
SHARED_FRAGMENTS = Renderings(2 * 1024 * 1024, len)


@register.filter
def reltime(value: datetime | None, now: datetime | None = None) -> str:
    """A post's age in the short form timelines use: "now", "5m", "3h", "4d", then the date
    ("Nov 2", with the year when it isn't this year's)."""
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}d"
    local = timezone.localtime(value)
    if local.year == timezone.localtime(now).year:
        return f"{local:%b} {local.day}"
    return f"{local:%b} {local.day}, {local.year}"


@register.simple_tag(takes_context=True)
def timeago(context: template.Context, value: datetime | None) -> str:
    """`{% timeago post.created_at %}`: reltime, or its marker in a card rendered for the cache.
    (Sanitized post HTML never holds a comment, so the marker can't come from a post.)"""
    if value is not None and context.get(CARD_FOR_CACHE):
        return mark_safe(f"<!--reltime:{value.isoformat()}-->")  # noqa: S308  # a date only
    return reltime(value)


@register.filter
def thread_depth(depth: int) -> int:
    """How far a reply is indented: its depth in the thread, at most 4 steps."""
    return min(depth, 4)


@register.filter
def post_url(post: Post) -> str:
    """The address of a post's page (/@author/id); needs the post's author loaded."""
    return reverse("post_detail", kwargs={"username": post.author.username, "post_id": post.pk})


class SharedNode(template.Node):
    def __init__(
        self, name: str, vary_on: list[template.base.FilterExpression], nodelist: template.NodeList
    ) -> None:
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        values = [str(expression.resolve(context)) for expression in self.vary_on]
        values.append(translation.get_language() or "")
        digest = hashlib.blake2b("\n".join(values).encode(), digest_size=16).hexdigest()
        key = f"shared-fragment:{self.name}:{digest}"
        html: str | None = SHARED_FRAGMENTS.get_many([key]).get(key)
        if html is None:
            with context.push(csrf_token=CSRF_MARK):
                html = self.nodelist.render(context)
            SHARED_FRAGMENTS.set_many({key: html}, SHARED_SECONDS)
        token = str(context.get("csrf_token", ""))
        return mark_safe(html.replace(CSRF_MARK, token))  # noqa: S308  # our own rendering


@register.tag
def shared(parser: Parser, token: Token) -> SharedNode:
    """`{% shared "name" value... %}...{% endshared %}`: HTML that is the same for everyone
    whose values are the same, rendered once and then served from the cache (15 minutes).
    Unlike Django's `{% cache %}`, forms inside may carry `{% csrf_token %}`: it is cached
    as a marker and each request's own token is put in. Everything the fragment shows that
    can differ must be among the values (the language is added)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% shared %} needs a name")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(
        bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]], nodelist
    )


# --- Addresses that never change while the server runs ------------------------------------------
# Every page's header and footer link to the same dozen places and load the same files:
# {% url %} and {% static %} worked each out again on every page (~0.4 ms of a page's CPU).


@register.simple_tag
def fixed_url(name: str, *args: str) -> str:
    """`{% url %}` for a name and constant arguments: reversed once per process (and script
    prefix). Never for an address built from a request's values."""
    return _reversed(get_script_prefix(), name, args)


@register.simple_tag
def fixed_static(path: str) -> str:
    """`{% static %}`, worked out once per process (the manifest is read at start anyway)."""
    return static_url(path)


@memoize
def _reversed(prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args)


@receiver(setting_changed)
def _addresses_forget(*, setting: str, **kwargs: Any) -> None:
    """Tests that change URLs get fresh addresses (static ones: hearth.core.static)."""
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _reversed.cache_clear()

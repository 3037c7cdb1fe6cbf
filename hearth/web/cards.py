"""Post cards (web/posts/_post.html) for the home page, rendered once and kept in the cache.

Rendering twenty cards through Django's templates costs more than everything else on the
page together, and the home page is the one every member opens most. So it is drawn from
stamps (hearth.posts.selectors.visible_stamps: ids, versions, counters and the viewer's flags,
one visibility-checked query) and each card's HTML is looked up in Django's cache (Redis when
configured) under a key made of everything the card shows that can change:

- the post as rendered (`version`: edits, the author's profile, photos) and, for a repost,
  the reposter's;
- the counters, the moderators' `sensitive` and the viewer's flags, read fresh with the stamps;
- whether the viewer wrote the post (Edit, Delete and Pin instead of Report);
- the frame: scheme, host and path (links back), language and time zone.

Two parts depend on the moment and the visitor's session rather than the post: the relative
times ("5m") and the CSRF token of the action forms. They are kept as markers in the cached
HTML and filled in for each request, so one rendering serves every member whose key matches.
Nothing ever needs invalidating: a change makes a new key, and old entries expire.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hearth.accounts.models import Account
from hearth.core.cache import Renderings
from hearth.posts.selectors import PostStamp, PostView, posts_to_render
from hearth.timelines.selectors import Cursor, StampPage, home_timeline_stamps
from hearth.web.csrf import response_csrf_token
from hearth.web.templatetags.hearth_tags import CARD_FOR_CACHE, CSRF_MARK, TIME_MARK, reltime

#: How long a rendered card is kept. Keys change with what they show, so this only bounds
#: how long an entry nobody asks for any more takes up room.
CARD_SECONDS = 15 * 60
#: Cards never change under their key: each process keeps the ones it used last (this many
#: bytes of HTML), read without a round trip to the cache (hearth.core.cache.Renderings).
RENDERED_CARDS = Renderings(
    8 * 1024 * 1024, lambda entry: len(entry[0]) + len(entry[1].text) + len(entry[1].spoiler_text)
)
#: Bump to drop every cached card when _post.html changes in a way the key doesn't see.
CARD_FORMAT = 2


@dataclass(frozen=True, slots=True)
class ShownText:
    """What muted words are matched against (hearth.filters.selectors.Filterable)."""

    pk: int
    text: str
    spoiler_text: str


@dataclass(frozen=True, slots=True)
class Card:
    """One post of a page, as HTML ready for this request."""

    #: The post's id (the repost's own, for a repost): cursors and muted words go by it.
    pk: int
    html: SafeString
    #: The post whose text is shown (the original, for a repost).
    shown: ShownText


@dataclass(frozen=True, slots=True)
class CardPage:
    """A page of cards, with the cursors of the page it was made from (TimelinePage's)."""

    items: list[Card]
    next_max_id: int | None
    prev_min_id: int | None

    @property
    def cards_html(self) -> SafeString:
        """Every card's HTML in order: what _page.html's loop prints when no card is muted,
        without running the loop's tags twenty times."""
        return mark_safe("".join(card.html for card in self.items))  # noqa: S308  # cards' own


def home_cards(request: HttpRequest, viewer: Account, cursor: Cursor) -> CardPage:
    """The viewer's home page (hearth.timelines.selectors.home_timeline_stamps) as cards."""
    return cards_page(request, viewer, home_timeline_stamps(viewer, cursor))


def cards_page(request: HttpRequest, viewer: Account | None, stamps: StampPage) -> CardPage:
    """A page of stamps (hearth.timelines.selectors: the homes, the public and hashtag
    timelines, profiles) as cards, for a member or a visitor who is not logged in (None)."""
    return CardPage(
        items=post_cards(request, viewer, stamps.items),
        next_max_id=stamps.next_max_id,
        prev_min_id=stamps.prev_min_id,
    )


def post_cards(
    request: HttpRequest, viewer: Account | None, stamps: Sequence[PostStamp]
) -> list[Card]:
    """Cards for `stamps` (already visible to `viewer`, None: not logged in), in order: one
    cache get_many, and for the cards not in it, posts_to_render's queries and one template
    render each. A post deleted between the stamps and the rendering is left out."""
    frame = _frame(request)
    keys = {stamp.pk: _key(stamp, viewer, frame) for stamp in stamps}
    found: dict[str, tuple[str, ShownText]] = RENDERED_CARDS.get_many(keys.values())
    missing = [stamp for stamp in stamps if keys[stamp.pk] not in found]
    if missing:
        fresh = _render(request, viewer, missing)
        RENDERED_CARDS.set_many({keys[pk]: entry for pk, entry in fresh.items()}, CARD_SECONDS)
        found.update({keys[pk]: entry for pk, entry in fresh.items()})

    now = timezone.now()
    token: list[str] = []  # asked for once, and only if a card has a form (it sets a cookie)

    def fill(html: str) -> SafeString:
        html = TIME_MARK.sub(lambda m: escape(reltime(datetime.fromisoformat(m[1]), now)), html)
        if CSRF_MARK in html:
            token[:] = token or [response_csrf_token(request)]
            html = html.replace(CSRF_MARK, token[0])
        return mark_safe(html)  # noqa: S308  # rendered by _post.html

    cards = []
    for stamp in stamps:
        entry = found.get(keys[stamp.pk])
        if entry is not None:
            html, shown = entry
            cards.append(Card(pk=stamp.pk, html=fill(html), shown=shown))
    return cards


def _frame(request: HttpRequest) -> str:
    parts = (
        request.scheme,
        request.get_host(),
        request.path,
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    return hashlib.blake2b("\n".join(map(str, parts)).encode(), digest_size=12).hexdigest()


def _key(stamp: PostStamp, viewer: Account | None, frame: str) -> str:
    shown = stamp.reblog or stamp
    flags = "".join(
        "1" if on else "0"
        for on in (
            stamp.favourited,
            stamp.reblogged,
            stamp.bookmarked,
            stamp.pinned,
            shown.sensitive,
            viewer is not None and shown.author_id == viewer.pk,
        )
    )
    # A visitor who is not logged in gets cards without the actions' forms.
    flags += "m" if viewer is not None else "v"
    counters = f"{shown.replies_count}.{shown.reblogs_count}.{shown.favourites_count}"
    versions = stamp.version if stamp.reblog is None else f"{stamp.version}/{shown.version}"
    digest = hashlib.blake2b(versions.encode(), digest_size=12).hexdigest()
    return f"card:{CARD_FORMAT}:{stamp.pk}:{digest}:{counters}:{flags}:{frame}"


def _render(
    request: HttpRequest, viewer: Account | None, stamps: Sequence[PostStamp]
) -> dict[int, tuple[str, ShownText]]:
    template = get_template("web/posts/_post.html")
    views = {view.post.pk: view for view in posts_to_render(stamp.pk for stamp in stamps)}
    # "Replying to @x" (a profile's replies tab, a home): one query for the page, not one each.
    replies = [v.shown.post for v in views.values() if v.shown.post.in_reply_to_account_id]
    prefetch_related_objects(replies, "in_reply_to_account")
    rendered = {}
    for stamp in stamps:
        view = views.get(stamp.pk)
        if view is None:
            continue
        view = _as_stamped(view, stamp)
        html = template.render(
            {
                "view": view,
                "viewer": viewer,
                "next": request.path,
                "request": request,
                "csrf_token": CSRF_MARK,
                CARD_FOR_CACHE: True,
            }
        )
        post = view.shown.post
        rendered[stamp.pk] = (
            str(html),
            ShownText(pk=post.pk, text=post.text, spoiler_text=post.spoiler_text),
        )
    return rendered


def _as_stamped(view: PostView, stamp: PostStamp) -> PostView:
    """The view with what the stamp read fresh (and the key holds): counters, `sensitive` and
    the viewer's flags. The card must show exactly what its key says."""
    shown = stamp.reblog or stamp
    post = view.shown.post
    post.replies_count = shown.replies_count
    post.reblogs_count = shown.reblogs_count
    post.favourites_count = shown.favourites_count
    post.sensitive = shown.sensitive
    return replace(
        view,
        favourited=stamp.favourited,
        reblogged=stamp.reblogged,
        bookmarked=stamp.bookmarked,
        pinned=stamp.pinned,
    )

"""Search: accounts and hashtags by name prefix, posts by their words.

Visibility is not decided here: accounts come from hearth.accounts.selectors (less those across
a block with the viewer), posts from hearth.posts.selectors.posts_visible_to, so a search can
never show a post its reader couldn't open. Reposts aren't searched, only what people wrote.

- Accounts: the lower-cased username or display name starts with the query (`@` and a local
  `@domain` ignored). Exact username first, then by followers. On PostgreSQL the search app's
  migration adds `text_pattern_ops` indexes for these prefixes.
- Hashtags: the lower-cased name starts with the query (`#` ignored); exact match first.
- Posts: on PostgreSQL, full text: `to_tsvector('simple', text)` (a GIN expression index, no
  stemming: posts are in any language) matched against the query in web-search syntax
  (`"a phrase"`, `-word`, `or`), newest first. SQLite has no such index, so there every word
  must appear in the text (LIKE, case-insensitive for ASCII) and only posts of the last
  SQLITE_RECENT_DAYS are scanned, to keep the cost bounded. Mastodon searches only posts the
  reader interacted with unless Elasticsearch is set up; Hearth searches every post the reader
  may see.

Every selector is one query. Results are plain rows: hydrate posts before showing them.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Case, Exists, F, Func, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Length, Lower
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.accounts.selectors import account_list_visible
from hearth.core.ids import lowest_id_at
from hearth.graph.models import Block, Follow
from hearth.posts.models import Hashtag, Post
from hearth.posts.selectors import POST_RELATED, posts_visible_to

#: Longer queries are cut to this many characters (nobody types more into a search box).
MAX_QUERY_LENGTH = 200
#: At most this many results per type and request (Mastodon's limit too).
MAX_LIMIT = 40
DEFAULT_LIMIT = 20
#: Offsets past this are cut to it: deep pages of a search cost a scan each.
MAX_OFFSET = 1000
#: On SQLite, posts are searched by LIKE over this many days only.
SQLITE_RECENT_DAYS = 30
#: On SQLite, at most this many words of the query are matched.
SQLITE_MAX_WORDS = 5


@dataclass(frozen=True, slots=True)
class Window:
    """Which slice of the results to return; made with `window()`, which clamps."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


def window(limit: int | None = None, offset: int | None = None) -> Window:
    size = DEFAULT_LIMIT if limit is None else max(1, min(MAX_LIMIT, limit))
    start = 0 if offset is None else max(0, min(MAX_OFFSET, offset))
    return Window(limit=size, offset=start)


def clean_query(query: str) -> str:
    """The query as searched: whitespace collapsed, cut to MAX_QUERY_LENGTH, no NUL bytes."""
    return " ".join(query.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def _local_name(term: str) -> str:
    """`@ana`, `ana@this.server` -> `ana`; a name at another server matches nothing here."""
    name, _, domain = term.removeprefix("@").partition("@")
    if domain and domain.lower() != settings.HEARTH_DOMAIN.lower():
        return ""
    return name


def search_accounts(
    *,
    viewer: Account | None,
    query: str,
    page: Window = Window(),  # noqa: B008  # frozen
    following: bool = False,
) -> list[Account]:
    """Visible accounts whose username or display name starts with the query, none across a
    block with the viewer; `following`: only accounts the viewer follows."""
    term = _local_name(clean_query(query)).lower()
    if not term:
        return []
    accounts = (
        account_list_visible(viewer=None)
        .alias(username_lower=Lower("username"), display_lower=Lower("display_name"))
        .filter(Q(username_lower__startswith=term) | Q(display_lower__startswith=term))
    )
    if viewer is not None:
        accounts = accounts.exclude(
            Exists(
                Block.objects.filter(
                    Q(account=viewer, target=OuterRef("pk"))
                    | Q(account=OuterRef("pk"), target=viewer)
                )
            )
        )
        if following:
            accounts = accounts.filter(
                Exists(Follow.objects.filter(follower=viewer, target=OuterRef("pk")))
            )
    elif following:
        return []
    exact = Case(When(username_lower=term, then=Value(0)), default=Value(1))
    ordered = accounts.order_by(exact, "-followers_count", "id")
    return list(ordered[page.offset : page.offset + page.limit])


def search_hashtags(*, query: str, page: Window = Window()) -> list[Hashtag]:  # noqa: B008
    """Hashtags whose name starts with the query; the exact one first, then shorter ones."""
    term = clean_query(query).removeprefix("#").lower()
    if not term or " " in term:
        return []
    tags = Hashtag.objects.alias(name_lower=Lower("name")).filter(name_lower__startswith=term)
    exact = Case(When(name_lower=term, then=Value(0)), default=Value(1))
    ordered = tags.order_by(exact, Length("name"), "name_lower")
    return list(ordered[page.offset : page.offset + page.limit])


class _TextVector(Func):
    """to_tsvector('simple', text): exactly the expression the GIN index is built on."""

    function = "to_tsvector"
    template = "%(function)s('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def search_posts(
    *,
    viewer: Account | None,
    query: str,
    page: Window = Window(),  # noqa: B008
    account_id: int | None = None,
) -> list[Post]:
    """Posts (not reposts, not direct messages) `viewer` may see that match the query, newest
    first, with authors loaded. Unlisted posts are kept out of discovery, as from the public
    timelines: only their author and the author's followers find them. `account_id`: only that
    account's posts."""
    term = clean_query(query)
    if not term:
        return []
    posts = (
        posts_visible_to(viewer)
        .select_related(*POST_RELATED)
        .filter(reblog_of__isnull=True)
        .exclude(visibility=Visibility.DIRECT)
    )
    posts = posts.filter(_discoverable(viewer))
    if account_id is not None:
        posts = posts.filter(author_id=account_id)
    matched: QuerySet[Post]
    if connection.vendor == "postgresql":
        matched = posts.alias(words=_TextVector(F("text"))).filter(
            words=SearchQuery(term, config="simple", search_type="websearch")
        )
    else:
        since = lowest_id_at(timezone.now() - timedelta(days=SQLITE_RECENT_DAYS))
        matched = posts.filter(pk__gte=since)
        for word in term.split()[:SQLITE_MAX_WORDS]:
            matched = matched.filter(text__icontains=word.strip('"'))
    return list(matched.order_by("-id")[page.offset : page.offset + page.limit])


def _discoverable(viewer: Account | None) -> Q:
    if viewer is None:
        return ~Q(visibility=Visibility.UNLISTED)
    followed = Follow.objects.filter(follower=viewer).values("target_id")
    return ~Q(visibility=Visibility.UNLISTED) | Q(author=viewer) | Q(author_id__in=followed)

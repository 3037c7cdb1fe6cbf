"""Reads of posts, and THE one place that decides who may see a post.

Every page, endpoint, feed and notification that shows a post gets it through
`posts_visible_to` (or a selector built on it): visibility is never re-implemented elsewhere.

The rules, for a `viewer` (an Account, or None for someone logged out):

1. Nobody sees a post whose author is hidden: an account scheduled for deletion or suspended
   (`is_active=False`), the same rules as hearth.accounts.selectors.account_list_visible. This
   holds for the author too.
2. Nobody sees a post across a block: not when the author blocks the viewer, not when the
   viewer blocks the author (hearth.graph Block, either direction).
3. Otherwise, by the post's visibility:
   - public and unlisted: everyone, logged out included (unlisted only stays out of the public
     and hashtag timelines; that is the lists' business, not visibility's);
   - private ("followers only"): the author and the accounts following the author now;
   - direct ("mentioned people only"): the author and the accounts it mentions.
   Mastodon also shows a followers-only post to the accounts it mentions; Hearth does not (yet):
   a mention does not widen a followers-only post's audience.
4. A repost is visible when the repost itself and the post it reposts are both visible by the
   rules above (a repost of a post from someone who blocks you stays hidden).
5. Moderation (hearth.moderation sets the states): a post a moderator removed is seen by
   nobody; a post held for review only by its author. A limited author's public and unlisted
   posts reach only the author and its followers (and stay out of the public and hashtag
   timelines). A suspended author is hidden by rule 1.

Mutes hide nothing here: they filter feeds (hearth.graph.selectors.muted_account_ids), and
`hydrate` reports them, but a muted account's post is still reachable by its link.

Every rule is a subquery (EXISTS) on the one query, so a page of any list is still one query.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import (
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Concat, Lower
from django.http import Http404

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.accounts.selectors import account_list_visible
from hearth.core.compiled import CompiledQuery, load_instances, model_columns
from hearth.graph.models import Block, Follow, Mute
from hearth.media.models import MediaAttachment
from hearth.media.selectors import has_media, media_by_post
from hearth.posts.models import Bookmark, Favourite, Hashtag, Mention, Pin, Post, PostEdit
from hearth.posts.models.post_hashtag import PostHashtag

#: Visibilities anyone can read.
OPEN_VISIBILITIES = (Visibility.PUBLIC, Visibility.UNLISTED)
#: Related rows every list loads with its posts, so hydrate adds no query for them.
POST_RELATED = ("author", "reblog_of", "reblog_of__author")
#: Bounds on what post_context walks: a thread deeper or wider than this is cut.
MAX_ANCESTORS = 100
MAX_DESCENDANT_DEPTH = 100
MAX_DESCENDANTS = 500
_LARGEST_ID = 2**63 - 1
_R = TypeVar("_R", Bookmark, Favourite)


# --- The visibility layer ------------------------------------------------------------------


def posts_visible_to(viewer: Account | None) -> QuerySet[Post]:
    """Every post (and repost) `viewer` may see, newest first. One query however it is used."""
    original_visible = Exists(Post.objects.filter(_readable(viewer), pk=OuterRef("reblog_of_id")))
    return (
        Post.objects.filter(_readable(viewer))
        .filter(Q(reblog_of__isnull=True) | original_visible)
        .order_by("-id")
    )


def _readable(viewer: Account | None) -> Q:
    """Rules 1-3 for the row being filtered (not the post a repost points at)."""
    shown = account_list_visible(viewer=None).filter(pk=OuterRef("author_id"))
    author_shown = Exists(shown)
    # Rule 5: an author not limited by the moderators reaches beyond its followers.
    author_open = Exists(shown.filter(limited_at__isnull=True))
    if viewer is None:
        return Q(author_open, visibility__in=OPEN_VISIBILITIES, review_state="")
    blocked = Exists(
        Block.objects.filter(
            Q(account=viewer, target=OuterRef("author_id"))
            | Q(account=OuterRef("author_id"), target=viewer)
        )
    )
    following = Exists(Follow.objects.filter(follower=viewer, target=OuterRef("author_id")))
    mentioned = Exists(Mention.objects.filter(post=OuterRef("pk"), account=viewer))
    audience = (
        Q(Q(author_open) | Q(following), visibility__in=OPEN_VISIBILITIES)
        | Q(author=viewer)
        | Q(following, visibility=Visibility.PRIVATE)
        | Q(mentioned, visibility=Visibility.DIRECT)
    )
    moderated = Q(review_state="") | Q(author=viewer, review_state="held")
    return Q(author_shown) & ~Q(blocked) & audience & moderated


def can_see(viewer: Account | None, post: Post) -> bool:
    """May `viewer` see `post`? One query, by exactly the rules of posts_visible_to."""
    return bool(_SEEN.rows(viewer, post.pk))


class _OnePost:
    """`posts_visible_to(viewer)` narrowed to one post, as one row of `columns`, compiled once
    per kind of viewer (hearth.core.compiled): every like, repost, bookmark, reply and status
    read asks, and building the visibility rules cost more than the rest of such a request.
    A member's query is compiled with a stand-in viewer, as _stamps_queryset's is."""

    def __init__(self, *columns: str) -> None:
        def rows(viewer: Account | None, pk: int) -> QuerySet[Any, tuple[Any, ...]]:
            found: QuerySet[Any, tuple[Any, ...]] = (
                posts_visible_to(viewer).filter(pk=pk).order_by().values_list(*columns)[:1]
            )
            return found

        def member(viewer_id: int, pk: int) -> QuerySet[Any, tuple[Any, ...]]:
            return rows(Account(pk=viewer_id), pk)

        def visitor(pk: int) -> QuerySet[Any, tuple[Any, ...]]:
            return rows(None, pk)

        self._member = CompiledQuery(member)
        self._visitor = CompiledQuery(visitor)

    def rows(self, viewer: Account | None, pk: int) -> list[tuple[Any, ...]]:
        if viewer is None:
            return self._visitor.rows(pk)
        return self._member.rows(viewer.pk, pk)


_SEEN = _OnePost("pk")


def access_post(viewer: Account | None, post_id: int | str) -> Post:
    """The post with this id if `viewer` may see it, with its author (and for a repost, the
    original and its author) loaded.

    Raises Http404 when there is no such post *or* the viewer may not see it, so a hidden
    post's existence does not leak (never 403). Ids that are not numbers are simply missing.
    """
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise Http404("No such post.") from None
    if not 0 < pk <= _LARGEST_ID:
        raise Http404("No such post.")
    rows = _ACCESS.rows(viewer, pk)
    if not rows:
        raise Http404("No such post.")
    post, author, original, original_author = load_instances(rows[0], _ACCESS_MODELS)
    assert isinstance(post, Post)  # noqa: S101  # the row is a post's
    post.author = author  # type: ignore[assignment]  # loaded with the post: never None
    if isinstance(original, Post):
        original.author = original_author  # type: ignore[assignment]  # (the same)
        post.reblog_of = original
    return post


#: What access_post loads: the post, its author, and for a repost the original and its author
#: (POST_RELATED), as one row.
_ACCESS_MODELS = (Post, Account, Post, Account)
_ACCESS_COLUMNS = tuple(
    name
    for model, prefix in zip(_ACCESS_MODELS, ("", *(f"{r}__" for r in POST_RELATED)), strict=True)
    for name in model_columns(model, prefix)
)
_ACCESS = _OnePost(*_ACCESS_COLUMNS)


# --- Threads ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThreadReply:
    post: Post
    #: 1 for a direct reply to the post the thread is shown for, 2 for a reply to that, ...
    depth: int


@dataclass(frozen=True, slots=True)
class PostContext:
    #: The posts above, oldest (the thread's start) first.
    ancestors: list[Post]
    #: The replies below, depth first, each post's replies oldest first.
    descendants: list[ThreadReply]


def post_context(viewer: Account | None, post: Post) -> PostContext:
    """The thread around `post` as `viewer` may see it. Three queries, whatever its size.

    Both directions are walked in the database by a recursive CTE (SQLite and PostgreSQL both
    have WITH RECURSIVE), returning ids only; one query then loads the visible ones. Loading
    "the whole thread by its root" would need a root column kept on every post, and would read
    every branch of a large thread to show one. The walks are bounded (MAX_ANCESTORS,
    MAX_DESCENDANT_DEPTH, MAX_DESCENDANTS) so a pathological thread costs a known amount.

    Invisible ancestors are left out (the visible ones still show, as on Mastodon). An invisible
    reply is left out with everything below it: its replies would hang from nothing.
    """
    if post.reblog_of_id is not None:
        post = post.reblog_of  # type: ignore[assignment]  # reblog_of is set: checked above
    ancestor_ids = _ancestor_ids(post.pk)
    children = _children_by_parent(post.pk)
    wanted = set(ancestor_ids) | {child for kids in children.values() for child in kids}
    loaded = posts_visible_to(viewer).select_related(*POST_RELATED).in_bulk(wanted)
    ancestors = [loaded[pk] for pk in ancestor_ids if pk in loaded]
    descendants: list[ThreadReply] = []
    stack = [(child, 1) for child in reversed(children.get(post.pk, []))]
    while stack:
        pk, depth = stack.pop()
        if pk not in loaded:
            continue
        descendants.append(ThreadReply(loaded[pk], depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(pk, [])))
    return PostContext(ancestors, descendants)


def _ancestor_ids(post_id: int) -> list[int]:
    """Ids of the posts `post_id` replies to, up the chain, oldest first."""
    table = connection.ops.quote_name(Post._meta.db_table)
    # The table name comes from the model, never from input; the values are parameters.
    sql = f"""
        WITH RECURSIVE chain(id, parent_id, depth) AS (
            SELECT id, in_reply_to_id, 0 FROM {table} WHERE id = %s
            UNION ALL
            SELECT p.id, p.in_reply_to_id, chain.depth + 1
            FROM {table} p JOIN chain ON p.id = chain.parent_id
            WHERE chain.depth < %s
        )
        SELECT id FROM chain WHERE depth > 0 ORDER BY depth DESC
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [post_id, MAX_ANCESTORS])
        return [row[0] for row in cursor.fetchall()]


def _children_by_parent(post_id: int) -> dict[int, list[int]]:
    """The replies below `post_id`, as {parent id: child ids oldest first}."""
    table = connection.ops.quote_name(Post._meta.db_table)
    sql = f"""
        WITH RECURSIVE thread(id, parent_id, depth) AS (
            SELECT id, in_reply_to_id, 1 FROM {table} WHERE in_reply_to_id = %s
            UNION ALL
            SELECT p.id, p.in_reply_to_id, thread.depth + 1
            FROM {table} p JOIN thread ON p.in_reply_to_id = thread.id
            WHERE thread.depth < %s
        )
        SELECT id, parent_id FROM thread LIMIT %s
    """  # noqa: S608  # as above: model table name, parameters for values
    with connection.cursor() as cursor:
        cursor.execute(sql, [post_id, MAX_DESCENDANT_DEPTH, MAX_DESCENDANTS])
        rows = cursor.fetchall()
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in sorted(rows):  # ids are time-ordered: oldest reply first
        children[parent_id].append(pk)
    return children


# --- Hydration -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostView:
    """One post ready to show: the row, who wrote it, what it links to, and how the viewer
    stands with it. For a repost, `reblog` is the original's view, and the viewer flags here
    repeat the original's (liking a repost likes the original)."""

    post: Post
    author: Account
    reblog: "PostView | None"
    #: Visible accounts the post mentions, in the order they were recorded.
    mentions: tuple[Account, ...]
    #: Hashtag names, as first used on this server.
    hashtags: tuple[str, ...]
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    pinned: bool = False
    #: The viewer mutes the author (a full mute). Feeds leave such posts out; a page reached
    #: by link can fold them instead.
    muted: bool = False
    #: The post's photos that are ready, in order (hearth.media).
    media: tuple[MediaAttachment, ...] = ()

    @property
    def shown(self) -> "PostView":
        """What to show as the post's body: the original for a repost, else this."""
        return self.reblog or self


_FAVOURITED, _REBLOGGED, _BOOKMARKED, _PINNED, _MUTED = range(5)


def hydrate(viewer: Account | None, posts: Iterable[Post]) -> list[PostView]:
    """Views of `posts` (already visible to `viewer`), in the same order.

    At most four queries with a viewer, three without, however many posts: mentions, hashtags,
    photos and the viewer's own flags, each for the whole page. Authors and reposted originals
    come from the lists' select_related (POST_RELATED); posts loaded without it cost at most
    three more.
    """
    posts = list(posts)
    if not posts:
        return []
    _load_related(posts)
    originals = [post.reblog_of for post in posts if post.reblog_of is not None]
    content_ids = {post.pk for post in posts} | {post.pk for post in originals}
    author_ids = {post.author_id for post in posts} | {post.author_id for post in originals}
    mentions = _mentions_by_post(content_ids)
    hashtags = _hashtags_by_post(content_ids)
    media = media_by_post(content_ids)
    flags = _viewer_flags(viewer, content_ids, author_ids)

    def view(post: Post, reblog: PostView | None) -> PostView:
        subject = post.reblog_of_id or post.pk
        return PostView(
            post=post,
            author=post.author,
            reblog=reblog,
            mentions=tuple(mentions.get(post.pk, ())),
            hashtags=tuple(hashtags.get(post.pk, ())),
            favourited=(_FAVOURITED, subject) in flags,
            reblogged=(_REBLOGGED, subject) in flags,
            bookmarked=(_BOOKMARKED, subject) in flags,
            pinned=(_PINNED, subject) in flags,
            muted=(_MUTED, post.author_id) in flags,
            media=tuple(media.get(post.pk, ())),
        )

    return [
        view(post, view(post.reblog_of, None) if post.reblog_of is not None else None)
        for post in posts
    ]


def new_post_view(post: Post, hashtags: Sequence[str]) -> PostView:
    """The view its author gets of `post`, which they have just written (not a repost) with
    no mentions and no photos, tagged `hashtags` (names as stored): what hydrate would read
    back. Nobody has liked, reposted, bookmarked or pinned it yet, and no one can mute
    themselves (hearth.graph refuses)."""
    return PostView(post=post, author=post.author, reblog=None, mentions=(), hashtags=(*hashtags,))


def _load_related(posts: list[Post]) -> None:
    # Skips what select_related already loaded, object by object.
    prefetch_related_objects(posts, *POST_RELATED)


def _mentions_by_post(post_ids: set[int]) -> dict[int, list[Account]]:
    found: dict[int, list[Account]] = defaultdict(list)
    for row in _MENTIONS.rows(sorted(post_ids)):
        (account,) = load_instances(row[1:], [Account])
        assert isinstance(account, Account)  # noqa: S101  # an inner join: never missing
        found[row[0]].append(account)
    return found


def _mentions_queryset(post_ids: Sequence[int]) -> QuerySet[Any, tuple[Any, ...]]:
    rows: QuerySet[Any, tuple[Any, ...]] = (
        Mention.objects.filter(
            post_id__in=post_ids, account__in=account_list_visible(viewer=None).values("pk")
        )
        .order_by("id")
        .values_list("post_id", *model_columns(Account, "account__"))
    )
    return rows


def _hashtags_by_post(post_ids: set[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for post_id, name in _HASHTAGS.rows(sorted(post_ids)):
        found[post_id].append(name)
    return found


def _hashtags_queryset(post_ids: Sequence[int]) -> QuerySet[Any, tuple[Any, ...]]:
    rows: QuerySet[Any, tuple[Any, ...]] = (
        PostHashtag.objects.filter(post_id__in=post_ids)
        .order_by("id")
        .values_list("post_id", "hashtag__name")
    )
    return rows


#: hydrate's lookups, compiled once per number of posts (hearth.core.compiled): a single
#: post's view (a like's answer, a status read) built each of them anew.
_MENTIONS = CompiledQuery(_mentions_queryset)
_HASHTAGS = CompiledQuery(_hashtags_queryset)


def _viewer_flags(
    viewer: Account | None, post_ids: set[int], author_ids: set[int]
) -> set[tuple[int, int]]:
    """{(flag, post or author id)} for what the viewer did to these posts. One UNION ALL query."""
    if viewer is None:
        return set()

    found = _FLAGS.rows(viewer.pk, sorted(post_ids), sorted(author_ids))
    return {(kind, ref) for kind, ref in found}


def _flags_queryset(
    viewer_id: int, post_ids: Sequence[int], author_ids: Sequence[int]
) -> QuerySet[Any, tuple[int, int]]:
    """_viewer_flags' query: one UNION ALL of the viewer's likes, bookmarks, pins, reposts
    and mutes among these posts and authors."""

    def rows(kind: int, queryset: QuerySet[Any], ref: str) -> QuerySet[Any, tuple[int, int]]:
        annotated: QuerySet[Any, tuple[int, int]] = queryset.annotate(
            kind=Value(kind, output_field=IntegerField()), ref=F(ref)
        ).values_list("kind", "ref")
        return annotated

    parts = [
        rows(
            _FAVOURITED,
            Favourite.objects.filter(account_id=viewer_id, post_id__in=post_ids),
            "post_id",
        ),
        rows(
            _BOOKMARKED,
            Bookmark.objects.filter(account_id=viewer_id, post_id__in=post_ids),
            "post_id",
        ),
        rows(_PINNED, Pin.objects.filter(account_id=viewer_id, post_id__in=post_ids), "post_id"),
        rows(
            _REBLOGGED,
            Post.objects.filter(author_id=viewer_id, reblog_of_id__in=post_ids).order_by(),
            "reblog_of_id",
        ),
        rows(
            _MUTED,
            Mute.objects.filter(account_id=viewer_id, target_id__in=author_ids, reposts_only=False),
            "target_id",
        ),
    ]
    first, *others = parts
    return first.union(*others, all=True)


_FLAGS = CompiledQuery(_flags_queryset)


# --- Stamps: a page for cached renderings ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostStamp:
    """A visible post as a cache of rendered posts needs it: what identifies a rendering
    (`version`), and what changes too often to cache (counters, the moderators' `sensitive`,
    the viewer's flags), read fresh on every page.

    `version` changes whenever what a rendering shows may have: the post is edited, its
    author's profile is saved (`updated_at`), a photo on it is described or finishes
    processing. For a repost, `reblog` is the original's stamp and the flags repeat the
    original's, as in PostView."""

    pk: int
    author_id: int
    version: str
    sensitive: bool
    replies_count: int
    reblogs_count: int
    favourites_count: int
    author_followers_count: int
    author_following_count: int
    author_posts_count: int
    reblog: "PostStamp | None" = None
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    pinned: bool = False
    muted: bool = False


def _stamp_fields(prefix: str) -> tuple[str, ...]:
    return ("orig_version" if prefix else "self_version",) + tuple(
        f"{prefix}{name}"
        for name in (
            "id", "author_id", "sensitive", "replies_count", "reblogs_count", "favourites_count",
            "author__followers_count", "author__following_count", "author__posts_count",
        )
    )  # fmt: skip


_STAMP_WIDTH = len(_stamp_fields(""))


def _version(prefix: str, ref: str) -> Concat:
    """PostStamp.version as PostgreSQL or SQLite writes it: when the post was edited, its
    author's profile saved and its newest photo changed. Text, not three timestamps: turning
    timestamps into Python datetimes cost more than the rest of the stamps' columns."""
    parts = (F(f"{prefix}edited_at"), F(f"{prefix}author__updated_at"), _media_stamp(ref))
    texts = [Cast(part, TextField()) for part in parts]
    return Concat(texts[0], Value("|"), texts[1], Value("|"), texts[2], output_field=TextField())


def _media_stamp(ref: str) -> Subquery:
    newest = (
        MediaAttachment.objects.filter(post_id=OuterRef(ref))
        .order_by()
        .values("post_id")
        .annotate(newest=Max("updated_at"))
        .values("newest")
    )
    return Subquery(newest)


def _stamps_queryset(viewer_id: int, ids: Sequence[int]) -> QuerySet[Any, tuple[Any, ...]]:
    """visible_stamps' query. It is compiled once (_STAMPS) with a stand-in viewer, which works
    because posts_visible_to uses only the viewer's id: a rule reading anything else of the
    viewer's would have to be passed in as a value, or it would be compiled in."""
    return _stamp_rows(Account(pk=viewer_id), ids)


def _public_stamps_queryset(ids: Sequence[int]) -> QuerySet[Any, tuple[Any, ...]]:
    """visible_stamps' query for a visitor who is not logged in."""
    return _stamp_rows(None, ids)


def _stamp_rows(viewer: Account | None, ids: Sequence[int]) -> QuerySet[Any, tuple[Any, ...]]:
    rows: QuerySet[Any, tuple[Any, ...]] = (
        posts_visible_to(viewer)
        .filter(pk__in=ids)
        .order_by()
        .annotate(
            self_version=_version("", "pk"), orig_version=_version("reblog_of__", "reblog_of_id")
        )
        .values_list(*_stamp_fields(""), *_stamp_fields("reblog_of__"))
    )
    return rows


#: posts_visible_to's query for stamps, compiled once per page size (and one for visitors):
#: building and compiling the visibility rules costs more than PostgreSQL takes to run them
#: (hearth.core.compiled).
_STAMPS = CompiledQuery(_stamps_queryset)
_PUBLIC_STAMPS = CompiledQuery(_public_stamps_queryset)


def _stamp(
    row: Sequence[Any], flags: set[tuple[int, int]], content: int, reblog: PostStamp | None = None
) -> PostStamp:
    """A stamp from its columns, with the viewer's `flags` (_viewer_flags') for `content` (a
    repost's are its original's) and for its author (muted)."""
    version, pk, author_id, sensitive, replies, reblogs, favourites = row[:7]
    followers, following, posts_count = row[7:10]
    return PostStamp(
        pk=pk,
        author_id=author_id,
        version=version,
        sensitive=bool(sensitive),
        replies_count=replies,
        reblogs_count=reblogs,
        favourites_count=favourites,
        author_followers_count=followers,
        author_following_count=following,
        author_posts_count=posts_count,
        reblog=reblog,
        favourited=(_FAVOURITED, content) in flags,
        reblogged=(_REBLOGGED, content) in flags,
        bookmarked=(_BOOKMARKED, content) in flags,
        pinned=(_PINNED, content) in flags,
        muted=(_MUTED, author_id) in flags,
    )


def visible_stamps(viewer: Account | None, ids: Sequence[int]) -> list[PostStamp]:
    """Stamps of the posts with these ids that `viewer` may see, in the order given, with the
    viewer's flags: two queries (posts_visible_to's, run from a compiled template, and the
    flags; one for a visitor who is not logged in, who has no flags). For pages drawn from a
    cache of rendered posts (the homes, the public timeline).

    The flags stay a query of their own: as EXISTS columns of the first, PostgreSQL's generic
    plan answered "did the viewer repost it" by reading all of the viewer's posts (a hashed
    subplan, planned for an average author): 5 ms a page for a reader with 30,000 posts."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = _STAMPS.rows(viewer.pk, wanted) if viewer else _PUBLIC_STAMPS.rows(wanted)
    flags: set[tuple[int, int]] = set()
    if viewer is not None and rows:
        # The ids and author ids of the posts and of the reposts' originals
        content = {row[i] for row in rows for i in (1, _STAMP_WIDTH + 1) if row[i] is not None}
        authors = {row[i] for row in rows for i in (2, _STAMP_WIDTH + 2) if row[i] is not None}
        flags = _viewer_flags(viewer, content, authors)
    loaded: dict[int, PostStamp] = {}
    for row in rows:
        original = row[_STAMP_WIDTH:]
        reblog = _stamp(original, flags, original[1]) if original[1] is not None else None
        stamp = _stamp(row[:_STAMP_WIDTH], flags, reblog.pk if reblog else row[1], reblog)
        loaded[stamp.pk] = stamp
    return [loaded[pk] for pk in wanted if pk in loaded]


def posts_to_render(ids: Iterable[int]) -> list[PostView]:
    """Views (without viewer flags) of posts whose visibility was just checked
    (`visible_stamps`), to render for the cache. Never for ids that were not."""
    loaded = Post.objects.select_related(*POST_RELATED).in_bulk(list(ids))
    return hydrate(None, loaded.values())


# --- Lists -----------------------------------------------------------------------------------
# Each is a lazy QuerySet ordered newest first (-id), for hearth.core.pagination.paginate, with
# POST_RELATED loaded so hydrate adds no query for authors and originals.


def _listed(viewer: Account | None) -> QuerySet[Post]:
    return posts_visible_to(viewer).select_related(*POST_RELATED)


def _not_replying_to_others() -> Q:
    """Not a reply, or a reply to the author's own post (a thread they're writing)."""
    return Q(in_reply_to__isnull=True, in_reply_to_account__isnull=True) | Q(
        in_reply_to_account=F("author")
    )


def public_posts(viewer: Account | None, *, only_media: bool = False) -> QuerySet[Post]:
    """The public timeline: public posts (not unlisted), without reposts or replies to others.
    Every account is local until federation exists. `only_media`: only posts with a photo."""
    posts = _listed(viewer).filter(
        _not_replying_to_others(),
        visibility=Visibility.PUBLIC,
        reblog_of__isnull=True,
        author__limited_at__isnull=True,  # rule 5: limited accounts stay out
    )
    return posts.filter(has_media(OuterRef("pk"))) if only_media else posts


def hashtag_posts(viewer: Account | None, name: str, *, only_media: bool = False) -> QuerySet[Post]:
    """Public posts tagged #name (any letter case; a leading # is ignored), without reposts.
    `only_media`: only posts with a photo."""
    posts = _listed(viewer).filter(
        hashtag_links__hashtag__in=_hashtag_ids(name),
        visibility=Visibility.PUBLIC,
        reblog_of__isnull=True,
        author__limited_at__isnull=True,  # rule 5: limited accounts stay out
    )
    return posts.filter(has_media(OuterRef("pk"))) if only_media else posts


def _hashtag_ids(name: str) -> QuerySet[Hashtag, int]:
    """The id of hashtag `name` (any letter case; a leading # is ignored), as a subquery."""
    name = name.removeprefix("#")
    tag = Hashtag.objects.annotate(lower=Lower("name")).filter(lower=Lower(Value(name)))
    return tag.values_list("pk", flat=True)


def account_posts(
    viewer: Account | None,
    account: Account,
    *,
    with_replies: bool,
    only_media: bool = False,
    with_reposts: bool = True,
    tagged: str | None = None,
) -> QuerySet[Post]:
    """`account`'s posts and reposts that `viewer` may see, except direct posts (those are
    conversations, not profile content, as on Mastodon). Without `with_replies`, replies to
    other people are left out (replies in one's own thread stay). `only_media`: only their own
    posts (no reposts) with a photo, replies included (the profile's Media tab). Without
    `with_reposts`, no reposts; `tagged`: only their own posts using that hashtag."""
    posts = _listed(viewer).filter(author=account).exclude(visibility=Visibility.DIRECT)
    if not with_reposts:
        posts = posts.filter(reblog_of__isnull=True)
    if tagged is not None:
        posts = posts.filter(hashtag_links__hashtag__in=_hashtag_ids(tagged))
    if only_media:
        return posts.filter(has_media(OuterRef("pk")), reblog_of__isnull=True)
    if not with_replies:
        posts = posts.filter(_not_replying_to_others())
    return posts


def pinned_posts(viewer: Account | None, account: Account) -> QuerySet[Post]:
    """The posts `account` pinned to its profile that `viewer` may see."""
    return _listed(viewer).filter(Exists(Pin.objects.filter(account=account, post=OuterRef("pk"))))


def pinned_post_ids(account: Account) -> list[int]:
    """The ids of the posts `account` pinned, newest first, whoever may see them: a query
    cheaper than pinned_posts' visibility rules, for pages that mostly find none."""
    rows = Pin.objects.filter(account=account).order_by("-post_id")
    return list(rows.values_list("post_id", flat=True))


def bookmarked_posts(viewer: Account) -> QuerySet[Post]:
    """Posts the viewer bookmarked and may still see, newest post first."""
    return _listed(viewer).filter(
        Exists(Bookmark.objects.filter(account=viewer, post=OuterRef("pk")))
    )


def favourited_posts(viewer: Account) -> QuerySet[Post]:
    """Posts the viewer liked and may still see, newest post first."""
    return _listed(viewer).filter(
        Exists(Favourite.objects.filter(account=viewer, post=OuterRef("pk")))
    )


def bookmarks_of(viewer: Account) -> QuerySet[Bookmark]:
    """The viewer's bookmarks of posts they may still see, with the posts (POST_RELATED)
    loaded, newest bookmark first: the API pages these by the bookmark's id."""
    return _relation_rows(Bookmark.objects.filter(account=viewer), viewer)


def favourites_of(viewer: Account) -> QuerySet[Favourite]:
    """The viewer's likes of posts they may still see, as bookmarks_of."""
    return _relation_rows(Favourite.objects.filter(account=viewer), viewer)


def _relation_rows(rows: QuerySet[_R], viewer: Account) -> QuerySet[_R]:
    return (
        rows.filter(post__in=posts_visible_to(viewer).order_by().values("pk"))
        .select_related("post", *(f"post__{name}" for name in POST_RELATED))
        .order_by("-id")
    )


def post_edits(viewer: Account | None, post: Post) -> QuerySet[PostEdit]:
    """The earlier versions of `post`, oldest first (the current one is the post itself); none
    if the viewer may not see the post."""
    if not can_see(viewer, post):
        return PostEdit.objects.none()
    return PostEdit.objects.filter(post=post).order_by("created_at", "id")


def posts_by_ids(viewer: Account | None, ids: Sequence[int]) -> list[Post]:
    """The posts with these ids that `viewer` may see, in the order given (for feeds that store
    ids). One query."""
    loaded = _listed(viewer).in_bulk(list(ids))
    return [loaded[pk] for pk in ids if pk in loaded]


# --- Who interacted --------------------------------------------------------------------------


def post_favourited_by(viewer: Account | None, post: Post) -> QuerySet[Account]:
    """Who liked `post` (the original, for a repost), most recent like first; page by
    `favourites__id`. Only accounts that can be shown, none across a block with the viewer,
    and nobody at all if the viewer may not see the post."""
    original = post.reblog_of if post.reblog_of is not None else post
    if not can_see(viewer, original):
        return Account.objects.none()
    accounts = _shown_to(viewer).filter(favourites__post=original)
    return accounts.order_by("-favourites__id")


def post_reblogged_by(viewer: Account | None, post: Post) -> QuerySet[Account]:
    """Who reposted `post` (the original, for a repost), most recent first; page by
    `posts__id`. The same rules as post_favourited_by."""
    original = post.reblog_of if post.reblog_of is not None else post
    if not can_see(viewer, original):
        return Account.objects.none()
    return _shown_to(viewer).filter(posts__reblog_of=original).order_by("-posts__id")


def _shown_to(viewer: Account | None) -> QuerySet[Account]:
    accounts = account_list_visible(viewer=None)
    if viewer is None:
        return accounts
    return accounts.exclude(
        Exists(
            Block.objects.filter(
                Q(account=viewer, target=OuterRef("pk")) | Q(account=OuterRef("pk"), target=viewer)
            )
        )
    )

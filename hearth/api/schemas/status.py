"""Status (Mastodon entity) from a hydrated post (`hearth.posts.selectors.PostView`).

Load posts through the visibility selectors, hydrate them (`hydrate` or
`hearth.timelines.selectors.hydrate_posts`), then call `status_out(view, ctx)` per view: it
makes no query. A repost becomes Mastodon's wrapper: its own id, account and time, empty
content, and `reblog` holding the original.

`media_attachments` are the post's photos that are ready, in order (`PostView.media`, built by
`schemas/media.py`; a repost's are on its `reblog`, as on Mastodon). Not in Hearth yet, and so
always empty or null: polls, preview cards, custom emojis, the posting application, filters.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Context, Out, rfc3339, rfc3339_or_none
from hearth.api.schemas.media import MediaAttachmentOut, media_attachment_out
from hearth.core.cache import Renderings
from hearth.posts.selectors import PostStamp, PostView, posts_to_render


class StatusMentionOut(Out):
    id: str
    username: str
    url: str
    acct: str


class StatusTagOut(Out):
    name: str
    url: str


class StatusOut(Out):
    id: str
    uri: str
    url: str | None
    created_at: str
    edited_at: str | None
    account: AccountOut
    content: str
    text: str | None = None
    visibility: str
    sensitive: bool
    spoiler_text: str
    language: str | None
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    reblog: "StatusOut | None"
    application: dict[str, Any] | None
    media_attachments: list[MediaAttachmentOut]
    mentions: list[StatusMentionOut]
    tags: list[StatusTagOut]
    emojis: list[dict[str, Any]]
    card: dict[str, Any] | None
    poll: dict[str, Any] | None
    replies_count: int
    reblogs_count: int
    favourites_count: int
    favourited: bool
    reblogged: bool
    muted: bool
    bookmarked: bool
    pinned: bool
    filtered: list[dict[str, Any]]


def status_url(view: PostView, ctx: Context) -> str:
    return ctx.absolute(f"/@{view.author.username}/{view.post.pk}")


def status_out(view: PostView, ctx: Context, *, with_source: bool = False) -> StatusOut:
    """The Status for `view`. `with_source` adds `text` (the source as typed), which Mastodon
    returns only from DELETE and the source endpoint."""
    post = view.post
    reblog = status_out(view.reblog, ctx) if view.reblog is not None else None
    url = status_url(view, ctx)
    return StatusOut(
        id=str(post.pk),
        uri=url,
        url=url,
        created_at=rfc3339(post.created_at),
        edited_at=rfc3339_or_none(post.edited_at),
        account=account_out(view.author, ctx),
        content=post.content_html if reblog is None else "",
        text=post.text if with_source else None,
        visibility=post.visibility,
        sensitive=post.sensitive,
        spoiler_text=post.spoiler_text,
        language=post.language or None,
        in_reply_to_id=str(post.in_reply_to_id) if post.in_reply_to_id else None,
        in_reply_to_account_id=(
            str(post.in_reply_to_account_id) if post.in_reply_to_account_id else None
        ),
        reblog=reblog,
        application=None,
        media_attachments=[media_attachment_out(media, ctx) for media in view.media],
        mentions=[
            StatusMentionOut(
                id=str(account.pk),
                username=account.username,
                url=ctx.absolute(account.get_absolute_url()),
                acct=account.username,
            )
            for account in view.mentions
        ],
        tags=[
            StatusTagOut(name=name.lower(), url=ctx.absolute(f"/tags/{name}"))
            for name in view.hashtags
        ],
        emojis=[],
        card=None,
        poll=None,
        replies_count=post.replies_count,
        reblogs_count=post.reblogs_count,
        favourites_count=post.favourites_count,
        favourited=view.favourited,
        reblogged=view.reblogged,
        muted=view.muted,
        bookmarked=view.bookmarked,
        pinned=view.pinned,
        filtered=[],
    )


# --- Cached renderings (the home timeline's hot path) ----------------------------------------

#: How long a rendered status is kept. Its key carries the post's stamp version (edits, the
#: author's profile, its photos), so this only bounds what nothing versions: a mentioned
#: account hidden since (suspended, deleted) still listed in `mentions`.
STATUS_CACHE_SECONDS = 15 * 60
#: Statuses never change under their key: each process keeps the ones it used last (this many
#: bytes of JSON), read without a round trip to the cache (hearth.core.cache.Renderings).
RENDERED_STATUSES = Renderings(8 * 1024 * 1024, lambda entry: len(entry[0]) + len(entry[1]))
_CACHE_PREFIX = "api:status:2"
#: What a cached rendering leaves out: read fresh from the stamps on every page.
_PER_READ = (
    "account", "sensitive", "replies_count", "reblogs_count", "favourites_count", "favourited",
    "reblogged", "muted", "bookmarked", "pinned", "filtered", "reblog",
)  # fmt: skip
_ACCOUNT_PER_READ = ("followers_count", "following_count", "statuses_count")

#: A status as cached: the inside of its JSON object (no braces) without the _PER_READ
#: fields, and the inside of its account's without the counters. Text, not a dict, so that a
#: page is unpickled and sent without building and encoding 20 nested dicts on every read.
Rendered = tuple[str, str]


def _cache_key(stamp: PostStamp, ctx: Context) -> str:
    # The rendering holds absolute URLs: one per host the server answers to.
    varies = hashlib.blake2b(f"{ctx.base_url}|{stamp.version}".encode(), digest_size=12)
    return f"{_CACHE_PREFIX}:{stamp.pk}:{varies.hexdigest()}"


def _inside(fields: dict[str, Any], leave_out: Sequence[str]) -> str:
    """`fields` without `leave_out` as JSON, without the object's braces."""
    kept = {name: value for name, value in fields.items() if name not in leave_out}
    return json.dumps(kept, ensure_ascii=False)[1:-1]


def _rendered(view: PostView, ctx: Context) -> Rendered:
    """What a status shows to anyone, as status_out renders it; a repost's original is
    rendered (and cached) on its own."""
    fields = status_out(view, ctx).model_dump()
    return _inside(fields, _PER_READ), _inside(fields["account"], _ACCOUNT_PER_READ)


def _true(value: bool) -> str:
    return "true" if value else "false"


def _status_json(rendered: Rendered, stamp: PostStamp, flags_from: PostStamp, reblog: str) -> str:
    """The status's JSON: its cached rendering with the counters, `sensitive` and the
    viewer's flags of `stamp` (the flags of `flags_from`: a repost shows its original's)."""
    fields, account = rendered
    return (
        f'{{{fields},"account":{{{account},'
        f'"followers_count":{int(stamp.author_followers_count)},'
        f'"following_count":{int(stamp.author_following_count)},'
        f'"statuses_count":{int(stamp.author_posts_count)}}},'
        f'"sensitive":{_true(stamp.sensitive)},'
        f'"replies_count":{int(stamp.replies_count)},'
        f'"reblogs_count":{int(stamp.reblogs_count)},'
        f'"favourites_count":{int(stamp.favourites_count)},'
        f'"favourited":{_true(flags_from.favourited)},'
        f'"reblogged":{_true(flags_from.reblogged)},'
        f'"muted":{_true(stamp.muted)},'
        f'"bookmarked":{_true(flags_from.bookmarked)},'
        f'"pinned":{_true(flags_from.pinned)},'
        f'"reblog":{reblog},"filtered":[]}}'
    )


def statuses_json(stamps: Sequence[PostStamp], ctx: Context) -> list[str]:
    """The statuses for `stamps` (hearth.posts.selectors.visible_stamps) as JSON texts, each
    what status_out would render, from a cache of rendered posts (Django's cache: Redis when
    configured): one get_many for the page, and for the posts not in it three queries to
    render them (mentions, hashtags, photos). Counters, `sensitive` and the viewer's flags
    come from the stamps, read fresh, so a cached rendering never needs invalidating."""
    wanted = {s.pk: s for stamp in stamps for s in (stamp, stamp.reblog) if s is not None}
    keys = {pk: _cache_key(stamp, ctx) for pk, stamp in wanted.items()}
    cached: dict[str, Any] = RENDERED_STATUSES.get_many(keys.values())
    found: dict[str, Rendered] = {
        key: value for key, value in cached.items() if isinstance(value, tuple) and len(value) == 2
    }
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {keys[view.post.pk]: _rendered(view, ctx) for view in posts_to_render(missing)}
        RENDERED_STATUSES.set_many(fresh, STATUS_CACHE_SECONDS)
        found.update(fresh)

    out: list[str] = []
    for stamp in stamps:
        reblog = "null"
        if stamp.reblog is not None:
            original = found.get(keys[stamp.reblog.pk])
            if original is None:  # deleted between the two reads: left out, as if not visible
                continue
            reblog = _status_json(original, stamp.reblog, stamp.reblog, "null")
        rendered = found.get(keys[stamp.pk])
        if rendered is None:
            continue
        out.append(_status_json(rendered, stamp, stamp.reblog or stamp, reblog))
    return out

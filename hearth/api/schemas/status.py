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
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from ninja import Schema

from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Context, rfc3339, rfc3339_or_none
from hearth.api.schemas.media import MediaAttachmentOut, media_attachment_out
from hearth.posts.selectors import PostStamp, PostView, posts_to_render


class StatusMentionOut(Schema):
    id: str
    username: str
    url: str
    acct: str


class StatusTagOut(Schema):
    name: str
    url: str


class StatusOut(Schema):
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
_CACHE_PREFIX = "api:status:1"


def _cache_key(stamp: PostStamp, ctx: Context) -> str:
    # The rendering holds absolute URLs: one per host the server answers to.
    varies = hashlib.blake2b(f"{ctx.base_url}|{stamp.version}".encode(), digest_size=12)
    return f"{_CACHE_PREFIX}:{stamp.pk}:{varies.hexdigest()}"


def _base(view: PostView, ctx: Context) -> dict[str, Any]:
    """What a status shows to anyone, as status_out renders it; a repost's original is
    rendered (and cached) on its own, so `reblog` stays None here."""
    rendered = status_out(view, ctx).model_dump()
    rendered["reblog"] = None
    return rendered


def statuses_from_stamps(stamps: Sequence[PostStamp], ctx: Context) -> list[dict[str, Any]]:
    """The statuses for `stamps` (hearth.posts.selectors.visible_stamps), as status_out would
    render them, from a cache of rendered posts (Django's cache: Redis when configured): one
    get_many for the page, and for the posts not in it three queries to render them
    (mentions, hashtags, photos). Counters, `sensitive` and the viewer's flags come from the
    stamps, read fresh, so a cached rendering never needs invalidating."""
    wanted = {s.pk: s for stamp in stamps for s in (stamp, stamp.reblog) if s is not None}
    keys = {pk: _cache_key(stamp, ctx) for pk, stamp in wanted.items()}
    found: dict[str, dict[str, Any]] = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {keys[view.post.pk]: _base(view, ctx) for view in posts_to_render(missing)}
        cache.set_many(fresh, STATUS_CACHE_SECONDS)
        found.update(fresh)

    def status(stamp: PostStamp, flags_from: PostStamp) -> dict[str, Any] | None:
        base = found.get(keys[stamp.pk])
        if base is None:  # deleted between the two reads: left out, as if not visible
            return None
        account = {
            **base["account"],
            "followers_count": stamp.author_followers_count,
            "following_count": stamp.author_following_count,
            "statuses_count": stamp.author_posts_count,
        }
        return {
            **base,
            "account": account,
            "sensitive": stamp.sensitive,
            "replies_count": stamp.replies_count,
            "reblogs_count": stamp.reblogs_count,
            "favourites_count": stamp.favourites_count,
            "favourited": flags_from.favourited,
            "reblogged": flags_from.reblogged,
            "muted": stamp.muted,
            "bookmarked": flags_from.bookmarked,
            "pinned": flags_from.pinned,
            "filtered": [],
        }

    out: list[dict[str, Any]] = []
    for stamp in stamps:
        original = status(stamp.reblog, stamp.reblog) if stamp.reblog is not None else None
        wrapper = status(stamp, stamp.reblog or stamp)
        if wrapper is None or (stamp.reblog is not None and original is None):
            continue
        wrapper["reblog"] = original
        out.append(wrapper)
    return out

"""Status (Mastodon entity) from a hydrated post (`hearth.posts.selectors.PostView`).

Load posts through the visibility selectors, hydrate them (`hydrate` or
`hearth.timelines.selectors.hydrate_posts`), then call `status_out(view, ctx)` per view: it
makes no query. A repost becomes Mastodon's wrapper: its own id, account and time, empty
content, and `reblog` holding the original.

`media_attachments` are the post's photos that are ready, in order (`PostView.media`, built by
`schemas/media.py`; a repost's are on its `reblog`, as on Mastodon). Not in Hearth yet, and so
always empty or null: polls, preview cards, custom emojis, the posting application, filters.
"""

from typing import Any

from ninja import Schema

from hearth.api.schemas.account import AccountOut, account_out
from hearth.api.schemas.common import Context, rfc3339, rfc3339_or_none
from hearth.api.schemas.media import MediaAttachmentOut, media_attachment_out
from hearth.posts.selectors import PostView


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

"""MediaAttachment (Mastodon entity) from a `hearth.media.models.MediaAttachment` row.

Hearth keeps photos only, so `type` is always "image": animated GIFs keep their first frame
(docs/subsystems/media.md), which is an image, not Mastodon's "gifv". `url` is the display size
(at most 1600 px on the long side: Hearth never serves the uploaded bytes), `preview_url` the
thumbnail; both are null until processing is done, which is how clients tell (toot polls
`GET /api/v1/media/:id` until `url` is set). `meta.original` describes the display size, the
largest there is, and `meta.small` the thumbnail; both are null until they exist.

The builder makes no query.
"""

from hearth.api.schemas.common import Context, Out
from hearth.media.models import MediaAttachment


class MetaDetailsOut(Out):
    width: int
    height: int
    #: "640x480"
    size: str
    aspect: float


class FocusOut(Out):
    x: float
    y: float


class MediaMetaOut(Out):
    original: MetaDetailsOut | None
    small: MetaDetailsOut | None
    focus: FocusOut


class MediaAttachmentOut(Out):
    id: str
    type: str
    url: str | None
    preview_url: str | None
    remote_url: str | None
    preview_remote_url: str | None
    meta: MediaMetaOut
    description: str | None
    blurhash: str | None


def _details(width: int | None, height: int | None) -> MetaDetailsOut | None:
    if not width or not height:
        return None
    return MetaDetailsOut(
        width=width, height=height, size=f"{width}x{height}", aspect=width / height
    )


def media_attachment_out(media: MediaAttachment, ctx: Context) -> MediaAttachmentOut:
    """The MediaAttachment for `media`, with absolute URLs (a CDN's, when the storage has one)."""
    ready = media.is_ready
    return MediaAttachmentOut(
        id=str(media.pk),
        type="image",
        url=ctx.absolute(media.file.url) if ready and media.file else None,
        preview_url=ctx.absolute(media.thumbnail.url) if ready and media.thumbnail else None,
        remote_url=None,
        preview_remote_url=None,
        meta=MediaMetaOut(
            original=_details(media.width, media.height),
            small=_details(media.thumbnail_width, media.thumbnail_height),
            focus=FocusOut(x=round(media.focus_x, 2), y=round(media.focus_y, 2)),
        ),
        description=media.description or None,
        blurhash=media.blurhash or None,
    )

"""Reads of media. Visibility is the post's business: these return what they are asked for, and
hearth.posts asks only for posts the viewer may see."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.http import Http404

from hearth.accounts.models import Account
from hearth.media.models import MediaAttachment, MediaState


def access_media(owner: Account, media_id: int | str) -> MediaAttachment:
    """One of `owner`'s uploads; Http404 for anyone else's, a missing one or a malformed id."""
    try:
        pk = int(media_id)
    except (TypeError, ValueError):
        raise Http404("No such upload.") from None
    media = MediaAttachment.objects.filter(pk=pk, owner=owner).first()
    if media is None:
        raise Http404("No such upload.")
    return media


def media_by_post(post_ids: Iterable[int]) -> dict[int, list[MediaAttachment]]:
    """{post id: its ready photos in order} for a page of posts: one query on (post, position).

    Photos still processing are left out: a post shows them once they are ready.
    """
    ids = set(post_ids)
    if not ids:
        return {}
    rows = MediaAttachment.objects.filter(post_id__in=ids, state=MediaState.READY).order_by(
        "post_id", "position"
    )
    found: dict[int, list[MediaAttachment]] = defaultdict(list)
    for media in rows:
        assert media.post_id is not None  # noqa: S101  # filtered on it
        found[media.post_id].append(media)
    return found


def has_media(post_ref: OuterRef) -> Exists:
    """An EXISTS for "this post carries a photo", correlated to `post_ref` (an OuterRef to the
    post's id): answered from the (post, position) index."""
    return Exists(MediaAttachment.objects.filter(post_id=post_ref, state=MediaState.READY))

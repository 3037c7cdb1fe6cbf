"""Reads of media. Visibility is the post's business: these return what they are asked for, and
hearth.posts asks only for posts the viewer may see."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from hearth.accounts.models import Account
from hearth.core.compiled import CompiledQuery, load_instances, model_columns
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
    found: dict[int, list[MediaAttachment]] = defaultdict(list)
    for row in _READY_MEDIA.rows(sorted(ids)):
        (media,) = load_instances(row, [MediaAttachment])
        assert isinstance(media, MediaAttachment)  # noqa: S101  # a row of its own
        assert media.post_id is not None  # noqa: S101  # filtered on it
        found[media.post_id].append(media)
    return found


def _ready_media_queryset(post_ids: Sequence[int]) -> QuerySet[Any, tuple[Any, ...]]:
    rows: QuerySet[Any, tuple[Any, ...]] = (
        MediaAttachment.objects.filter(post_id__in=post_ids, state=MediaState.READY)
        .order_by("post_id", "position")
        .values_list(*model_columns(MediaAttachment))
    )
    return rows


#: Every view of posts asks (hearth.posts.selectors.hydrate): compiled once per number of
#: posts (hearth.core.compiled).
_READY_MEDIA = CompiledQuery(_ready_media_queryset)


def has_media(post_ref: OuterRef) -> Exists:
    """An EXISTS for "this post carries a photo", correlated to `post_ref` (an OuterRef to the
    post's id): answered from the (post, position) index."""
    return Exists(MediaAttachment.objects.filter(post_id=post_ref, state=MediaState.READY))

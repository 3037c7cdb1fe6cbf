"""Writes to media: upload, describe, process, attach to a post, delete, purge orphans.

The web upload endpoint and the Mastodon API (POST /api/v2/media, PUT /api/v1/media/:id) call
the same functions and get the same MediaAttachment back.

Bad input raises ValidationError keyed by field ("file", "description", "focus", "media_ids")
with a message to show as is. Files are deleted only after the transaction that forgot them
commits, so a rollback never leaves a row pointing at nothing.
"""

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.media import tasks
from hearth.media.errors import MediaNotCommittedError
from hearth.media.models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_ATTACHMENTS,
    TRANSITIONS,
    MediaAttachment,
    MediaState,
)
from hearth.media.processing import ProcessedPhoto, check_upload, process_photo

logger = logging.getLogger(__name__)

#: Uploads never attached to a post are deleted after this long.
ORPHAN_AGE = timedelta(hours=24)
#: States a photo may be attached in: still processing is fine (as on Mastodon), failed is not.
ATTACHABLE = (MediaState.PROCESSING, MediaState.PENDING, MediaState.READY)


def private_storage() -> Storage:
    """Where originals wait for processing: never served (outside MEDIA_ROOT, or private ACL)."""
    return storages["media_private"]


# --- Upload and describe -----------------------------------------------------------------------


def media_upload(
    *, owner: Account, file: UploadedFile, description: str = "", focus: str = ""
) -> MediaAttachment:
    """Accept a photo from `owner` and have it processed; returns the attachment.

    The quick checks (size, type by content, dimensions) happen here and raise ValidationError
    on "file". Processing runs as a Celery task on the "media" queue, inline when no broker is
    configured or the broker can't be reached; a photo that fails there (truncated, corrupt)
    is refused with ValidationError too when inline, and is left `failed` with its `error`
    when a worker ran it.

    Not atomic on purpose: the row is committed before the task is queued, so a worker finds
    it; storage calls stay out of database transactions.
    """
    description, focus_x, focus_y = _checked_details(description, focus)
    try:
        check_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    file.seek(0)
    original = private_storage().save(f"originals/{secrets.token_urlsafe(24)}", file)
    media = MediaAttachment.objects.create(
        owner=owner,
        original=original,
        description=description,
        focus_x=focus_x,
        focus_y=focus_y,
    )
    if tasks.media_process_task.delay(media.pk) is None:
        # The broker is unreachable (hearth.core.jobs): process it here, as without a broker.
        tasks.media_process_task.apply(args=(media.pk,))
    media.refresh_from_db()
    if media.state == MediaState.FAILED:
        message = media.error
        media_delete(media_ids=[media.pk])
        raise ValidationError({"file": [message]})
    return media


@transaction.atomic
def media_update(
    *,
    media: MediaAttachment,
    owner: Account,
    description: str | None = None,
    focus: str | None = None,
) -> MediaAttachment:
    """Change a photo's alt text or focal point (None leaves it be). Only its owner may; for
    others it does not exist (the caller found it with selectors.access_media)."""
    if media.owner_id != owner.pk:
        raise ValidationError("That upload is not available.")
    text, focus_x, focus_y = _checked_details(
        media.description if description is None else description,
        focus if focus is not None else media.focus,
    )
    media.description, media.focus_x, media.focus_y = text, focus_x, focus_y
    media.save(update_fields=["description", "focus_x", "focus_y", "updated_at"])
    return media


def _checked_details(description: str, focus: str) -> tuple[str, float, float]:
    errors: dict[str, list[str]] = {}
    description = description.replace("\x00", "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [
            f"Keep the description to {DESCRIPTION_MAX_LENGTH} characters or fewer "
            f"(this is {len(description)})."
        ]
    focus_x = focus_y = 0.0
    if focus.strip():
        try:
            focus_x, focus_y = (float(part) for part in focus.split(","))
        except ValueError:
            errors["focus"] = ['Give the focal point as "x,y", each from -1 to 1.']
        else:
            if not (-1 <= focus_x <= 1 and -1 <= focus_y <= 1):
                errors["focus"] = ["The focal point's x and y must each be from -1 to 1."]
    if errors:
        raise ValidationError(errors)
    return description, focus_x, focus_y


# --- Processing --------------------------------------------------------------------------------


def media_process(*, media_id: int) -> None:
    """Process an uploaded photo (the task's body): decode, re-encode, measure; then delete the
    original whatever happened. Does nothing for a photo already processed or gone."""
    if not _state_set(media_id, MediaState.PENDING, MediaState.PROCESSING):
        if not MediaAttachment.objects.filter(pk=media_id).exists():
            raise MediaNotCommittedError(media_id)
        return
    media = MediaAttachment.objects.get(pk=media_id)
    try:
        with private_storage().open(media.original, "rb") as source:
            photo = process_photo(source, name=media.original)
    except ValidationError as error:
        _fail(media, " ".join(error.messages))
    except Exception:
        logger.exception("Processing media %s failed", media_id)
        _fail(media, "Something went wrong while processing this image. Please try again.")
        raise
    else:
        _store(media, photo)
    finally:
        _original_delete(media)


def _state_set(media_id: int, before: str, after: str) -> bool:
    """Move a photo from `before` to `after`, atomically; False if it wasn't in `before`."""
    assert after in TRANSITIONS[before]  # noqa: S101  # a programming error, not input
    changed = MediaAttachment.objects.filter(pk=media_id, state=before).update(
        state=after, updated_at=timezone.now()
    )
    return changed == 1


def _fail(media: MediaAttachment, message: str) -> None:
    MediaAttachment.objects.filter(pk=media.pk, state=MediaState.PROCESSING).update(
        state=MediaState.FAILED, error=message[:300], updated_at=timezone.now()
    )


def _store(media: MediaAttachment, photo: ProcessedPhoto) -> None:
    stem = f"{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}"
    file = default_storage.save(f"{stem}.webp", ContentFile(photo.display.content))
    thumbnail = default_storage.save(f"{stem}-small.webp", ContentFile(photo.thumbnail.content))
    stored = MediaAttachment.objects.filter(pk=media.pk, state=MediaState.PROCESSING).update(
        state=MediaState.READY,
        file=file,
        thumbnail=thumbnail,
        width=photo.display.width,
        height=photo.display.height,
        thumbnail_width=photo.thumbnail.width,
        thumbnail_height=photo.thumbnail.height,
        blurhash=photo.blurhash,
        colour=photo.colour,
        placeholder=photo.placeholder,
        updated_at=timezone.now(),
    )
    if not stored:  # deleted while we worked
        _files_delete([file, thumbnail])


def _original_delete(media: MediaAttachment) -> None:
    if media.original:
        private_storage().delete(media.original)
        MediaAttachment.objects.filter(pk=media.pk).update(original="")


# --- Attaching to posts (called by hearth.posts.services) --------------------------------------


def media_attachable(*, owner: Account, media_ids: Sequence[int | str]) -> list[MediaAttachment]:
    """The photos `media_ids` names, in that order, checked for attaching to a new post by
    `owner`: theirs, not on a post yet, not failed, at most MAX_ATTACHMENTS. Locks the rows, so
    call it inside the transaction that attaches them. Raises ValidationError on "media_ids"."""
    ids = _parsed_ids(media_ids)
    if len(ids) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"media_ids": [f"A post can have up to {MAX_ATTACHMENTS} images ({len(ids)} chosen)."]}
        )
    found = {
        media.pk: media
        for media in MediaAttachment.objects.select_for_update().filter(pk__in=ids, owner=owner)
    }
    problems = []
    for pk in ids:
        media = found.get(pk)
        if media is None:
            problems.append("One of the images is no longer available. Please upload it again.")
        elif media.post_id is not None:
            problems.append("One of the images is already on another post.")
        elif media.state not in ATTACHABLE:
            problems.append(media.error or "One of the images couldn’t be processed.")
    if problems:
        raise ValidationError({"media_ids": sorted(set(problems))})
    return [found[pk] for pk in ids]


def _parsed_ids(media_ids: Sequence[int | str]) -> list[int]:
    ids: list[int] = []
    for raw in media_ids:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            raise ValidationError(
                {"media_ids": ["One of the images is no longer available."]}
            ) from None
        if pk not in ids:
            ids.append(pk)
    return ids


def media_attach(*, post_id: int, media: Sequence[MediaAttachment]) -> None:
    """Put checked photos (from media_attachable, same transaction) on a post, in order."""
    for position, item in enumerate(media):
        MediaAttachment.objects.filter(pk=item.pk, post__isnull=True).update(
            post_id=post_id, position=position, updated_at=timezone.now()
        )


# --- Deleting ----------------------------------------------------------------------------------


def media_delete_for_posts(*, post_ids: Sequence[int]) -> int:
    """Delete the photos on these posts; their files go after commit. Returns how many."""
    return _delete(MediaAttachment.objects.filter(post_id__in=post_ids))


def media_delete(*, media_ids: Sequence[int]) -> int:
    return _delete(MediaAttachment.objects.filter(pk__in=media_ids))


def media_discard(*, owner: Account, media_id: int) -> bool:
    """Delete `owner`'s upload `media_id` if it is on no post, as one step: a post created
    meanwhile that takes the photo keeps it. False when it is on a post (or gone)."""
    return _delete(MediaAttachment.objects.filter(pk=media_id, owner=owner, post__isnull=True)) > 0


def media_purge_orphans(now: datetime | None = None) -> int:
    """Delete uploads never attached to a post (or left behind by a deleted post) that are
    older than ORPHAN_AGE, with their files. Returns how many (a `hearth purge` job)."""
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    with transaction.atomic():
        return _delete(MediaAttachment.objects.filter(post__isnull=True, created_at__lt=cutoff))


def media_erase_for_user(user: User, /) -> None:
    """Before a member's accounts are erased (an ACCOUNT_ERASERS hook): their uploads' files;
    the rows go with the cascade."""
    _delete(MediaAttachment.objects.filter(owner__user=user))


@transaction.atomic
def _delete(rows: QuerySet[MediaAttachment]) -> int:
    """Delete these rows, and their files after commit. The rows are locked and read once, and
    exactly those are deleted: a row that stops matching meanwhile (a post took an orphan as
    it was purged) keeps its row and its files. (media_attachable locks the same rows.)"""
    locked = list(rows.select_for_update().values_list("pk", "file", "thumbnail", "original"))
    names = [name for _, file, thumbnail, _ in locked for name in (file, thumbnail) if name]
    originals = [original for *_, original in locked if original]
    deleted, _ = MediaAttachment.objects.filter(pk__in=[row[0] for row in locked]).delete()
    transaction.on_commit(lambda: _files_delete(names))
    transaction.on_commit(lambda: _files_delete(originals, private_storage()))
    return deleted


def _files_delete(names: Sequence[str], storage: Storage | None = None) -> None:
    target = storage or default_storage
    for name in names:
        try:
            target.delete(name)
        # Already gone, or the storage hiccuped: the purge can't retry a file. Not only OSError:
        # S3 (boto) raises its own errors (unreachable, access denied), and this runs after the
        # commit, where an exception would turn a deletion that happened into a 500.
        except Exception:
            logger.warning("Could not delete media file %s", name, exc_info=True)

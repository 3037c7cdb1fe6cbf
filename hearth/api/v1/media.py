"""/api/v1/media: upload a photo (the legacy, waiting form), see, describe and delete it.

The same services as the web compose box (`hearth.media.services`), so a photo uploaded here is
checked and processed exactly as one uploaded on the site. As on Mastodon, `GET` and `PUT`
reach only the caller's photos not yet on a post (anything else is 404: describing a
published photo would change a post behind its edit history), and answer 206 while the photo
is still processing, 200 once it is ready, 422 if processing failed.
"""

import time

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from hearth.api.auth import me, token
from hearth.api.errors import ApiError, validation_error
from hearth.api.parsing import parse_body, request_data
from hearth.api.schemas.common import context_for
from hearth.api.schemas.media import MediaAttachmentOut, media_attachment_out
from hearth.core import ratelimit
from hearth.media import selectors, services
from hearth.media.models import MediaAttachment, MediaState

router = Router(tags=["media"])

#: How long the legacy upload waits for a worker that has already taken the photo, in seconds.
WAIT_FOR_WORKER_SECONDS = 30.0
_POLL_SECONDS = 0.2


class MediaIn(Schema):
    description: str = ""
    focus: str = ""


class MediaUpdateIn(Schema):
    description: str | None = None
    focus: str | None = None


def upload_from(request: HttpRequest) -> MediaAttachment:
    """The photo in a multipart `file` field, with `description` and `focus`, uploaded for the
    caller through media_upload. Problems are 422 naming the field (`file` for the file)."""
    file = request_data(request).get("file")
    data = parse_body(request, MediaIn)
    if not isinstance(file, UploadedFile):
        raise validation_error({"file": ["Attach the image as a multipart file named file."]})
    ratelimit.limit(request, "upload", member=me(request).user)
    return services.media_upload(
        owner=me(request), file=file, description=data.description, focus=data.focus
    )


def answer(request: HttpRequest, media: MediaAttachment) -> Status[MediaAttachmentOut]:
    """200 with the attachment when it is ready, 206 while it is still processing."""
    return Status(200 if media.is_ready else 206, media_attachment_out(media, context_for(request)))


@router.post("", response={200: MediaAttachmentOut}, auth=token("write:media"))
def upload(request: HttpRequest) -> Status[MediaAttachmentOut]:
    """Mastodon's v1 upload returns only once the photo is processed."""
    media = _processed(upload_from(request))
    return Status(200, media_attachment_out(media, context_for(request)))


def _processed(media: MediaAttachment) -> MediaAttachment:
    """Wait for `media` to be processed: inline, if no worker has taken it yet (processing is
    idempotent: the worker then finds it done), else by watching the worker for a while."""
    if media.state == MediaState.PENDING:
        services.media_process(media_id=media.pk)
    media.refresh_from_db()
    deadline = time.monotonic() + WAIT_FOR_WORKER_SECONDS
    while media.state == MediaState.PROCESSING and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        media.refresh_from_db()
    if media.state == MediaState.FAILED:
        message = media.error
        services.media_delete(media_ids=[media.pk])
        raise ValidationError({"file": [message]})
    return media


def _unattached(request: HttpRequest, media_id: str) -> MediaAttachment:
    """One of the caller's photos that is not on a post yet; 404 otherwise, 422 if it failed."""
    media = selectors.access_media(me(request), media_id)
    if media.post_id is not None:
        raise Http404("That upload is on a post.")
    if media.state == MediaState.FAILED:
        raise ApiError(422, media.error or "This image couldn’t be processed.")
    return media


@router.get(
    "/{media_id}",
    response={200: MediaAttachmentOut, 206: MediaAttachmentOut},
    auth=token("write:media"),
)
def media_get(request: HttpRequest, media_id: str) -> Status[MediaAttachmentOut]:
    return answer(request, _unattached(request, media_id))


@router.put(
    "/{media_id}",
    response={200: MediaAttachmentOut, 206: MediaAttachmentOut},
    auth=token("write:media"),
)
def media_put(request: HttpRequest, media_id: str) -> Status[MediaAttachmentOut]:
    data = parse_body(request, MediaUpdateIn)
    owner = me(request)
    media = services.media_update(
        media=_unattached(request, media_id),
        owner=owner,
        description=data.description,
        focus=data.focus,
    )
    return answer(request, media)


@router.delete("/{media_id}", response=dict[str, str], auth=token("write:media"))
def media_delete(request: HttpRequest, media_id: str) -> dict[str, str]:
    """Delete an upload not yet on a post (Mastodon 4.4); one on a post is 422."""
    owner = me(request)
    media = selectors.access_media(owner, media_id)
    if not services.media_discard(owner=owner, media_id=media.pk):
        raise validation_error(
            {"media": ["This image is on a post; delete or edit the post instead."]}
        )
    return {}

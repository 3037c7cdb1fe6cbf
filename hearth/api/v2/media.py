"""POST /api/v2/media: upload a photo without waiting for it to be processed.

200 with `url` when processing already happened in the request (the embedded default runs
background work inline, and so does Celery in eager mode), 202 with `url: null` while a worker
has it; the client then polls `GET /api/v1/media/:id` (206, then 200).
"""

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from hearth.api.auth import token
from hearth.api.schemas.common import context_for
from hearth.api.schemas.media import MediaAttachmentOut, media_attachment_out
from hearth.api.v1.media import upload_from

router = Router(tags=["media"])


@router.post(
    "", response={200: MediaAttachmentOut, 202: MediaAttachmentOut}, auth=token("write:media")
)
def upload(request: HttpRequest) -> Status[MediaAttachmentOut]:
    media = upload_from(request)
    status = 200 if media.is_ready else 202
    return Status(status, media_attachment_out(media, context_for(request)))

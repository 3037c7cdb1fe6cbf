"""Photos in the compose box: the upload endpoint the compose script sends each file to, and
what the post form carries about photos (ids of uploads, their descriptions, and, without
JavaScript, the files themselves)."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from hearth.core import ratelimit
from hearth.media import selectors, services
from hearth.media.models import MAX_ATTACHMENTS, MediaAttachment
from hearth.web.views.relationships import member_account


def media_json(media: MediaAttachment) -> dict[str, object]:
    return {
        "id": str(media.pk),
        "state": media.state,
        "url": media.file.url if media.file else None,
        "preview_url": media.thumbnail.url if media.thumbnail else None,
        "width": media.width,
        "height": media.height,
        "description": media.description,
        "blurhash": media.blurhash,
        "colour": media.colour,
    }


@login_required
@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """POST /media/upload (multipart "file", optional "description"): 201 with the upload as
    JSON, or 400 with {"error": message} to show beside the picture."""
    owner = member_account(request)
    file = request.FILES.get("file")
    if file is None:
        return JsonResponse({"error": "Choose an image to upload."}, status=400)
    try:
        ratelimit.limit(request, "upload")
    except ratelimit.RateLimited as limited:
        # Shown beside the picture by media.js, like any other problem with it.
        answer = JsonResponse({"error": _too_many_uploads(limited)}, status=429)
        for header, value in limited.headers().items():
            answer[header] = value
        return answer
    try:
        media = services.media_upload(
            owner=owner, file=file, description=request.POST.get("description", "")
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(media_json(media), status=201)


def _too_many_uploads(limited: ratelimit.RateLimited) -> str:
    minutes = max(1, round(limited.retry_after / 60))
    return (
        f"You’ve uploaded a lot of images in a short time. Try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}."
    )


@dataclass
class ComposeMedia:
    """The photos a post form brought: upload ids in order, problems, and how many photos have
    no description."""

    ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    undescribed: int = 0


def compose_media(request: HttpRequest) -> ComposeMedia:
    """Read the post form's photos. With JavaScript, `media_ids` name uploads made already and
    `media_description_<id>` their alt text; without it, `media_file_<n>` are files and
    `media_alt_<n>` their alt text, uploaded here."""
    owner = member_account(request)
    result = ComposeMedia()
    for raw in request.POST.getlist("media_ids")[: MAX_ATTACHMENTS + 1]:
        try:
            media = selectors.access_media(owner, raw)
            description = request.POST.get(f"media_description_{raw}")
            if description is not None:
                media = services.media_update(media=media, owner=owner, description=description)
        except Http404:
            result.errors.append("One of the images is no longer available. Please add it again.")
            continue
        except ValidationError as error:
            result.errors.extend(error.messages)
        result.ids.append(str(media.pk))
        result.undescribed += not media.description
    for n in range(MAX_ATTACHMENTS):
        file = request.FILES.get(f"media_file_{n}")
        if file is None:
            continue
        description = request.POST.get(f"media_alt_{n}", "")
        try:
            ratelimit.limit(request, "upload")
            media = services.media_upload(owner=owner, file=file, description=description)
        except ratelimit.RateLimited as limited:
            # Next to the form, which keeps the text: a 429 page would lose the post.
            result.errors.append(f"{file.name}: {_too_many_uploads(limited)}")
            continue
        except ValidationError as error:
            result.errors.append(f"{file.name}: {' '.join(error.messages)}")
            continue
        result.ids.append(str(media.pk))
        result.undescribed += not media.description
    return result

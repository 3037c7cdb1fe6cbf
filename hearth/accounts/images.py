"""Profile pictures and header images: refuse anything unsafe, then re-encode what is left.

The order of the checks is the point. The upload's size is checked first, then Pillow reads only
the image's header (format and dimensions), and an image that is too large in pixels is refused
there, before a single pixel is decoded: a 1 MB PNG can claim 100,000 x 100,000 pixels and would
take tens of gigabytes of memory to open. Only then are the pixels decoded, which is where a
truncated or corrupt file shows itself.

What is stored is never the uploaded bytes. The pixels are turned upright by their EXIF
orientation, cropped and resized to one fixed size, and encoded anew without any metadata, so
GPS positions, camera serial numbers and anything smuggled after the image data (a ZIP appended
to a PNG, a script in a comment) are left behind. Animated images keep their first frame.

The checks are public (`open_upload`, `decode_upright`, `without_metadata`) because post photos
(hearth.media) go through exactly the same gate; only the sizes they are stored at differ. The
pixel limits are settings (HEARTH_MEDIA_MAX_PIXELS, HEARTH_MEDIA_MAX_SIDE) shared by both.
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

#: Default for HEARTH_MEDIA_MAX_PIXELS: refuse images with more pixels than this (a 40 MP photo
#: is already more than any phone takes).
MAX_PIXELS = 40_000_000
#: Default for HEARTH_MEDIA_MAX_SIDE: refuse images whose long side is longer than this.
MAX_SIDE = 8192
#: What we decode. Chosen by what the file's bytes say it is, never by its name.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp,image/gif"


@dataclass(frozen=True)
class ImageSpec:
    """The one size an image of this kind is stored at; larger or smaller ones are cropped."""

    width: int
    height: int


AVATAR = ImageSpec(width=400, height=400)
HEADER = ImageSpec(width=1500, height=500)


@dataclass(frozen=True)
class ProcessedImage:
    """Freshly encoded image bytes, ready to store under `filename`."""

    content: bytes
    filename: str
    width: int
    height: int


def max_upload_bytes() -> int:
    return int(settings.HEARTH_MAX_UPLOAD_MB) * 1024 * 1024


def max_pixels() -> int:
    return int(getattr(settings, "HEARTH_MEDIA_MAX_PIXELS", MAX_PIXELS))


def max_side() -> int:
    return int(getattr(settings, "HEARTH_MEDIA_MAX_SIDE", MAX_SIDE))


def process_image(upload: UploadedFile, *, spec: ImageSpec) -> ProcessedImage:
    """Validate an uploaded image and return it re-encoded at `spec`'s size.

    Raises ValidationError with a message meant for the person who uploaded it.
    """
    with open_upload(upload) as image:
        picture = decode_upright(image)
    return _encode(_fit(picture, spec))


def open_upload(upload: UploadedFile) -> Image.Image:
    """Check an upload's size, then read its header and check its dimensions; no pixels are
    decoded yet. The caller closes the image (use it as a context manager).

    Raises ValidationError with a message meant for the person who uploaded it.
    """
    _check_size(upload)
    upload.seek(0)
    image = _open(upload)
    try:
        _check_dimensions(image)
    except ValidationError:
        image.close()
        raise
    return image


def decode_upright(image: Image.Image) -> Image.Image:
    """Decode the first frame's pixels, turned upright by EXIF, as RGB or RGBA.

    Raises ValidationError when the file is truncated or corrupt.
    """
    return _decode(image)


def without_metadata(picture: Image.Image) -> Image.Image:
    """Forget what the upload said about itself (EXIF, ICC, XMP, comments) before encoding.

    Pillow copies `info` along through convert/crop/resize and some encoders read it (PNG
    writes an ICC profile found there), so it must be emptied, not just left out of save().
    """
    picture.info = {}
    return picture


def _check_size(upload: UploadedFile) -> None:
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The file is empty. Please choose an image.", code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            "The file is %(size).1f MB; images can be at most %(limit)d MB.",
            code="file_too_large",
            params={"size": size / 1024 / 1024, "limit": settings.HEARTH_MAX_UPLOAD_MB},
        )


def _open(upload: UploadedFile) -> Image.Image:
    """Read the header only: format and dimensions, no pixels."""
    try:
        # Pillow warns about, and above twice its own limit refuses, huge images at open time.
        # Both mean "too big" here; our own, lower limits are checked right after.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=sorted(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        upload.seek(0)
        if _looks_like_heif(upload.read(16)):
            raise ValidationError(
                "HEIC/HEIF photos can’t be read here yet. Please export the photo as JPEG "
                "(on an iPhone: Settings → Camera → Formats → Most Compatible) and try again.",
                code="heic",
            ) from None
        raise ValidationError(
            "This file isn’t an image we can read. Please upload a JPEG, PNG, WebP or GIF.",
            code="not_an_image",
        ) from None
    return image


def _looks_like_heif(head: bytes) -> bool:
    # ISO base media file: a box size, then "ftyp" and a HEIF brand. Pillow can't decode these
    # without the pillow-heif plugin, which Hearth doesn't ship; say so instead of "not an image".
    return head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim"}


def _check_dimensions(image: Image.Image) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise ValidationError("This image has no pixels.", code="no_pixels")
    if width * height > max_pixels() or max(width, height) > max_side():
        raise _too_many_pixels(width, height)


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    size = f" ({width} × {height} pixels)" if width and height else ""
    return ValidationError(
        "This image is too large%(size)s. Images can be at most %(side)d pixels on their "
        "longest side and %(megapixels)d megapixels in total.",
        code="too_many_pixels",
        params={"size": size, "side": max_side(), "megapixels": max_pixels() // 1_000_000},
    )


def _decode(image: Image.Image) -> Image.Image:
    """Decode the first frame's pixels, upright, as RGB or RGBA."""
    try:
        image.load()
        upright = ImageOps.exif_transpose(image) or image
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        return upright.convert("RGBA" if has_alpha else "RGB")
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ValidationError(
            "This image is damaged or incomplete and can’t be read. "
            "Please try exporting it again, or choose another picture.",
            code="broken_image",
        ) from None


def _fit(picture: Image.Image, spec: ImageSpec) -> Image.Image:
    """Crop to the spec's aspect ratio around the centre and resize to exactly its size."""
    return ImageOps.fit(picture, (spec.width, spec.height), method=Image.Resampling.LANCZOS)


def _encode(picture: Image.Image) -> ProcessedImage:
    # Transparent images stay PNG; everything else is a JPEG. Nothing from the upload's `info`
    # (EXIF, ICC, XMP, comments) is passed on, so no metadata survives.
    without_metadata(picture)
    out = io.BytesIO()
    if picture.mode == "RGBA":
        picture.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        picture.save(out, format="JPEG", quality=86, optimize=True, progressive=True)
        extension = "jpg"
    return ProcessedImage(
        content=out.getvalue(),
        filename=f"{secrets.token_hex(8)}.{extension}",
        width=picture.width,
        height=picture.height,
    )

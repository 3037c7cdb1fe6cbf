"""Turning an uploaded photo into what is served: pure functions, no database, no storage.

The gate is hearth.accounts.images (the same checks as avatars): the size, then the header
(format by content, dimensions against HEARTH_MEDIA_MAX_PIXELS / HEARTH_MEDIA_MAX_SIDE, before a
pixel is decoded), then the pixels (where truncated files show). What comes out is always
encoded anew from the upright pixels with no metadata at all, so GPS positions, camera serial
numbers and anything riding along in the file (a ZIP after a PNG, a script in a comment) never
reach a reader. Animated GIFs keep their first frame.

Outputs are WebP: about a third smaller than JPEG at the same look, keeps transparency, and
every browser Hearth supports shows it.
"""

import base64
import io
from dataclasses import dataclass
from typing import IO, cast

import blurhash
from blurhash._functions import ffi as _blurhash_ffi
from blurhash._functions import lib as _blurhash_lib
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from hearth.accounts.images import decode_upright, open_upload, without_metadata

#: Long side of the display size, in pixels.
DISPLAY_SIDE = 1600
#: Long side of the thumbnail (timelines, the media grid), in pixels.
THUMBNAIL_SIDE = 400
DISPLAY_QUALITY = 82
THUMBNAIL_QUALITY = 75
#: Size of the placeholder decoded from the blurhash; the browser stretches it (it is a blur).
PLACEHOLDER_SIDE = 16


@dataclass(frozen=True)
class Rendition:
    content: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedPhoto:
    display: Rendition
    thumbnail: Rendition
    blurhash: str
    #: "#rrggbb"
    colour: str
    #: data:image/png;base64,... decoded from the blurhash.
    placeholder: str


def check_upload(upload: UploadedFile) -> None:
    """The cheap checks, done while the person waits: size, type by content, dimensions.

    Raises ValidationError with a message for them. Decoding is left to process_photo.
    """
    with open_upload(upload):
        pass


def process_photo(source: IO[bytes], *, name: str = "upload") -> ProcessedPhoto:
    """Check, decode and re-encode an uploaded photo. Raises ValidationError (for the uploader)
    when it is empty, too big, not an image, or damaged."""
    upload = _as_upload(source, name)
    with open_upload(upload) as image:
        picture = decode_upright(image)
    without_metadata(picture)
    small = _shrunk(picture, THUMBNAIL_SIDE)
    hash_ = _blurhash(small)
    return ProcessedPhoto(
        display=_encode(_shrunk(picture, DISPLAY_SIDE), DISPLAY_QUALITY),
        thumbnail=_encode(small, THUMBNAIL_QUALITY),
        blurhash=hash_,
        colour=_dominant_colour(small),
        placeholder=_placeholder(hash_, small.width, small.height),
    )


def _as_upload(source: IO[bytes], name: str) -> UploadedFile:
    if isinstance(source, UploadedFile):
        return source
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    return UploadedFile(file=source, name=name, size=size)


def _shrunk(picture: Image.Image, side: int) -> Image.Image:
    """A copy at most `side` pixels on its long side (never enlarged)."""
    copy = picture.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return without_metadata(copy)


def _encode(picture: Image.Image, quality: int) -> Rendition:
    out = io.BytesIO()
    # method=4 is Pillow's default speed/size balance; 6 is ~3x slower for ~3% smaller files.
    picture.save(out, format="WEBP", quality=quality, method=4)
    return Rendition(content=out.getvalue(), width=picture.width, height=picture.height)


def _blurhash(picture: Image.Image) -> str:
    # 4 x 3 components (Mastodon's choice), computed on a small copy: the cost grows with the
    # pixel count and the result can't tell the difference.
    tiny = picture.convert("RGB")
    tiny.thumbnail((64, 64))
    components_x, components_y = (4, 3) if tiny.width >= tiny.height else (3, 4)
    return _blurhash_encode(tiny, components_x, components_y)


def _blurhash_encode(rgb: Image.Image, components_x: int, components_y: int) -> str:
    """blurhash.encode without its Image.getdata (deprecated, gone in Pillow 14): the same C
    encoder of blurhash-python (pinned), fed the pixels as `tobytes()` gives them, R, G, B per
    pixel row by row, which is what encode assembles from getdata's three bands. Same hashes
    (test_processing pins them)."""
    pixels = _blurhash_ffi.from_buffer("uint8_t[]", rgb.tobytes())
    # The longest hash (9 x 9 components) and its terminating NUL, as blurhash.encode allots.
    destination = _blurhash_ffi.new("char[]", 2 + 4 + (9 * 9 - 1) * 2 + 1)
    result = _blurhash_lib.create_hash_from_pixels(
        components_x, components_y, rgb.width, rgb.height, pixels, rgb.width * 3, destination
    )
    if result == _blurhash_ffi.NULL:
        raise ValueError(f"Invalid blurhash components: {components_x} x {components_y}")
    return str(_blurhash_ffi.string(result).decode("ascii"))


def _dominant_colour(picture: Image.Image) -> str:
    """The most common of five representative colours (a median-cut palette of a small copy):
    closer to "what colour is this photo" than the average, which turns everything brown."""
    tiny = picture.convert("RGB")
    tiny.thumbnail((64, 64))
    palette_image = tiny.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    counts = palette_image.getcolors() or [(1, 0)]
    _, index = max(counts)
    palette: list[int] = list(palette_image.getpalette() or [0, 0, 0])
    start = cast(int, index) * 3  # a palette image's colours are palette indexes
    red, green, blue = palette[start : start + 3]
    return f"#{red:02x}{green:02x}{blue:02x}"


def _placeholder(hash_: str, width: int, height: int) -> str:
    scale = PLACEHOLDER_SIDE / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = blurhash.decode(hash_, size[0], size[1])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")

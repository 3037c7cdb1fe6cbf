"""Image files made on the spot for upload tests: real ones, hostile ones and broken ones."""

import io
import os
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

RED = (220, 30, 30)
BLUE = (30, 30, 220)


def encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def png(width: int = 600, height: int = 600, color: tuple[int, ...] = RED, mode="RGB") -> bytes:
    return encode(Image.new(mode, (width, height), color))


def noise_png(width: int, height: int) -> bytes:
    """Random pixels: PNG can't compress them, so the file is about width * height * 3 bytes."""
    return encode(Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)))


def upload(content: bytes, name: str = "picture.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def sideways_photo_with_gps() -> bytes:
    """A JPEG stored 100 wide x 300 tall, top half red and bottom half blue, whose EXIF says
    "rotate 90° clockwise to show" (orientation 6): shown upright it is 300 x 100, blue on the
    left and red on the right. It also carries a GPS position and camera details."""
    image = Image.new("RGB", (100, 300), BLUE)
    image.paste(RED, (0, 0, 100, 150))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Hearth Test Camera"
    exif[ExifTags.Base.BodySerialNumber] = "SN-0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    return encode(image, "JPEG", exif=exif, quality=95, comment=b"secret comment")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A 100-byte PNG that claims 10 gigapixels: decoding it would need tens of gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    # A few rows' worth of zeros; enough to look real, far too few for the claimed size.
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + _png_chunk(b"IEND", b"")
    )


def truncated_png() -> bytes:
    whole = noise_png(300, 300)
    return whole[: len(whole) // 2]


def png_with_trailing_zip() -> bytes:
    """A valid PNG with a ZIP archive glued on its end (a "polyglot" file)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert('hi')</script>")
    return png(500, 500) + archive.getvalue()


def transparent_png() -> bytes:
    image = Image.new("RGBA", (500, 500), (0, 0, 0, 0))
    image.paste((30, 200, 30, 255), (100, 100, 400, 400))
    return encode(image)


def animated_gif() -> bytes:
    frames = [Image.new("P", (300, 300), i) for i in range(5)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)

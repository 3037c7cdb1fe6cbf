import io
import warnings

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from hearth.accounts.tests import imagefiles as f
from hearth.media.processing import DISPLAY_SIDE, THUMBNAIL_SIDE, _blurhash, process_photo
from hearth.media.tests.conftest import jpeg


def refused(content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        process_photo(io.BytesIO(content))
    return " ".join(caught.value.messages)


def test_a_big_photo_gets_a_display_size_and_a_thumbnail_in_webp():
    # Given a 3000 x 2000 photo; when it is processed
    photo = process_photo(io.BytesIO(jpeg(3000, 2000)))
    # Then both renditions are WebP, shrunk on the long side, aspect kept
    display = Image.open(io.BytesIO(photo.display.content))
    thumb = Image.open(io.BytesIO(photo.thumbnail.content))
    assert display.format == thumb.format == "WEBP"
    assert display.size == (DISPLAY_SIDE, 1067) == (photo.display.width, photo.display.height)
    assert thumb.size == (THUMBNAIL_SIDE, 267)
    assert photo.blurhash
    assert photo.colour.startswith("#")
    assert photo.placeholder.startswith("data:image/png;base64,")


def test_a_small_photo_is_not_enlarged():
    photo = process_photo(io.BytesIO(jpeg(300, 200)))
    assert (photo.display.width, photo.display.height) == (300, 200)


def test_dominant_colour_is_the_most_common_one():
    image = Image.new("RGB", (100, 100), (200, 20, 20))
    image.paste((20, 20, 200), (0, 0, 100, 20))  # a fifth of it blue
    photo = process_photo(io.BytesIO(f.encode(image)))
    red, green, blue = (int(photo.colour[i : i + 2], 16) for i in (1, 3, 5))
    assert red > 150 > blue


def test_exif_orientation_is_honoured_and_gps_is_gone():
    # Given a sideways JPEG with GPS and camera details
    photo = process_photo(io.BytesIO(f.sideways_photo_with_gps()))
    # Then it is upright (300 x 100, blue left, red right) with no metadata left
    for rendition in (photo.display, photo.thumbnail):
        picture = Image.open(io.BytesIO(rendition.content))
        assert picture.size == (300, 100)
        assert not picture.getexif()
        assert not picture.getexif().get_ifd(0x8825)
        assert "exif" not in picture.info
        assert "icc_profile" not in picture.info
        assert b"Hearth Test Camera" not in rendition.content
        left, right = (
            picture.convert("RGB").getpixel((40, 50)),
            picture.convert("RGB").getpixel((260, 50)),
        )
        assert left[2] > 150 > left[0]
        assert right[0] > 150 > right[2]


def test_a_png_with_a_zip_behind_it_is_re_encoded_without_the_zip():
    photo = process_photo(io.BytesIO(f.png_with_trailing_zip()))
    for rendition in (photo.display, photo.thumbnail):
        assert b"PK\x03\x04" not in rendition.content
        assert Image.open(io.BytesIO(rendition.content)).format == "WEBP"


def test_an_animated_gif_keeps_its_first_frame():
    photo = process_photo(io.BytesIO(f.animated_gif()))
    assert Image.open(io.BytesIO(photo.display.content)).n_frames == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"just some words, not a picture\n" * 10, "isn’t an image"),
        (f.truncated_png(), "damaged or incomplete"),
        (f.bomb_png(), "too large"),
        (f.bomb_png(20_000, 20_000), "too large"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "HEIC"),
    ],
    ids=["empty", "text", "truncated", "bomb", "20000x20000", "heic"],
)
def test_hostile_and_broken_files_are_refused_with_a_clear_message(content, says):
    assert says in refused(content)


def pattern(width: int, height: int) -> Image.Image:
    """A fixed picture with colour changing across it both ways."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = red.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    return Image.merge("RGB", (red, green, blue))


@pytest.mark.parametrize(
    ("picture", "expected"),
    [
        # The hashes blurhash.encode gave before it was bypassed (it calls Image.getdata,
        # deprecated and gone in Pillow 14): stored hashes and new ones must keep agreeing.
        (pattern(120, 80), "L$HV3ij*g#k72sa{fka|y7j@fjj@"),  # landscape: 4 x 3 components
        (pattern(80, 120), "T$HV3ioUgz2Ya{fk%aj@fjSzfPfk"),  # portrait: 3 x 4
        (pattern(37, 23), "L#HV3ioUgzou2sa_fkbGy7j@fjj@"),  # odd sizes: no row padding
        (pattern(120, 80).convert("RGBA"), "L$HV3ij*g#k72sa{fka|y7j@fjj@"),
    ],
)
def test_the_blurhash_is_the_one_blurhash_python_computed(picture, expected):
    assert _blurhash(picture) == expected


def test_processing_uses_no_deprecated_pillow_call():
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        photo = process_photo(io.BytesIO(f.encode(pattern(300, 200))))
    assert len(photo.blurhash) == 28  # 4 x 3 components
    assert photo.placeholder.startswith("data:image/png;base64,")

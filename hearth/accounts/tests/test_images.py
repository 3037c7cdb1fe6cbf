import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from hearth.accounts import images
from hearth.accounts.images import AVATAR, HEADER, process_image
from hearth.accounts.tests import imagefiles as f


def open_result(result: images.ProcessedImage) -> Image.Image:
    return Image.open(io.BytesIO(result.content))


def rejection(content: bytes, name: str = "picture.png", spec=AVATAR) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        process_image(f.upload(content, name), spec=spec)
    return caught.value


def test_avatar_is_cropped_to_a_400_pixel_square_jpeg():
    # Given a wide photo
    upload = f.upload(f.png(1200, 600), "wide.png")
    # When it is processed as an avatar
    result = process_image(upload, spec=AVATAR)
    # Then it is a 400 x 400 JPEG under a fresh name, not the uploaded one
    picture = open_result(result)
    assert picture.format == "JPEG"
    assert picture.size == (400, 400) == (result.width, result.height)
    assert result.filename.endswith(".jpg")
    assert "wide" not in result.filename


def test_header_is_cropped_to_1500_by_500():
    result = process_image(f.upload(f.png(800, 800)), spec=HEADER)
    assert open_result(result).size == (1500, 500)


def test_exif_orientation_is_applied_and_all_metadata_is_stripped():
    # Given a sideways JPEG with orientation, GPS, camera details and a comment
    original = Image.open(io.BytesIO(f.sideways_photo_with_gps()))
    assert original.getexif().get_ifd(0x8825), "the test photo must carry GPS to begin with"

    # When it is processed as a 3:1 header
    result = process_image(f.upload(f.sideways_photo_with_gps(), "p.jpg"), spec=HEADER)

    # Then it was turned upright first: blue on the left, red on the right
    picture = open_result(result).convert("RGB")
    left, right = picture.getpixel((200, 250)), picture.getpixel((1300, 250))
    assert left[2] > 150 > left[0], left
    assert right[0] > 150 > right[2], right
    # And no EXIF (so no GPS, orientation or serial number) or comment survives
    assert not picture.getexif()
    assert "exif" not in open_result(result).info
    assert "comment" not in open_result(result).info
    assert b"Hearth Test Camera" not in result.content
    assert b"SN-0042" not in result.content


def test_transparent_png_stays_a_png_with_its_transparency():
    result = process_image(f.upload(f.transparent_png()), spec=AVATAR)
    picture = open_result(result)
    assert picture.format == "PNG"
    assert picture.mode == "RGBA"
    assert picture.getpixel((5, 5))[3] == 0
    assert picture.getpixel((200, 200))[3] == 255


def test_png_text_chunks_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Someone Private")
    content = f.encode(Image.new("RGBA", (50, 50), (1, 2, 3, 100)), pnginfo=info)
    result = process_image(f.upload(content), spec=AVATAR)
    assert b"Someone Private" not in result.content
    assert "Author" not in open_result(result).info


def test_animated_gif_keeps_its_first_frame_as_a_still_image():
    result = process_image(f.upload(f.animated_gif(), "a.gif"), spec=AVATAR)
    picture = open_result(result)
    assert picture.format == "JPEG"
    assert getattr(picture, "n_frames", 1) == 1


def test_png_with_a_trailing_zip_is_accepted_but_only_its_pixels_are_kept():
    # Given a PNG with a ZIP archive appended (we accept it: the pixels are fine, and
    # re-encoding leaves the archive behind)
    content = f.png_with_trailing_zip()
    assert b"PK\x03\x04" in content
    # When it is processed
    result = process_image(f.upload(content), spec=AVATAR)
    # Then the stored bytes are a fresh JPEG without the archive
    assert open_result(result).format == "JPEG"
    assert b"PK\x03\x04" not in result.content
    assert b"payload.html" not in result.content


def test_small_image_is_enlarged_to_the_stored_size():
    result = process_image(f.upload(f.png(40, 40)), spec=AVATAR)
    assert open_result(result).size == (400, 400)


def test_fifty_megapixel_png_is_refused_before_decoding():
    # Given an 8000 x 7000 PNG of one colour (56 MP, but only a few KB on disk)
    content = f.png(8000, 7000, color=(200,), mode="L")
    assert len(content) < 200_000
    # Then it is refused for its pixel count
    error = rejection(content)
    assert error.code == "too_many_pixels"
    assert "too large (8000 × 7000 pixels)" in error.messages[0]
    assert "40 megapixels" in error.messages[0]


def test_image_longer_than_8192_pixels_on_one_side_is_refused():
    error = rejection(f.png(9000, 100))
    assert error.code == "too_many_pixels"
    assert "8192 pixels" in error.messages[0]


def test_decompression_bomb_is_refused_without_decoding():
    # A 100-byte PNG claiming 100,000 x 100,000 pixels; Pillow itself refuses this at open
    content = f.bomb_png()
    assert len(content) < 200
    error = rejection(content)
    assert error.code == "too_many_pixels"


def test_bomb_under_pillows_own_limit_is_still_refused_by_ours():
    # 9000 x 9000 = 81 MP is below Pillow's default limit (89 MP) but above ours
    error = rejection(f.bomb_png(9000, 9000))
    assert error.code == "too_many_pixels"


def test_empty_file_is_refused():
    error = rejection(b"")
    assert error.code == "empty"
    assert error.messages == ["The file is empty. Please choose an image."]


def test_text_file_named_jpg_is_refused():
    error = rejection(b"I am not a picture, whatever my name says.\n" * 10, "holiday.jpg")
    assert error.code == "not_an_image"
    assert "isn’t an image we can read" in error.messages[0]


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert rejection(svg, "logo.png").code == "not_an_image"


def test_other_image_formats_are_refused_by_content():
    # A valid BMP is an image, but not one of the formats we accept
    bmp = f.encode(Image.new("RGB", (20, 20)), "BMP")
    assert rejection(bmp, "x.png").code == "not_an_image"


def test_truncated_image_is_refused():
    error = rejection(f.truncated_png())
    assert error.code == "broken_image"
    assert "damaged or incomplete" in error.messages[0]


def test_file_over_the_upload_limit_is_refused(settings):
    # Given a 1 MB limit and a 1.2 MB image
    settings.HEARTH_MAX_UPLOAD_MB = 1
    content = f.noise_png(640, 640)
    assert len(content) > 1.1 * 1024 * 1024
    # Then it is refused by size, saying both sizes
    error = rejection(content)
    assert error.code == "file_too_large"
    assert error.messages == ["The file is 1.2 MB; images can be at most 1 MB."]

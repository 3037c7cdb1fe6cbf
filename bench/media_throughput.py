"""Photo processing throughput: images per second for a 12-megapixel JPEG.

Runs hearth.media.processing.process_photo (decode, EXIF turn, strip, 1600 px and 400 px WebP,
blurhash, dominant colour, placeholder) on one core, on a generated 4000 x 3000 photo with
enough detail to be realistic for the encoders. No database or storage involved.

    .venv/bin/python bench/media_throughput.py [--rounds 10]
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from hearth.media.processing import process_photo  # noqa: E402


def twelve_megapixel_jpeg() -> bytes:
    """4000 x 3000: a gradient with shapes and a little noise, as a camera JPEG at quality 90."""
    width, height = 4000, 3000
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (gradient, gradient.rotate(90).resize((width, height)), gradient))
    draw = ImageDraw.Draw(image)
    for n in range(60):
        x, y = (n * 397) % width, (n * 211) % height
        draw.ellipse((x, y, x + 300, y + 200), fill=((n * 40) % 256, (n * 90) % 256, 120))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    image = Image.blend(image, noise, 0.15).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    rounds = parser.parse_args().rounds
    data = twelve_megapixel_jpeg()
    process_photo(io.BytesIO(data))  # warm up
    started = time.perf_counter()
    for _ in range(rounds):
        process_photo(io.BytesIO(data))
    elapsed = time.perf_counter() - started
    print(  # noqa: T201
        f"12 MP JPEG ({len(data) / 1e6:.1f} MB): {rounds / elapsed:.2f} images/s "
        f"({elapsed / rounds * 1000:.0f} ms each, one core, {rounds} rounds)"
    )


if __name__ == "__main__":
    main()

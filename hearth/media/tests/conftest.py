import io

import pytest
from PIL import Image

from hearth.accounts.tests import imagefiles as f
from hearth.media import services
from hearth.testing.fixtures import make_user


def jpeg(width=800, height=600, color=(40, 120, 200)) -> bytes:
    return f.encode(Image.new("RGB", (width, height), color), "JPEG", quality=90)


def upload(owner, content: bytes | None = None, name="photo.jpg", description=""):
    return services.media_upload(
        owner=owner,
        file=f.upload(content if content is not None else jpeg(), name, "image/jpeg"),
        description=description,
    )


def read_back(field) -> Image.Image:
    with field.open("rb") as handle:
        data = handle.read()
    return Image.open(io.BytesIO(data))


@pytest.fixture
def ana(db):
    return make_user("ana").account


@pytest.fixture
def bruno(db):
    return make_user("bruno").account

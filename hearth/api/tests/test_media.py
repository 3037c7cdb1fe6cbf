"""/api/v2/media and /api/v1/media: uploads through the same services as the web, checked
against Mastodon's MediaAttachment schema, with real images made here by Pillow."""

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from config.celery import app as celery_app
from hearth.accounts.models import User
from hearth.accounts.tests import imagefiles as f
from hearth.api.oauth.services import RegisteredApp
from hearth.api.schemas.common import Context
from hearth.api.schemas.status import status_out
from hearth.api.tests.conftest import bearer
from hearth.media.models import MediaAttachment, MediaState
from hearth.media.tasks import media_process_task
from hearth.posts.selectors import hydrate
from hearth.posts.services import post_create
from hearth.testing.s3 import Bucket

pytestmark = pytest.mark.django_db


def jpeg(width: int = 1200, height: int = 800) -> bytes:
    return f.encode(Image.new("RGB", (width, height), (40, 120, 200)), "JPEG", quality=90)


def photo(content: bytes | None = None, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg() if content is None else content, "image/jpeg")


def post_media(
    client: Client, headers: dict[str, str], path: str = "/api/v2/media", **fields: Any
) -> Any:
    return client.post(path, {"file": photo(), **fields}, headers=headers)


def error_fields(response: Any) -> set[str]:
    return set(response.json()["details"])


# --- Uploading ---------------------------------------------------------------------------------


def test_v2_upload_is_processed_inline_and_answers_200(
    client: Client, user: User, ana: dict[str, str], check: Any
) -> None:
    # When ana uploads a 1200x800 JPEG with alt text and a focal point (multipart, as apps do)
    response = post_media(client, ana, description="A blue wall", focus="-0.5,0.25")
    # Then it was processed in the request (no broker): 200 with its URLs
    assert response.status_code == 200, response.content
    data = response.json()
    check("MediaAttachment", data)
    assert data["type"] == "image"
    assert data["url"].startswith("http://testserver/media/")
    assert data["url"].endswith(".webp")
    assert data["preview_url"].startswith("http://testserver/media/")
    assert data["remote_url"] is None
    assert data["description"] == "A blue wall"
    assert data["blurhash"]
    assert data["meta"]["original"] == {
        "width": 1200,
        "height": 800,
        "size": "1200x800",
        "aspect": 1.5,
    }
    assert data["meta"]["small"]["width"] == 400
    assert data["meta"]["focus"] == {"x": -0.5, "y": 0.25}
    # And the row is ana's, ready, and the URL serves the re-encoded picture
    media = MediaAttachment.objects.get(pk=int(data["id"]))
    assert media.owner_id == user.account.pk
    assert media.state == MediaState.READY
    with default_storage.open(media.file.name) as stored:
        assert Image.open(io.BytesIO(stored.read())).format == "WEBP"


def test_v1_upload_waits_and_answers_200(client: Client, ana: dict[str, str], check: Any) -> None:
    png = f.png(300, 200)
    response = client.post(
        "/api/v1/media/", {"file": photo(png, "picture.png")}, headers=ana
    )  # a trailing slash, as Mastodon.py sends it
    assert response.status_code == 200, response.content
    check("MediaAttachment", response.json())
    assert response.json()["url"]
    assert response.json()["description"] is None
    assert response.json()["meta"]["focus"] == {"x": 0.0, "y": 0.0}


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text, honestly\n", "photo.jpg"),
        (b"", "photo.jpg"),
        (f.truncated_png(), "photo.png"),
        (f.bomb_png(), "photo.png"),
    ],
    ids=["text-named-jpg", "empty", "truncated", "bomb"],
)
@pytest.mark.parametrize("path", ["/api/v2/media", "/api/v1/media"])
def test_bad_files_are_422_naming_file(
    client: Client, ana: dict[str, str], check: Any, content: bytes, name: str, path: str
) -> None:
    response = client.post(path, {"file": photo(content, name)}, headers=ana)
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert error_fields(response) == {"file"}
    assert not MediaAttachment.objects.exists()


def test_a_missing_file_is_422_naming_file(client: Client, ana: dict[str, str], check: Any) -> None:
    for body in ({"description": "no file"}, {"file": "not a file, a text field"}):
        response = client.post("/api/v2/media", body, headers=ana)
        assert response.status_code == 422
        check("ValidationError", response.json())
        assert error_fields(response) == {"file"}
    json_body = client.post(
        "/api/v2/media", {"description": "x"}, content_type="application/json", headers=ana
    )
    assert json_body.status_code == 422
    assert error_fields(json_body) == {"file"}


@override_settings(HEARTH_MAX_UPLOAD_MB=1)
def test_a_file_over_the_size_setting_is_422(
    client: Client, ana: dict[str, str], check: Any
) -> None:
    big = f.noise_png(700, 700)  # about 1.4 MB of incompressible pixels
    assert len(big) > 1024 * 1024
    response = client.post("/api/v2/media", {"file": photo(big, "big.png")}, headers=ana)
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert error_fields(response) == {"file"}
    assert "at most 1 MB" in response.json()["error"]


@pytest.mark.parametrize(
    ("fields", "blamed"),
    [
        ({"focus": "left"}, "focus"),
        ({"focus": "2,0"}, "focus"),
        ({"description": "x" * 1501}, "description"),
    ],
)
def test_bad_details_are_422_naming_them(
    client: Client, ana: dict[str, str], check: Any, fields: dict[str, str], blamed: str
) -> None:
    response = post_media(client, ana, **fields)
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert error_fields(response) == {blamed}
    assert not MediaAttachment.objects.exists()


# --- Reading, describing, deleting -------------------------------------------------------------


def test_get_put_delete_round_trip(
    client: Client, ana: dict[str, str], check: Any, django_capture_on_commit_callbacks: Any
) -> None:
    media_id = post_media(client, ana).json()["id"]
    # GET: ready, 200
    got = client.get(f"/api/v1/media/{media_id}", headers=ana)
    assert got.status_code == 200
    check("MediaAttachment", got.json())
    assert got.json()["id"] == media_id
    # PUT as a form (Mastodon.py) and as JSON (web clients)
    put = client.put(
        f"/api/v1/media/{media_id}",
        "description=Two+cats&focus=0.1%2C-0.9",
        content_type="application/x-www-form-urlencoded",
        headers=ana,
    )
    assert put.status_code == 200, put.content
    check("MediaAttachment", put.json())
    assert put.json()["description"] == "Two cats"
    assert put.json()["meta"]["focus"] == {"x": 0.1, "y": -0.9}
    again = client.put(
        f"/api/v1/media/{media_id}",
        {"description": "Two cats asleep"},
        content_type="application/json",
        headers=ana,
    )
    assert again.json()["description"] == "Two cats asleep"
    assert again.json()["meta"]["focus"] == {"x": 0.1, "y": -0.9}  # left as it was
    media = MediaAttachment.objects.get(pk=int(media_id))
    assert (media.description, media.focus_x, media.focus_y) == ("Two cats asleep", 0.1, -0.9)
    # A bad focal point is 422 naming it, and changes nothing
    bad = client.put(
        f"/api/v1/media/{media_id}", {"focus": "9,9"}, content_type="application/json", headers=ana
    )
    assert bad.status_code == 422
    check("ValidationError", bad.json())
    assert error_fields(bad) == {"focus"}
    # DELETE: {} and the row and its files are gone
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"/api/v1/media/{media_id}", headers=ana)
    assert deleted.status_code == 200
    assert deleted.json() == {}
    assert not MediaAttachment.objects.exists()
    assert not default_storage.exists(media.file.name)
    assert not default_storage.exists(media.thumbnail.name)
    gone = client.get(f"/api/v1/media/{media_id}", headers=ana)
    assert gone.status_code == 404
    check("Error", gone.json())


def test_other_peoples_media_is_404(
    client: Client, ana: dict[str, str], bruno: dict[str, str], check: Any
) -> None:
    media_id = post_media(client, ana).json()["id"]
    for response in (
        client.get(f"/api/v1/media/{media_id}", headers=bruno),
        client.put(
            f"/api/v1/media/{media_id}",
            {"description": "mine now"},
            content_type="application/json",
            headers=bruno,
        ),
        client.delete(f"/api/v1/media/{media_id}", headers=bruno),
        client.get("/api/v1/media/not-a-number", headers=ana),
        client.get("/api/v1/media/99999999999999999999999", headers=ana),
    ):
        assert response.status_code == 404
        check("Error", response.json())
    assert MediaAttachment.objects.get(pk=int(media_id)).description == ""


def test_media_on_a_post_cannot_be_deleted_or_fetched(
    client: Client, user: User, ana: dict[str, str], check: Any
) -> None:
    media_id = post_media(client, ana).json()["id"]
    post_create(author=user.account, text="", visibility="public", media_ids=[media_id])
    refused = client.delete(f"/api/v1/media/{media_id}", headers=ana)
    assert refused.status_code == 422
    check("ValidationError", refused.json())
    assert MediaAttachment.objects.filter(pk=int(media_id)).exists()
    # As on Mastodon, GET and PUT reach only uploads not yet posted
    assert client.get(f"/api/v1/media/{media_id}", headers=ana).status_code == 404


# --- Auth --------------------------------------------------------------------------------------


def test_write_media_scope_is_required(
    client: Client, user: User, registered_app: RegisteredApp, check: Any
) -> None:
    granular = bearer(user, registered_app, scope="write:media")
    assert post_media(client, granular).status_code == 200
    read_only = bearer(user, registered_app, scope="read write:statuses")
    for response in (
        post_media(client, read_only),
        post_media(client, read_only, path="/api/v1/media"),
    ):
        assert response.status_code == 403
        check("Error", response.json())
    media_id = MediaAttachment.objects.get().pk
    assert client.get(f"/api/v1/media/{media_id}", headers=read_only).status_code == 403
    assert client.delete(f"/api/v1/media/{media_id}", headers=read_only).status_code == 403
    anonymous = client.post("/api/v2/media", {"file": photo()})
    assert anonymous.status_code == 401
    check("Error", anonymous.json())
    assert MediaAttachment.objects.count() == 1


# --- With a real queue: 202, then 206, then 200 -------------------------------------------------


@pytest.fixture
def queued() -> Iterator[None]:
    """Celery with a broker (kombu's in-memory transport) and no worker running yet: uploads
    wait in the "media" queue, as they do in production between upload and a worker's turn."""
    conf = celery_app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.update(task_always_eager=False, broker_url="memory://")
    try:
        yield
    finally:
        conf.update(saved)


@pytest.mark.usefixtures("queued")
def test_v2_answers_202_until_a_worker_processed_it(
    client: Client, ana: dict[str, str], check: Any
) -> None:
    # When ana uploads while the worker is busy elsewhere
    response = post_media(client, ana, description="Queued")
    # Then it is accepted with no URL yet
    assert response.status_code == 202, response.content
    check("MediaAttachment", response.json())
    assert response.json()["url"] is None
    assert response.json()["meta"]["original"] is None
    media_id = response.json()["id"]
    # And polling it says "not yet" (206, still a MediaAttachment), and it can be described
    waiting = client.get(f"/api/v1/media/{media_id}", headers=ana)
    assert waiting.status_code == 206
    check("MediaAttachment", waiting.json())
    assert waiting.json()["url"] is None
    described = client.put(
        f"/api/v1/media/{media_id}",
        {"description": "Queued, then described"},
        content_type="application/json",
        headers=ana,
    )
    assert described.status_code == 206
    # When the worker runs the queued task
    media_process_task(int(media_id))
    # Then the next poll has the URL
    done = client.get(f"/api/v1/media/{media_id}", headers=ana)
    assert done.status_code == 200
    check("MediaAttachment", done.json())
    assert done.json()["url"]
    assert done.json()["description"] == "Queued, then described"


@pytest.mark.usefixtures("queued")
def test_a_photo_failing_on_the_worker_is_422_when_polled(
    client: Client, ana: dict[str, str], check: Any
) -> None:
    # A truncated PNG passes the quick checks (its header is fine) and fails on decoding
    response = client.post(
        "/api/v2/media", {"file": photo(f.truncated_png(), "cut.png")}, headers=ana
    )
    assert response.status_code == 202
    media_process_task(int(response.json()["id"]))
    polled = client.get(f"/api/v1/media/{response.json()['id']}", headers=ana)
    assert polled.status_code == 422
    check("Error", polled.json())
    assert "damaged" in polled.json()["error"]


@pytest.mark.usefixtures("queued")
def test_v1_processes_in_the_request_when_no_worker_took_it(
    client: Client, ana: dict[str, str], check: Any
) -> None:
    response = post_media(client, ana, path="/api/v1/media")
    assert response.status_code == 200
    check("MediaAttachment", response.json())
    assert response.json()["url"]
    # The queued task, when a worker gets to it, finds the work done and changes nothing
    media = MediaAttachment.objects.get()
    media_process_task(media.pk)
    media.refresh_from_db()
    assert media.state == MediaState.READY
    assert media.file.name in response.json()["url"]


# --- On statuses --------------------------------------------------------------------------------


def test_a_status_lists_its_media_attachments_in_order(
    client: Client, user: User, ana: dict[str, str], check: Any
) -> None:
    # Given two uploads, posted in the reverse order of uploading
    first = post_media(client, ana, description="First").json()
    second = post_media(client, ana, description="Second").json()
    post = post_create(
        author=user.account,
        text="Two pictures",
        visibility="public",
        media_ids=[second["id"], first["id"]],
    )
    # When the status is built for a reader
    [view] = hydrate(None, [post])
    data = status_out(view, Context(base_url="http://testserver")).model_dump()
    # Then it carries both attachments, in the order given, exactly as the upload returned them
    check("Status", data)
    assert [media["id"] for media in data["media_attachments"]] == [second["id"], first["id"]]
    assert data["media_attachments"][0] == second
    assert data["media_attachments"][1]["description"] == "First"


def test_posting_a_status_with_media_ids_through_the_api(
    client: Client, ana: dict[str, str], bruno: dict[str, str], check: Any
) -> None:
    # Given two uploads through the API
    first = post_media(client, ana, description="First").json()
    second = post_media(client, ana, description="Second").json()
    # When ana posts them with no text, as a form with Rails keys (Mastodon.py, toot)
    posted = client.post(
        "/api/v1/statuses",
        {"status": "", "media_ids[]": [first["id"], second["id"]], "visibility": "public"},
        headers=ana,
    )
    assert posted.status_code == 200, posted.content
    check("Status", posted.json())
    assert posted.json()["media_attachments"] == [first, second]
    # Then anyone reading the status sees the same attachments
    read = client.get(f"/api/v1/statuses/{posted.json()['id']}", headers=bruno)
    check("Status", read.json())
    assert [media["id"] for media in read.json()["media_attachments"]] == [
        first["id"],
        second["id"],
    ]
    # And the uploads are now the post's: no longer open to GET, PUT or DELETE by id
    assert client.get(f"/api/v1/media/{first['id']}", headers=ana).status_code == 404
    # And someone else can't post ana's uploads
    stolen = client.post(
        "/api/v1/statuses", {"status": "mine", "media_ids[]": [first["id"]]}, headers=bruno
    )
    assert stolen.status_code == 422
    check("ValidationError", stolen.json())
    assert "media_ids" in stolen.json()["details"]


# --- On S3 (moto's server) -------------------------------------------------------------------


def test_on_s3_behind_a_cdn_urls_are_the_cdns_and_deleting_the_status_deletes_the_objects(
    client: Client,
    ana: dict[str, str],
    check: Any,
    s3: Callable[..., Bucket],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given MEDIA_STORAGE=s3 with HEARTH_MEDIA_URL, a CDN in front of the bucket
    bucket = s3(media_url="https://cdn.example.org/")
    # When ana uploads a photo through the API
    uploaded = post_media(client, ana, description="On S3")
    assert uploaded.status_code == 200
    data = uploaded.json()
    check("MediaAttachment", data)
    # Then its URLs are the CDN's, for objects that are in the bucket
    media = MediaAttachment.objects.get(pk=int(data["id"]))
    assert data["url"] == f"https://cdn.example.org/media/{media.file.name}"
    assert data["preview_url"] == f"https://cdn.example.org/media/{media.thumbnail.name}"
    assert bucket.objects() == sorted([f"media/{media.file.name}", f"media/{media.thumbnail.name}"])
    # When she posts it and then deletes the status
    posted = client.post("/api/v1/statuses", {"media_ids[]": [data["id"]]}, headers=ana).json()
    assert posted["media_attachments"][0]["url"] == data["url"]
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"/api/v1/statuses/{posted['id']}", headers=ana)
    assert deleted.status_code == 200
    # Then the objects are gone from the bucket
    assert bucket.objects() == []
    assert not MediaAttachment.objects.exists()


def test_uploads_past_the_limit_are_429_with_rate_headers(
    client: Client, ana: dict[str, str], rate_limits: Any
) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"upload": {"new_account": "1/h"}}
    assert post_media(client, ana).status_code == 200

    response = post_media(client, ana)

    assert response.status_code == 429
    assert response["X-RateLimit-Limit"] == "1"
    assert response["X-RateLimit-Remaining"] == "0"
    assert int(response["Retry-After"]) > 0
    assert MediaAttachment.objects.count() == 1

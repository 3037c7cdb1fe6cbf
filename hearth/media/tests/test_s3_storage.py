"""MEDIA_STORAGE=s3 against a real S3 server (moto's, on 127.0.0.1; the `s3` fixture in
hearth/testing/s3.py evaluates config/settings.py with an operator's S3 environment).

Uploads go through `media_upload` and the processing task exactly as on the site, and the
bucket is read back with boto3. Deleting a post's photos is covered end to end, through the API,
in hearth/api/tests/test_media.py (posts sit above media: media's tests can't make posts).
"""

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from botocore.config import Config  # type: ignore[import-untyped]  # no stubs installed
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from hearth.accounts.models import Account
from hearth.media import services
from hearth.media.models import MediaAttachment, MediaState
from hearth.media.services import private_storage
from hearth.media.tests.conftest import jpeg, upload
from hearth.testing.s3 import Bucket, free_local_url

S3 = Callable[..., Bucket]


def served(media: MediaAttachment) -> list[str]:
    """The bucket keys of a photo's two sizes."""
    return sorted([f"media/{media.file.name}", f"media/{media.thumbnail.name}"])


def test_the_configured_storages_are_s3(s3: S3) -> None:
    bucket = s3()
    for storage in (default_storage, private_storage()):
        assert storage.bucket_name == bucket.name  # type: ignore[attr-defined]
        # Names are random: no HEAD before each write (which a key without ListBucket fails)
        assert storage.file_overwrite is True  # type: ignore[attr-defined]
    assert private_storage().default_acl == "private"  # type: ignore[attr-defined]
    assert private_storage().querystring_auth is True  # type: ignore[attr-defined]


def test_a_photo_is_processed_into_the_bucket(s3: S3, ana: Account) -> None:
    bucket = s3()
    # When ana uploads a photo (processed inline, reading the original back from the bucket)
    media = upload(ana, jpeg(2400, 1200), description="A blue wall")
    # Then both sizes are in the bucket under media/, as WebP, cacheable for a year
    assert media.state == MediaState.READY
    assert bucket.objects() == served(media)
    for field, size in ((media.file, (1600, 800)), (media.thumbnail, (400, 200))):
        head = bucket.head(f"media/{field.name}")
        assert head["ContentType"] == "image/webp"
        assert head["CacheControl"] == "public, max-age=31536000, immutable"
        picture = Image.open(io.BytesIO(bucket.read(f"media/{field.name}")))
        assert (picture.format, picture.size) == ("WEBP", size)
    # And the original, kept under private/ while processing, is gone
    assert not [key for key in bucket.objects() if key.startswith("private/")]
    # And the URL points into the bucket, unsigned (the names are unguessable and public)
    endpoint = settings.AWS_S3_ENDPOINT_URL
    assert media.file.url == f"{endpoint}/{bucket.name}/media/{media.file.name}"


def test_the_original_waits_privately_until_processed(s3: S3, ana: Account) -> None:
    bucket = s3()
    # Given an original stored as media_upload stores it, before a worker's turn
    name = private_storage().save("originals/waiting", io.BytesIO(jpeg(300, 200)))
    media = MediaAttachment.objects.create(owner=ana, original=name)
    key = f"private/{name}"
    assert bucket.objects() == [key]
    # It is private: no grant to everyone, and a URL to it, if anything asked, is signed
    acl = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)
    assert not [grant for grant in acl["Grants"] if "AllUsers" in grant["Grantee"].get("URI", "")]
    assert "Signature=" in private_storage().url(name)
    # When the worker processes it
    services.media_process(media_id=media.pk)
    media.refresh_from_db()
    # Then only the served files remain
    assert media.state == MediaState.READY
    assert bucket.objects() == served(media)


def test_deleting_an_upload_deletes_its_objects(
    s3: S3, ana: Account, django_capture_on_commit_callbacks: Any
) -> None:
    bucket = s3()
    kept, dropped = upload(ana, jpeg()), upload(ana, jpeg(640, 480))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.media_delete(media_ids=[dropped.pk])
    assert bucket.objects() == served(kept)
    assert list(MediaAttachment.objects.all()) == [kept]


def test_the_orphan_purge_deletes_objects(
    s3: S3, ana: Account, django_capture_on_commit_callbacks: Any
) -> None:
    bucket = s3()
    old = upload(ana, jpeg())
    MediaAttachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    recent = upload(ana, jpeg(640, 480))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.media_purge_orphans() == 1
    assert bucket.objects() == served(recent)


def test_erasing_a_member_deletes_their_objects(
    s3: S3, ana: Account, bruno: Account, django_capture_on_commit_callbacks: Any
) -> None:
    bucket = s3()
    upload(ana, jpeg())
    theirs = upload(bruno, jpeg(640, 480))
    assert ana.user is not None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.media_erase_for_user(ana.user)
    assert bucket.objects() == served(theirs)


def test_the_cdn_base_shapes_the_public_urls(s3: S3, ana: Account) -> None:
    bucket = s3(media_url="https://cdn.example.org/")
    media = upload(ana, jpeg())
    # The files are in the bucket; their URLs are the CDN's, unsigned
    assert bucket.objects() == served(media)
    assert media.file.url == f"https://cdn.example.org/media/{media.file.name}"
    assert media.thumbnail.url == f"https://cdn.example.org/media/{media.thumbnail.name}"
    assert "?" not in media.file.url
    # An http:// base (a CDN on a private network, a dev box) keeps its scheme
    s3(media_url="http://media.internal:8080/")
    assert media.file.url == f"http://media.internal:8080/media/{media.file.name}"


def test_storage_down_after_the_commit_does_not_fail_the_deletion(
    s3: S3,
    ana: Account,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given an upload in the bucket
    bucket = s3()
    media = upload(ana, jpeg())
    # And then the object storage can't be reached (nothing listens on its port)
    unreachable = override_settings(
        STORAGES={**settings.STORAGES},  # new storage objects, built with the settings below
        AWS_S3_ENDPOINT_URL=free_local_url(),
        AWS_S3_CLIENT_CONFIG=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    # When it is deleted: the files can't be deleted after the commit
    with unreachable, django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.media_delete(media_ids=[media.pk])
    # Then the row is gone all the same, and the failure is logged, not raised (after the
    # commit an exception would turn a deletion that happened into a 500)
    assert not MediaAttachment.objects.exists()
    assert f"Could not delete media file {media.file.name}" in caplog.text
    # (the files stay in the bucket, as the log says)
    assert bucket.objects() == served(media)

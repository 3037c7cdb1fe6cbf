"""Photos on posts (hearth.media below, posts above): an upload a post took is never
discarded, even when the post is created while the upload is being deleted."""

import threading
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connections, transaction

from hearth.media import services
from hearth.media.tests.conftest import upload
from hearth.posts import services as posts_services
from hearth.posts.models import Post
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db):
    return make_user("ana").account


def test_an_upload_on_a_post_is_not_discarded_and_keeps_its_files(ana):
    media = upload(ana)
    post = posts_services.post_create(
        author=ana, text="with a photo", visibility="public", media_ids=[media.pk]
    )
    media.refresh_from_db()

    assert services.media_discard(owner=ana, media_id=media.pk) is False

    media.refresh_from_db()
    assert media.post_id == post.pk
    assert default_storage.exists(media.file.name)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_post_taking_the_photo_while_it_is_discarded_keeps_it():
    # Given ana's upload, and a post being created with it: its transaction holds the
    # photo's row (media_attachable) and has not committed yet
    ana = make_user("ana").account
    media = upload(ana)
    locked, release = threading.Event(), threading.Event()

    def create_post() -> None:
        try:
            with transaction.atomic():
                found = services.media_attachable(owner=ana, media_ids=[media.pk])
                locked.set()
                release.wait(10)
                post = Post.objects.create(author=ana, text="mine", visibility="public")
                services.media_attach(post_id=post.pk, media=found)
        finally:
            connections.close_all()

    discarded: list[bool] = []

    def discard() -> None:
        try:
            discarded.append(services.media_discard(owner=ana, media_id=media.pk))
        finally:
            connections.close_all()

    poster = threading.Thread(target=create_post)
    poster.start()
    assert locked.wait(10)
    # When the app deletes the upload (DELETE /api/v1/media/:id) meanwhile
    discarder = threading.Thread(target=discard)
    discarder.start()
    time.sleep(0.3)  # the discard is waiting for the row
    release.set()
    poster.join(10)
    discarder.join(10)

    # Then the post keeps its photo, row and file
    assert discarded == [False]
    media.refresh_from_db()
    assert media.post_id is not None
    assert default_storage.exists(media.file.name)

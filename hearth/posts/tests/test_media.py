"""Photos on posts: attaching through post_create, hydrating, deleting, purging orphans."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from hearth.media import services
from hearth.media.models import MediaAttachment, MediaState
from hearth.media.tests.conftest import upload
from hearth.posts import services as post_services
from hearth.posts.selectors import account_posts, hydrate


def test_attaching_to_a_post_and_hydrating(ana, django_assert_num_queries):
    first, second = upload(ana, description="one"), upload(ana)
    post = post_services.post_create(
        author=ana, text="", visibility="public", media_ids=[str(second.pk), first.pk]
    )
    # A photo-only post is fine, and keeps the given order
    views = hydrate(None, [post])
    assert [m.pk for m in views[0].media] == [second.pk, first.pk]
    assert list(account_posts(None, ana, with_replies=False, only_media=True)) == [post]


def test_attach_rules(ana, bruno):
    mine = [upload(ana) for _ in range(5)]
    theirs = upload(bruno)
    cases = [
        ([m.pk for m in mine], "up to 4"),
        ([theirs.pk], "no longer available"),
        (["junk"], "no longer available"),
    ]
    for ids, says in cases:
        with pytest.raises(ValidationError) as caught:
            post_services.post_create(author=ana, text="hi", visibility="public", media_ids=ids)
        assert says in " ".join(caught.value.message_dict["media_ids"])
    post_services.post_create(author=ana, text="hi", visibility="public", media_ids=[mine[0].pk])
    with pytest.raises(ValidationError, match="already on another post"):
        post_services.post_create(
            author=ana, text="again", visibility="public", media_ids=[mine[0].pk]
        )
    failed = mine[1]
    MediaAttachment.objects.filter(pk=failed.pk).update(state=MediaState.FAILED, error="Broken.")
    with pytest.raises(ValidationError, match="Broken."):
        post_services.post_create(author=ana, text="x", visibility="public", media_ids=[failed.pk])


def test_deleting_a_post_deletes_its_files(ana, django_capture_on_commit_callbacks):
    media = upload(ana)
    names = [media.file.name, media.thumbnail.name]
    post = post_services.post_create(
        author=ana, text="bye", visibility="public", media_ids=[media.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_services.post_delete(post=post, actor=ana)
    assert not MediaAttachment.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_orphans_older_than_a_day_are_purged(ana, django_capture_on_commit_callbacks):
    old, recent, attached = upload(ana), upload(ana), upload(ana)
    post_services.post_create(author=ana, text="kept", visibility="public", media_ids=[attached.pk])
    MediaAttachment.objects.filter(pk__in=[old.pk, attached.pk]).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.media_purge_orphans() == 1
    assert set(MediaAttachment.objects.values_list("pk", flat=True)) == {recent.pk, attached.pk}
    assert not default_storage.exists(old.file.name)

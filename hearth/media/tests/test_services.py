from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from hearth.accounts.tests import imagefiles as f
from hearth.media import selectors, services
from hearth.media.models import MediaAttachment, MediaState
from hearth.media.services import private_storage
from hearth.media.tests.conftest import jpeg, read_back, upload


def test_upload_processes_inline_and_deletes_the_original(ana):
    # When ana uploads a photo (no broker: processed inline)
    media = upload(ana, jpeg(2400, 1200), description="A blue wall")
    # Then it is ready, re-encoded at both sizes, measured, and the original is gone
    assert media.state == MediaState.READY
    assert (media.width, media.height) == (1600, 800)
    assert read_back(media.file).format == "WEBP"
    assert (
        read_back(media.thumbnail).size
        == (400, 200)
        == (
            media.thumbnail_width,
            media.thumbnail_height,
        )
    )
    assert media.blurhash
    assert media.colour.startswith("#")
    assert media.placeholder
    assert media.original == ""
    assert private_storage().listdir("originals")[1] == []
    # And the served names don't come from the upload's name
    assert "photo" not in media.file.name


def test_gps_does_not_leak_through_an_upload(ana):
    media = upload(ana, f.sideways_photo_with_gps())
    for field in (media.file, media.thumbnail):
        picture = read_back(field)
        assert not picture.getexif().get_ifd(0x8825)
        assert "exif" not in picture.info


@pytest.mark.parametrize(
    "content",
    [b"", b"GIF89a lies", f.truncated_png(), f.bomb_png()],
    ids=["empty", "lying", "truncated", "bomb"],
)
def test_bad_uploads_are_refused_on_file_and_leave_nothing(ana, content):
    with pytest.raises(ValidationError) as caught:
        upload(ana, content, name="photo.jpg")
    assert "file" in caught.value.message_dict
    assert not MediaAttachment.objects.exists()
    assert (
        private_storage().listdir("originals")[1] == []
        if private_storage().exists("originals")
        else True
    )


def test_upload_size_quota(ana, settings):
    settings.HEARTH_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError, match="at most 1 MB"):
        upload(ana, f.noise_png(700, 700))


def test_pixel_limits_are_settings(ana, settings):
    settings.HEARTH_MEDIA_MAX_SIDE = 1000
    with pytest.raises(ValidationError, match="1000 pixels"):
        upload(ana, jpeg(1200, 100))


def test_description_and_focus_are_checked_and_updated(ana, bruno):
    with pytest.raises(ValidationError) as caught:
        upload(ana, description="x" * 1501)
    assert "description" in caught.value.message_dict
    media = upload(ana)
    media = services.media_update(media=media, owner=ana, description="Sunset", focus="0.5,-1")
    assert (media.description, media.focus_x, media.focus_y) == ("Sunset", 0.5, -1.0)
    with pytest.raises(ValidationError):
        services.media_update(media=media, owner=ana, focus="2,0")
    with pytest.raises(ValidationError):
        services.media_update(media=media, owner=bruno, description="mine now")


def test_service_returns_the_object_the_api_reads(ana):
    media = upload(ana)
    assert selectors.access_media(ana, media.pk) == media
    assert isinstance(media, MediaAttachment)


def test_purge_command_runs_the_media_job(ana, capsys):
    from django.core.management import call_command

    old = upload(ana)
    MediaAttachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    call_command("purge")
    assert "Deleted 1 unattached upload(s)" in capsys.readouterr().out


def test_discarding_an_upload_removes_it_and_its_files(ana, django_capture_on_commit_callbacks):
    media = upload(ana)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.media_discard(owner=ana, media_id=media.pk) is True
    assert not MediaAttachment.objects.filter(pk=media.pk).exists()
    assert not default_storage.exists(media.file.name)

import io
import json
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from hearth.accounts import export as export_module
from hearth.accounts.export import (
    ExportSection,
    export_build,
    export_purge_expired,
    export_request,
    export_section_register,
)
from hearth.accounts.models import DataExport
from hearth.accounts.models.export import export_storage
from hearth.accounts.tasks import export_build_task

State = DataExport.State


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def read_archive(export: DataExport) -> zipfile.ZipFile:
    with export_storage().open(export.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def request_and_build(user, capture) -> DataExport:
    with capture(execute=True):
        export = export_request(user=user)
    export.refresh_from_db()
    return export


@pytest.fixture
def profiled_user(user, client):
    """ana with an avatar, a link, a second address, a preference and one signed-in session."""
    account = user.account
    account.avatar.save("me.png", ContentFile(png_bytes()))
    account.links = [{"name": "Blog", "url": "https://ana.example.org"}]
    account.bio = "Gardens and bicycles."
    account.save()
    EmailAddress.objects.create(user=user, email="ana@work.example", verified=False)
    user.theme = "dark"
    user.save()
    client.force_login(user)
    client.get("/")  # allauth records the session on the first signed-in request
    return user


def test_archive_holds_account_json_and_avatar_without_password(
    profiled_user, django_capture_on_commit_callbacks
):
    # Given ana with a profile, pictures and a session
    user = profiled_user

    # When she asks for her data and the background job runs
    export = request_and_build(user, django_capture_on_commit_callbacks)

    # Then the archive is ready, at 100%, under an unguessable name in her folder
    assert export.state == State.DONE
    assert export.progress == 100
    assert export.finished_at is not None
    assert export.file.name.startswith(f"exports/{user.pk}/")
    # Personal data: in the private storage, never under MEDIA_ROOT (which the web server serves)
    assert export_storage().exists(export.file.name)
    assert not default_storage.exists(export.file.name)
    assert len(export.file.name.rsplit("/", 1)[1]) > 30
    archive = read_archive(export)
    assert set(archive.namelist()) == {"account.json", "README.txt", "media/avatar.png"}
    assert (
        archive.read("media/avatar.png")
        == default_storage.open(user.account.avatar.name, "rb").read()
    )
    data = json.loads(archive.read("account.json"))
    assert data["user"]["username"] == "ana"
    assert data["user"]["email"] == "ana@example.org"
    assert data["user"]["id"] == str(user.pk)
    assert {a["email"] for a in data["email_addresses"]} == {"ana@example.org", "ana@work.example"}
    assert data["preferences"]["theme"] == "dark"
    assert data["profile"]["bio"] == "Gardens and bicycles."
    assert data["profile"]["links"] == [{"name": "Blog", "url": "https://ana.example.org"}]
    assert data["profile"]["avatar"] == "media/avatar.png"
    assert data["profile"]["header"] is None
    assert len(data["sessions"]) == 1
    # And nothing anywhere in it carries the password hash
    user.refresh_from_db()
    assert "password" not in data["user"]
    for name in archive.namelist():
        assert user.password.encode() not in archive.read(name)


def test_a_second_request_is_refused_while_one_is_pending(user):
    # Given an export waiting for its job (the transaction hasn't committed)
    first = export_request(user=user)

    # When ana asks again, then she is told it's on its way and no second row exists
    with pytest.raises(ValidationError, match="already being prepared"):
        export_request(user=user)
    assert list(DataExport.objects.filter(user=user)) == [first]


def test_one_archive_a_day_unless_the_last_failed(user, django_capture_on_commit_callbacks):
    # Given a finished export
    done = request_and_build(user, django_capture_on_commit_callbacks)

    # When ana asks again the same day, then she's refused with the time she can try again
    with pytest.raises(ValidationError, match="one archive a day"):
        export_request(user=user)

    # Given that one failed instead, then she may ask again at once
    DataExport.objects.filter(pk=done.pk).update(state=State.FAILED)
    again = request_and_build(user, django_capture_on_commit_callbacks)
    assert again.state == State.DONE

    # Given a day has passed since the last good one, then she may ask again
    DataExport.objects.filter(pk=again.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert request_and_build(user, django_capture_on_commit_callbacks).state == State.DONE


def test_a_lost_job_does_not_block_new_requests(user):
    # Given an export left pending for hours by a dead worker
    stuck = export_request(user=user)
    DataExport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=7))

    # When ana asks again, then the stuck one is marked failed and a new one starts
    fresh = export_request(user=user)
    stuck.refresh_from_db()
    assert stuck.state == State.FAILED
    assert fresh.state == State.PENDING


def test_a_failing_section_marks_the_export_failed(user, monkeypatch):
    # Given a section that breaks while building
    def broken(user, archive):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_module, "EXPORT_SECTIONS", list(export_module.EXPORT_SECTIONS))
    export_section_register(ExportSection("broken", broken))
    export = export_request(user=user)

    # When the job runs
    export_build(export_id=export.pk)

    # Then the export is failed with the reason kept for operators, and no file is left
    export.refresh_from_db()
    assert export.state == State.FAILED
    assert "disk on fire" in export.error
    assert not export.file
    assert export.finished_at is not None
    assert not export_storage().exists(f"exports/{user.pk}") or not any(
        export_storage().listdir(f"exports/{user.pk}")[1]
    )


def test_registered_sections_join_account_json(user, monkeypatch):
    # Given another app's section
    monkeypatch.setattr(export_module, "EXPORT_SECTIONS", list(export_module.EXPORT_SECTIONS))
    export_section_register(ExportSection("posts", lambda user, archive: [{"text": "hello"}]))

    # When an archive is built
    export = export_request(user=user)
    export_build(export_id=export.pk)

    # Then its data is in account.json; a second section of that name is refused
    export.refresh_from_db()
    assert json.loads(read_archive(export).read("account.json"))["posts"] == [{"text": "hello"}]
    with pytest.raises(ValueError, match="posts"):
        export_section_register(ExportSection("posts", lambda user, archive: []))


def test_building_again_leaves_a_finished_archive_alone(user):
    # Given a built export
    export = export_request(user=user)
    export_build(export_id=export.pk)
    export.refresh_from_db()
    name, finished_at = export.file.name, export.finished_at

    # When the job is delivered a second time, then nothing changes
    export_build(export_id=export.pk)
    export.refresh_from_db()
    assert (export.file.name, export.finished_at) == (name, finished_at)
    assert export_storage().exists(name)


def test_a_half_built_export_is_started_over(user):
    # Given an export whose worker died while running
    export = export_request(user=user)
    DataExport.objects.filter(pk=export.pk).update(state=State.RUNNING, progress=40)

    # When the job is redelivered, then it completes
    export_build(export_id=export.pk)
    export.refresh_from_db()
    assert (export.state, export.progress) == (State.DONE, 100)


def test_the_celery_task_builds_through_the_eager_path(user, django_capture_on_commit_callbacks):
    # Given a pending export
    export = export_request(user=user)

    # When the task is sent the way a worker would receive it (eager without a broker)
    export_build_task.delay(export.pk)

    # Then the archive is built
    export.refresh_from_db()
    assert export.state == State.DONE
    assert export_storage().exists(export.file.name)


def test_purge_deletes_archives_older_than_a_week(
    user, other_user, django_capture_on_commit_callbacks
):
    # Given an old archive of ana's and a fresh one of bruno's
    old = request_and_build(user, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = request_and_build(other_user, django_capture_on_commit_callbacks)

    # When the purge runs
    with django_capture_on_commit_callbacks(execute=True):
        purged = export_purge_expired()

    # Then only the old one is gone, row and file
    assert purged == 1
    assert not DataExport.objects.filter(pk=old.pk).exists()
    assert not export_storage().exists(old.file.name)
    assert DataExport.objects.filter(pk=fresh.pk).exists()
    assert export_storage().exists(fresh.file.name)

import io
from datetime import timedelta
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from hearth.accounts import deletion as deletion_module
from hearth.accounts.deletion import (
    account_deletion_cancel,
    account_deletion_request,
    account_erase,
    accounts_erase_due,
)
from hearth.accounts.export import export_request
from hearth.accounts.models import Account, DataExport, User
from hearth.accounts.models.export import export_storage
from hearth.accounts.tasks import accounts_erase_due_task
from hearth.testing.fixtures import PASSWORD


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 40, 200)).save(out, format="PNG")
    return out.getvalue()


def session_exists(key: str) -> bool:
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def signed_in_session(client, user) -> str:
    client.force_login(user)
    client.get("/")  # allauth records the session on the first signed-in request
    return client.session.session_key


def schedule_past_due(user) -> None:
    account_deletion_request(user=user, password=PASSWORD)
    User.objects.filter(pk=user.pk).update(deletion_scheduled_at=timezone.now() - timedelta(1))


@pytest.fixture
def ana_with_everything(user, django_capture_on_commit_callbacks):
    """ana with pictures, a built data archive and a second email address."""
    user.account.avatar.save("me.png", ContentFile(png_bytes()))
    user.account.header.save("wide.png", ContentFile(png_bytes()))
    EmailAddress.objects.create(user=user, email="ana@work.example")
    with django_capture_on_commit_callbacks(execute=True):
        export_request(user=user)
    return user


def test_a_wrong_password_changes_nothing(user, client):
    # Given ana signed in
    key = signed_in_session(client, user)

    # When she asks for deletion with the wrong password
    with pytest.raises(ValidationError) as caught:
        account_deletion_request(user=user, password="not-my-password")

    # Then the error is on the password, and nothing is scheduled or logged out
    assert "password" in caught.value.message_dict
    user.refresh_from_db()
    assert user.deletion_scheduled_at is None
    assert session_exists(key)


def test_the_right_password_schedules_deletion_and_logs_out_everywhere(
    user, client, django_capture_on_commit_callbacks
):
    # Given ana signed in
    key = signed_in_session(client, user)

    # When she asks for deletion with her password
    with django_capture_on_commit_callbacks(execute=True):
        when = account_deletion_request(user=user, password=PASSWORD)

    # Then it is scheduled after the grace period and every session is ended
    user.refresh_from_db()
    expected = timezone.now() + timedelta(days=settings.HEARTH_DELETION_GRACE_DAYS)
    assert user.deletion_scheduled_at == when
    assert abs(user.deletion_scheduled_at - expected) < timedelta(minutes=1)
    assert not session_exists(key)
    assert not UserSession.objects.filter(user=user).exists()
    assert client.get("/settings/profile").status_code == 302


def test_asking_twice_is_refused(user):
    account_deletion_request(user=user, password=PASSWORD)
    with pytest.raises(ValidationError, match="already scheduled"):
        account_deletion_request(user=user, password=PASSWORD)


def test_cancel_keeps_the_account(user):
    # Given a scheduled deletion
    account_deletion_request(user=user, password=PASSWORD)

    # When ana cancels, then nothing is scheduled any more
    account_deletion_cancel(user=user)
    user.refresh_from_db()
    assert user.deletion_scheduled_at is None


def test_erase_removes_every_trace(
    ana_with_everything, other_user, client, django_capture_on_commit_callbacks
):
    # Given ana with pictures, an archive, addresses and a session, and bruno beside her
    user = ana_with_everything
    account = user.account
    files = [account.avatar.name, account.header.name]
    archive = DataExport.objects.get(user=user).file.name
    assert all(default_storage.exists(name) for name in files)
    assert export_storage().exists(archive)
    key = signed_in_session(client, user)

    # When her account is erased
    with django_capture_on_commit_callbacks(execute=True):
        assert account_erase(user_id=user.pk) is True

    # Then no row and no file of hers is left
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()
    assert not EmailAddress.objects.filter(email__in=["ana@example.org", "ana@work.example"])
    assert not DataExport.objects.filter(user_id=user.pk).exists()
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert not session_exists(key)
    for name in files:
        assert not default_storage.exists(name)
    assert not export_storage().exists(archive)
    assert not default_storage.exists(f"accounts/{account.pk}")
    assert not export_storage().exists(f"exports/{user.pk}")
    # And bruno is untouched; erasing again is harmless
    assert User.objects.filter(pk=other_user.pk).exists()
    assert Account.objects.filter(user=other_user).exists()
    assert account_erase(user_id=user.pk) is False


def test_erase_runs_the_registered_erasers(user, monkeypatch):
    # Given an app that erases its own traces
    seen = []
    monkeypatch.setattr(deletion_module, "ACCOUNT_ERASERS", [lambda u: seen.append(u.pk)])

    # When ana is erased, then it was asked to
    account_erase(user_id=user.pk)
    assert seen == [user.pk]


def test_erase_due_only_takes_accounts_past_their_grace_period(
    user, other_user, admin_user, django_capture_on_commit_callbacks
):
    # Given ana past her grace period, bruno still inside his, and an admin not leaving
    schedule_past_due(user)
    account_deletion_request(user=other_user, password=PASSWORD)

    # When the daily erase runs
    with django_capture_on_commit_callbacks(execute=True):
        erased = accounts_erase_due()

    # Then only ana is gone
    assert erased == 1
    assert set(User.objects.values_list("username", flat=True)) == {"bruno", "root_admin"}


def test_the_purge_command_erases_due_accounts_and_old_archives(
    user, other_user, django_capture_on_commit_callbacks
):
    # Given ana past her grace period, and bruno with a week-old archive who is staying
    schedule_past_due(user)
    with django_capture_on_commit_callbacks(execute=True):
        archive = export_request(user=other_user)
    archive.refresh_from_db()
    DataExport.objects.filter(pk=archive.pk).update(created_at=timezone.now() - timedelta(days=8))
    out = io.StringIO()

    # When cron runs `hearth purge`
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge", stdout=out)

    # Then ana is erased, bruno's old archive is gone and bruno stays
    assert "Erased 1 account(s); deleted 1 expired data archive(s)." in out.getvalue()
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk=other_user.pk).exists()
    assert not DataExport.objects.exists()
    assert not default_storage.exists(archive.file.name)


def test_the_beat_task_erases_through_the_eager_path(user, django_capture_on_commit_callbacks):
    # Given ana past her grace period
    schedule_past_due(user)

    # When beat's task is sent (run inline without a broker)
    with django_capture_on_commit_callbacks(execute=True):
        accounts_erase_due_task.delay()

    # Then she is erased
    assert not User.objects.filter(pk=user.pk).exists()


def test_beat_schedules_both_housekeeping_tasks_daily():
    # Given the Celery app as configured from settings
    from config.celery import app

    # Then each scheduled task exists and runs once a day
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
        # (other apps' entries, such as the fan-out sweeper, run more often)
        if entry["task"].startswith("hearth.accounts."):
            assert entry["schedule"] == 24 * 60 * 60


def test_beat_runs_every_registered_purge_job(db, monkeypatch):
    # Given a purge job another app registered
    from hearth.accounts import housekeeping
    from hearth.accounts.tasks import purge_jobs_task

    ran: list[str] = []
    monkeypatch.setitem(housekeeping.PURGE_JOBS, "test rows", lambda: ran.append("yes") or 1)
    # When beat's daily purge task runs
    purge_jobs_task.delay()
    # Then the job ran, and beat schedules the task
    assert ran == ["yes"]
    assert any(
        entry["task"] == "hearth.accounts.tasks.purge_jobs_task"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )

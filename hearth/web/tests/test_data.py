import io
import json
import re
import zipfile

import pytest

from hearth.accounts.export import export_request
from hearth.accounts.models import DataExport, User
from hearth.accounts.models.export import export_storage
from hearth.testing.fixtures import PASSWORD

DATA = "/settings/data"


def body(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_the_page_needs_a_login(client):
    response = client.get(DATA)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_offers_both_cards_and_an_empty_state(client_with_user):
    response = client_with_user.get(DATA)
    assert response.status_code == 200
    page = body(response)
    assert "Download your data" in page
    assert "You haven’t asked for an archive yet." in page
    assert "Delete your account" in page
    assert "30 days" in page
    assert 'name="password"' in page
    assert 'aria-current="page"' in page  # the settings menu marks "Your data"


def test_asking_for_an_archive_builds_it_and_offers_the_download(
    client_with_user, user, django_capture_on_commit_callbacks
):
    # When ana asks for her archive (built inline without a broker, once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_with_user.post(f"{DATA}/export")
    assert response["Location"] == DATA

    # Then the page says it is ready and links the download
    export = DataExport.objects.get(user=user)
    assert export.state == DataExport.State.DONE
    page = body(client_with_user.get(DATA))
    assert "We’re preparing your archive" in page
    assert "Your archive is ready." in page
    assert "You can ask for a new archive after" in page
    assert re.search(r'role="progressbar"[^>]*aria-valuenow="100"', page, re.S)
    download_url = f"{DATA}/export/{export.pk}/download"
    assert f'href="{download_url}"' in page

    # And the download is her zip, as an attachment that isn't cached
    download = client_with_user.get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert json.loads(archive.read("account.json"))["user"]["username"] == "ana"


def test_a_second_request_the_same_day_is_refused_with_a_message(
    client_with_user, user, django_capture_on_commit_callbacks
):
    # Given a finished archive
    with django_capture_on_commit_callbacks(execute=True):
        client_with_user.post(f"{DATA}/export")

    # When ana asks again, then the page says why not, and no new archive is made
    with django_capture_on_commit_callbacks(execute=True):
        response = client_with_user.post(f"{DATA}/export", follow=True)
    assert "You can ask for one archive a day." in body(response)
    assert DataExport.objects.filter(user=user).count() == 1


def test_a_running_export_shows_its_progress_and_refreshes(client_with_user, user):
    # Given an archive a third of the way done
    export = export_request(user=user)
    DataExport.objects.filter(pk=export.pk).update(state=DataExport.State.RUNNING, progress=33)

    # When ana looks, then she sees an accessible bar and the page follows along
    page = body(client_with_user.get(DATA))
    assert re.search(r'role="progressbar"[^>]*aria-valuenow="33"', page, re.S)
    assert "33% done" in page
    assert 'http-equiv="refresh" content="3"' in page
    assert "window.location.reload()" in page
    assert "Ask for a new archive" not in page
    assert "You can ask for a new archive after" not in page


def test_a_failed_export_says_so_and_offers_to_retry(client_with_user, user):
    export = export_request(user=user)
    DataExport.objects.filter(pk=export.pk).update(state=DataExport.State.FAILED, error="boom")
    page = body(client_with_user.get(DATA))
    assert "didn’t work" in page
    assert "boom" not in page  # the technical reason is for operators
    assert "Ask for a new archive" in page


def test_only_the_owner_can_download(client, user, other_user, django_capture_on_commit_callbacks):
    # Given ana's finished archive
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=user)
    url = f"{DATA}/export/{export.pk}/download"

    # When bruno tries to download it, then there is nothing there for him
    client.force_login(other_user)
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in body(response)


def test_an_unfinished_archive_cannot_be_downloaded(client_with_user, user):
    export = export_request(user=user)
    assert client_with_user.get(f"{DATA}/export/{export.pk}/download").status_code == 404


def test_a_wrong_password_is_shown_next_to_the_field(client_with_user, user):
    # When ana confirms deletion with the wrong password
    response = client_with_user.post(f"{DATA}/delete", {"password": "nope-nope"})

    # Then the form comes back with the error on the password field and nothing changes
    assert response.status_code == 400
    page = body(response)
    field = re.search(r'<div class="field field--error">.*?</div>', page, re.S)
    assert field is not None
    assert "That’s not your current password." in field.group(0)
    user.refresh_from_db()
    assert user.deletion_scheduled_at is None


def test_an_empty_password_is_a_field_error_too(client_with_user):
    response = client_with_user.post(f"{DATA}/delete", {"password": ""})
    assert response.status_code == 400
    assert "This field is required." in body(response)


def test_deleting_logs_out_then_logging_in_offers_to_cancel(
    client_with_user, user, django_capture_on_commit_callbacks
):
    # When ana confirms deletion with her password
    with django_capture_on_commit_callbacks(execute=True):
        response = client_with_user.post(f"{DATA}/delete", {"password": PASSWORD}, follow=True)

    # Then she is scheduled, logged out, and told how to change her mind
    user.refresh_from_db()
    assert user.deletion_scheduled_at is not None
    assert "Your account will be deleted on" in body(response)
    assert not response.wsgi_request.user.is_authenticated
    assert client_with_user.get("/settings/profile").status_code == 302

    # When she logs in again, then she lands on the page that cancels it
    response = client_with_user.post(
        "/accounts/login/", {"login": "ana", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == DATA
    page = body(response)
    date = f"{user.deletion_scheduled_at:%-d %B %Y}"
    assert f"Your account is scheduled for deletion on {date}" in page
    assert "Cancel deletion" in page
    assert "Delete my account" not in page
    # And the rest of the site waits until she decides
    assert client_with_user.get("/")["Location"] == DATA
    assert client_with_user.get("/settings/profile")["Location"] == DATA
    assert client_with_user.get("/privacy").status_code == 200

    # When she cancels, then the account is hers again
    response = client_with_user.post(f"{DATA}/delete/cancel", follow=True)
    assert "Your account will not be deleted." in body(response)
    user.refresh_from_db()
    assert user.deletion_scheduled_at is None
    assert client_with_user.get("/").status_code == 200


def test_a_member_scheduled_for_deletion_can_still_take_their_data(
    client, user, django_capture_on_commit_callbacks
):
    # Given ana scheduled for deletion and logged in again
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(user)
        client.post(f"{DATA}/delete", {"password": PASSWORD})
    client.force_login(User.objects.get(pk=user.pk))

    # When she asks for her archive, then she gets it
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{DATA}/export")
    export = DataExport.objects.get(user=user)
    response = client.get(f"{DATA}/export/{export.pk}/download")
    assert response.status_code == 200
    assert export_storage().exists(export.file.name)


def test_the_actions_only_take_posts(client_with_user):
    for path in (f"{DATA}/export", f"{DATA}/delete", f"{DATA}/delete/cancel"):
        assert client_with_user.get(path).status_code == 405

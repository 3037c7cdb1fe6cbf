import io
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from hearth.accounts.models import Account, User
from hearth.accounts.tests import imagefiles as f


def profile_post(**changes):
    """A complete profile form submission, as the browser sends it, with `changes` applied."""
    data = {
        "display_name": "Ana Lima",
        "bio": "Hello.",
        "links-name": ["Website", "", "", ""],
        "links-url": ["https://ana.example/", "", "", ""],
        "discoverable": "on",
    }
    data.update(changes)
    return data


def field_errors(response, field):
    assert response.status_code == 200
    return response.context["form"].errors.get(field, [])


def error_shown_next_to(response, field_id, message):
    """The message is in the error list inside the field's own group, not just somewhere."""
    body = response.content.decode()
    group = re.search(
        rf'<div class="field field--error">\s*<label for="{field_id}">.*?</div>', body, re.S
    )
    assert group, f"no field group with an error for {field_id}"
    assert message in group.group(0)


@pytest.mark.django_db
def test_settings_pages_need_a_signed_in_member(client):
    for url in ("/settings/", "/settings/profile", "/settings/preferences"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_settings_index_opens_the_profile_form(client_with_user):
    response = client_with_user.get("/settings/")
    assert response["Location"] == "/settings/profile"


def test_profile_form_shows_current_values(client_with_user, user):
    Account.objects.filter(pk=user.account.pk).update(
        display_name="Ana Lima", links=[{"name": "Blog", "url": "https://blog.example/"}]
    )
    body = client_with_user.get("/settings/profile").content.decode()
    assert 'value="Ana Lima"' in body
    assert 'name="links-name" value="Blog"' in body
    assert 'name="links-url" value="https://blog.example/"' in body
    assert body.count('name="links-name"') == 4
    assert 'enctype="multipart/form-data"' in body
    assert "Your username can’t be changed." in body


def test_saving_the_profile_with_pictures(client_with_user, user):
    # When ana fills in her profile and uploads both pictures
    data = profile_post(
        avatar=f.upload(f.sideways_photo_with_gps(), "me.jpg", "image/jpeg"),
        header=f.upload(f.png(2000, 1000), "banner.png"),
        locked="on",
    )
    response = client_with_user.post("/settings/profile", data)

    # Then she is sent back to the form, which says it saved
    assert response.status_code == 302
    assert response["Location"] == "/settings/profile"
    assert "Your profile is saved." in client_with_user.get("/settings/profile").content.decode()
    # And her account has the fields and re-encoded pictures at their sizes, without GPS
    account = Account.objects.get(pk=user.account.pk)
    assert account.display_name == "Ana Lima"
    assert account.links == [{"name": "Website", "url": "https://ana.example/"}]
    assert account.locked is True
    assert account.discoverable is True
    with default_storage.open(account.avatar.name) as stored:
        avatar = Image.open(io.BytesIO(stored.read()))
    assert avatar.size == (400, 400)
    assert not avatar.getexif()
    with default_storage.open(account.header.name) as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (1500, 500)
    # And the profile page shows them
    body = client_with_user.get("/@ana").content.decode()
    assert f'src="/media/{account.avatar.name}"' in body
    assert f'src="/media/{account.header.name}"' in body


def test_replacing_the_avatar_deletes_the_old_file(
    client_with_user, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_with_user.post("/settings/profile", profile_post(avatar=f.upload(f.png())))
    first = Account.objects.get(pk=user.account.pk).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        client_with_user.post("/settings/profile", profile_post(avatar=f.upload(f.png(300, 300))))
    second = Account.objects.get(pk=user.account.pk).avatar.name
    assert first != second
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_username_cannot_be_changed(client_with_user, user):
    client_with_user.post("/settings/profile", profile_post(username="someone_else"))
    assert Account.objects.get(pk=user.account.pk).username == "ana"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            f.png(8000, 7000, color=(9,), mode="L"),
            "big.png",
            "This image is too large (8000 × 7000",
        ),
        (f.bomb_png(), "bomb.png", "This image is too large"),
        (b"", "empty.png", "The file is empty."),
        (b"just some text\n" * 20, "photo.jpg", "This file isn’t an image we can read."),
        (f.truncated_png(), "cut.png", "This image is damaged or incomplete"),
    ],
    ids=["50-megapixels", "decompression-bomb", "empty", "text-named-jpg", "truncated"],
)
def test_bad_avatar_gets_an_error_next_to_the_field(client_with_user, user, content, name, message):
    # When ana uploads something that isn't a usable picture
    response = client_with_user.post(
        "/settings/profile", profile_post(avatar=f.upload(content, name))
    )
    # Then the form comes back with the error beside the picture field, and nothing was saved
    assert any(message in error for error in field_errors(response, "avatar"))
    error_shown_next_to(response, "id_avatar", message)
    assert "Your profile wasn’t saved." in response.content.decode()
    account = Account.objects.get(pk=user.account.pk)
    assert account.avatar.name == ""
    assert account.display_name == ""


def test_oversize_header_is_refused(client_with_user, user, settings):
    settings.HEARTH_MAX_UPLOAD_MB = 1
    content = f.noise_png(640, 640)
    response = client_with_user.post("/settings/profile", profile_post(header=f.upload(content)))
    assert field_errors(response, "header") == ["The file is 1.2 MB; images can be at most 1 MB."]
    error_shown_next_to(response, "id_header", "images can be at most 1 MB")


def test_png_with_a_trailing_zip_is_accepted_and_re_encoded(client_with_user, user):
    response = client_with_user.post(
        "/settings/profile", profile_post(avatar=f.upload(f.png_with_trailing_zip()))
    )
    assert response.status_code == 302
    name = Account.objects.get(pk=user.account.pk).avatar.name
    with default_storage.open(name) as stored:
        content = stored.read()
    assert b"PK\x03\x04" not in content
    assert Image.open(io.BytesIO(content)).format == "JPEG"


def test_overlong_display_name_and_bio_are_refused(client_with_user, user):
    response = client_with_user.post(
        "/settings/profile", profile_post(display_name="n" * 51, bio="b" * 501)
    )
    assert field_errors(response, "display_name") == [
        "Display names are at most 50 characters (this one has 51)."
    ]
    assert field_errors(response, "bio") == [
        "Your bio can be at most 500 characters (this one has 501)."
    ]
    error_shown_next_to(response, "id_display_name", "Display names are at most 50 characters")
    error_shown_next_to(response, "id_bio", "at most 500 characters")
    assert Account.objects.get(pk=user.account.pk).display_name == ""


def test_a_fifth_link_is_refused(client_with_user, user):
    # When five links are sent (the page shows four rows; a crafted request can send more)
    response = client_with_user.post(
        "/settings/profile",
        profile_post(
            **{
                "links-name": [f"Link {n}" for n in range(1, 6)],
                "links-url": [f"https://example.org/{n}" for n in range(1, 6)],
            }
        ),
    )
    # Then the links are refused with a message above them, and the entered rows are kept
    assert field_errors(response, "links") == ["You can show at most 4 links; remove one."]
    body = response.content.decode()
    assert "You can show at most 4 links; remove one." in body
    assert body.count('name="links-name"') == 5
    assert Account.objects.get(pk=user.account.pk).links == []


@pytest.mark.parametrize(
    ("name", "url", "message"),
    [
        ("Click me", "javascript:alert(1)", "Link 1: the address must start with http://"),
        ("Data", "data:text/html,<b>hi</b>", "Link 1: the address must start with http://"),
        ("", "https://example.org", "Link 1: give the link a name"),
        ("Site", "", "Link 1: add the web address"),
        ("Site", "https://", "Link 1: that doesn’t look like a complete web address."),
        ("n" * 41, "https://example.org", "Link 1: names are at most 40 characters."),
    ],
)
def test_bad_link_is_refused(client_with_user, user, name, url, message):
    response = client_with_user.post(
        "/settings/profile", profile_post(**{"links-name": [name], "links-url": [url]})
    )
    errors = field_errors(response, "links")
    assert any(error.startswith(message) for error in errors), errors
    assert Account.objects.get(pk=user.account.pk).links == []


def test_removing_the_avatar(client_with_user, user):
    client_with_user.post("/settings/profile", profile_post(avatar=f.upload(f.png())))
    assert "Remove my profile picture" in client_with_user.get("/settings/profile").content.decode()
    client_with_user.post("/settings/profile", profile_post(remove_avatar="on"))
    assert Account.objects.get(pk=user.account.pk).avatar.name == ""


def test_member_without_an_account_gets_one_on_the_profile_form(client, db):
    # Given a member made outside sign-up (as `createsuperuser` does)
    member = User.objects.create_user(username="old_admin", password="x" * 20)
    client.force_login(member)
    # Then the profile form works and they now have an account
    assert client.get("/settings/profile").status_code == 200
    assert Account.objects.filter(user=member, username="old_admin").exists()


def test_preferences_are_saved_and_the_theme_applies_on_the_next_page(client_with_user, user):
    # Given the form shows the defaults
    body = client_with_user.get("/settings/preferences").content.decode()
    assert '<html lang="en" data-theme="auto">' in body
    # When ana chooses dark, followers-only and Portuguese
    response = client_with_user.post(
        "/settings/preferences",
        {"default_visibility": "private", "language": "pt", "theme": "dark"},
    )
    # Then they are stored and the next page is dark
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.default_visibility, user.language, user.theme) == ("private", "pt", "dark")
    next_page = client_with_user.get(response["Location"]).content.decode()
    assert '<html lang="en" data-theme="dark">' in next_page
    assert "Your preferences are saved." in next_page
    assert '<option value="pt" selected>Portuguese</option>' in next_page


def test_preferences_refuse_unknown_values(client_with_user, user):
    response = client_with_user.post(
        "/settings/preferences",
        {"default_visibility": "everyone", "language": "xx", "theme": "neon"},
    )
    for field in ("default_visibility", "language", "theme"):
        assert field_errors(response, field), field
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert user.theme == "auto"

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from hearth.accounts.images import AVATAR, HEADER, process_image
from hearth.accounts.models import Account, User
from hearth.accounts.services import preferences_update, profile_update
from hearth.accounts.tests import imagefiles as f


def update(account: Account, **changes):
    fields = {
        "display_name": account.display_name,
        "bio": account.bio,
        "links": account.links,
        "locked": account.locked,
        "discoverable": account.discoverable,
    }
    return profile_update(account=account, **{**fields, **changes})


def avatar(color=f.RED):
    return process_image(f.upload(f.png(500, 500, color)), spec=AVATAR)


def test_profile_update_saves_the_public_fields(user):
    # When ana describes herself
    links = [{"name": "Website", "url": "https://ana.example"}]
    update(
        user.account,
        display_name="Ana Lima",
        bio="Gardener.\nBaker.",
        links=links,
        locked=True,
        discoverable=False,
    )
    # Then the stored account says so, and her username is unchanged
    account = Account.objects.get(pk=user.account.pk)
    assert (account.display_name, account.bio, account.links) == (
        "Ana Lima",
        "Gardener.\nBaker.",
        links,
    )
    assert account.locked is True
    assert account.discoverable is False
    assert account.username == "ana"


def test_avatar_and_header_are_stored_at_their_sizes(user):
    # When ana sets both pictures
    header = process_image(f.upload(f.png(900, 900)), spec=HEADER)
    account = update(user.account, avatar=avatar(), header=header)
    # Then both files exist in storage, under her account's folder, at the fixed sizes
    account.refresh_from_db()
    assert account.avatar.name.startswith(f"accounts/{account.pk}/avatar/")
    assert account.header.name.startswith(f"accounts/{account.pk}/header/")
    with default_storage.open(account.avatar.name) as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (400, 400)
    with default_storage.open(account.header.name) as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (1500, 500)


def test_replaced_avatar_file_is_deleted_on_commit(user, django_capture_on_commit_callbacks):
    # Given an avatar
    with django_capture_on_commit_callbacks(execute=True):
        first = update(user.account, avatar=avatar()).avatar.name
    assert default_storage.exists(first)
    # When it is replaced
    with django_capture_on_commit_callbacks(execute=True):
        second = update(user.account, avatar=avatar(f.BLUE)).avatar.name
    # Then the old file is gone and the new one is there
    assert second != first
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_old_file_stays_until_the_transaction_commits(user, django_capture_on_commit_callbacks):
    first = update(user.account, avatar=avatar()).avatar.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update(user.account, avatar=avatar(f.BLUE))
    assert default_storage.exists(first)
    assert len(callbacks) == 1


def test_removing_the_header_clears_it_and_deletes_the_file(
    user, django_capture_on_commit_callbacks
):
    header = process_image(f.upload(f.png(900, 300)), spec=HEADER)
    name = update(user.account, header=header).header.name
    with django_capture_on_commit_callbacks(execute=True):
        update(user.account, remove_header=True)
    assert Account.objects.get(pk=user.account.pk).header.name == ""
    assert not default_storage.exists(name)


def test_a_fifth_link_is_refused(user):
    links = [{"name": f"Link {n}", "url": f"https://example.org/{n}"} for n in range(5)]
    with pytest.raises(ValidationError) as caught:
        update(user.account, links=links)
    assert caught.value.message_dict == {"links": ["You can show at most 4 links on your profile."]}
    assert Account.objects.get(pk=user.account.pk).links == []


def test_a_javascript_link_is_refused(user):
    with pytest.raises(ValidationError) as caught:
        update(user.account, links=[{"name": "Click", "url": "javascript:alert(1)"}])
    assert "links" in caught.value.message_dict


def test_overlong_display_name_is_refused(user):
    with pytest.raises(ValidationError) as caught:
        update(user.account, display_name="x" * 51)
    assert "display_name" in caught.value.message_dict
    assert Account.objects.get(pk=user.account.pk).display_name == ""


def test_preferences_update_saves_the_three_preferences(user):
    preferences_update(user=user, default_visibility="unlisted", language="pt", theme="dark")
    stored = User.objects.get(pk=user.pk)
    assert (stored.default_visibility, stored.language, stored.theme) == ("unlisted", "pt", "dark")


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("theme", {"default_visibility": "public", "language": "", "theme": "neon"}),
        ("default_visibility", {"default_visibility": "everyone", "language": "", "theme": "auto"}),
        ("language", {"default_visibility": "public", "language": "xx", "theme": "auto"}),
    ],
)
def test_preferences_update_refuses_values_outside_the_choices(user, field, values):
    with pytest.raises(ValidationError) as caught:
        preferences_update(user=user, **values)
    assert field in caught.value.message_dict
    assert User.objects.get(pk=user.pk).theme == "auto"

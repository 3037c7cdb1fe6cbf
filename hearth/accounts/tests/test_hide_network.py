"""Account.hide_network: the profile form's "hide who I follow and who follows me" choice."""

import re

from hearth.accounts.forms import ProfileForm
from hearth.accounts.models import Account
from hearth.accounts.services import profile_update
from hearth.testing.fixtures import make_user


def test_new_accounts_show_their_network(user):
    assert user.account.hide_network is False


def test_profile_update_saves_the_choice(user):
    # When ana hides her lists
    profile_update(
        account=user.account,
        display_name="",
        bio="",
        links=[],
        locked=False,
        discoverable=True,
        hide_network=True,
    )
    # Then it is stored
    assert Account.objects.get(pk=user.account.pk).hide_network is True


def test_profile_update_without_the_choice_shows_the_network(user):
    account = user.account
    account.hide_network = True
    account.save(update_fields=["hide_network"])
    profile_update(
        account=account, display_name="", bio="", links=[], locked=False, discoverable=True
    )
    assert Account.objects.get(pk=account.pk).hide_network is False


def test_the_form_starts_from_the_saved_choice(user):
    account = user.account
    account.hide_network = True
    assert ProfileForm.initial_for(account)["hide_network"] is True


def test_settings_page_saves_the_checkbox(client_with_user, user):
    # Given the profile form shows the choice in its Privacy fieldset
    body = client_with_user.get("/settings/profile").content.decode()
    privacy = body[body.index("<legend>Privacy</legend>") :]
    assert 'name="hide_network"' in privacy
    assert "Hide who I follow and who follows me" in privacy
    # When ana ticks it and saves
    response = client_with_user.post(
        "/settings/profile", {"display_name": "Ana", "hide_network": "on"}
    )
    # Then it is saved, and the form shows it ticked
    assert response.status_code == 302
    assert Account.objects.get(pk=user.account.pk).hide_network is True
    body = client_with_user.get("/settings/profile").content.decode()
    assert re.search(r'<input type="checkbox" name="hide_network" [^>]*checked', body)
    # And someone else sees her lists as private
    client_with_user.force_login(make_user("carla"))
    assert (
        "@ana keeps this list private" in client_with_user.get("/@ana/following").content.decode()
    )

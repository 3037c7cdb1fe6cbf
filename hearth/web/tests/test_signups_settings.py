"""The admins' sign-up settings page saves more than once (the settings are one row, saved
over: the second save used to fail the row's uniqueness check and answer 500)."""

from django.test import Client

from hearth.accounts.models import User
from hearth.accounts.signups import signup_settings


def test_an_admin_changes_the_sign_up_mode_twice(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)

    for mode in ("approval", "closed"):
        response = client.post(
            "/settings/signups",
            {"mode": mode, "invites_by": "members", "closed_message": "Ask on the forum."},
        )
        assert response.status_code == 302
        assert signup_settings().mode == mode

"""/settings/apps: the member sees the apps they authorized and revokes them."""

from typing import Any

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

from hearth.accounts.models import User
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_empty_state(client_with_user: Client) -> None:
    response = client_with_user.get("/settings/apps")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No apps can use your account" in page
    assert 'href="/settings/apps"' in page  # in the settings menu


def test_lists_and_revokes_an_app(
    client_with_user: Client, user: User, other_user: User, registered_app: RegisteredApp
) -> None:
    # Given Ana authorized the app, and Bruno did too
    headers = bearer(user, registered_app, scope="read write")
    bearer(other_user, registered_app)
    # When she opens the page
    page = client_with_user.get("/settings/apps").content.decode()
    # Then she sees the app and what it may do
    assert "Test client" in page
    assert "See your posts" in page
    assert "Revoke access for Test client" in page
    # When she revokes it
    response = client_with_user.post(f"/settings/apps/{registered_app.application.pk}/revoke")
    # Then her tokens are gone (the app gets 401), Bruno's stay
    assert response.status_code == 302
    assert not AccessToken.objects.filter(user=user).exists()
    assert AccessToken.objects.filter(user=other_user).count() == 1
    api = Client().get("/api/v1/accounts/verify_credentials", headers=headers)
    assert api.status_code == 401
    assert "No apps can use your account" in client_with_user.get("/settings/apps").content.decode()


def test_needs_login_and_post(client_with_user: Client) -> None:
    assert Client().get("/settings/apps").status_code == 302
    assert client_with_user.get("/settings/apps/1/revoke").status_code == 405
    assert client_with_user.post("/settings/apps/999/revoke").status_code == 404


def test_revoke_needs_csrf(user: User, registered_app: RegisteredApp, settings: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(f"/settings/apps/{registered_app.application.pk}/revoke")
    assert response.status_code == 403

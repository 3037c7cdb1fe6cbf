"""PATCH /api/v1/accounts/update_credentials and POST /api/v1/accounts (registration)."""

import io
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from PIL import Image

from hearth.accounts.models import Account, User
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.graph.models import Follow
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

BOUNDARY = "hearthboundary"


def image_upload(name: str = "me.png", size: tuple[int, int] = (64, 64)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def patch_multipart(client: Client, data: dict[str, Any], headers: dict[str, str]) -> Any:
    body = encode_multipart(BOUNDARY, data)
    return client.patch(
        "/api/v1/accounts/update_credentials",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers,
    )


def test_update_credentials_multipart_with_avatar(
    client: Client, user: User, ana: dict[str, str], check: Any
) -> None:
    # Given Ana's app sends a multipart PATCH, as Tusky does
    response = patch_multipart(
        client,
        {
            "display_name": "Ana Lima",
            "note": "Gardener.",
            "locked": "1",
            "fields_attributes[0][name]": "Site",
            "fields_attributes[0][value]": "https://ana.example",
            "avatar": image_upload(),
        },
        ana,
    )
    # Then the profile is saved through the same checks as the settings page
    assert response.status_code == 200, response.content
    data = response.json()
    check("CredentialAccount", data)
    account = Account.objects.get(pk=user.account.pk)
    assert account.display_name == "Ana Lima"
    assert account.bio == "Gardener."
    assert account.locked is True
    assert account.links == [{"name": "Site", "url": "https://ana.example"}]
    assert account.avatar.name
    assert data["avatar"].startswith("http://testserver/media/accounts/")
    assert data["source"]["fields"][0]["value"] == "https://ana.example"


def test_update_credentials_json_keeps_what_is_not_sent(
    client: Client, user: User, ana: dict[str, str]
) -> None:
    patch_multipart(client, {"display_name": "Ana", "note": "Keep me"}, ana)
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        {"discoverable": "false", "source": {"privacy": "private", "language": "pt"}},
        content_type="application/json",
        headers=ana,
    )
    assert response.status_code == 200, response.content
    account = Account.objects.get(pk=user.account.pk)
    assert account.bio == "Keep me"
    assert account.discoverable is False
    user.refresh_from_db()
    assert user.default_visibility == "private"
    assert user.language == "pt"
    assert response.json()["source"]["privacy"] == "private"


def test_update_credentials_urlencoded_patch(
    client: Client, user: User, ana: dict[str, str]
) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        "display_name=Ana+F&hide_collections=true",
        content_type="application/x-www-form-urlencoded",
        headers=ana,
    )
    assert response.status_code == 200
    account = Account.objects.get(pk=user.account.pk)
    assert account.display_name == "Ana F"
    assert account.hide_network is True


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"avatar": SimpleUploadedFile("x.png", b"not an image", "image/png")}, "avatar"),
        ({"display_name": "x" * 51}, "display_name"),
        ({"note": "x" * 501}, "note"),
        (
            {"fields_attributes[0][name]": "Bad", "fields_attributes[0][value]": "ftp://x"},
            "fields_attributes",
        ),
    ],
)
def test_update_credentials_bad_input_names_the_field(
    client: Client, user: User, ana: dict[str, str], check: Any, data: dict[str, Any], field: str
) -> None:
    response = patch_multipart(client, data, ana)
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert field in response.json()["details"]


def test_bad_privacy_names_the_field(client: Client, user: User, ana: dict[str, str]) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        {"source": {"privacy": "everyone"}},
        content_type="application/json",
        headers=ana,
    )
    assert response.status_code == 422
    assert "source.privacy" in response.json()["details"]


def test_unlocking_accepts_waiting_followers(
    client: Client, user: User, ana: dict[str, str]
) -> None:
    Account.objects.filter(pk=user.account.pk).update(locked=True)
    graph.follow(actor=make_user("carla").account, target=Account.objects.get(pk=user.account.pk))
    patch_multipart(client, {"locked": "0"}, ana)
    assert Follow.objects.filter(target=user.account).count() == 1


# --- Registration ----------------------------------------------------------------------------


def app_headers(app: RegisteredApp) -> dict[str, str]:
    return bearer(None, app, scope="read write")


def test_register_then_confirm(
    client: Client, registered_app: RegisteredApp, settings: Any, check: Any
) -> None:
    # Given an app token from the client_credentials grant (toot register)
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    headers = app_headers(registered_app)
    # When it registers a member
    response = client.post(
        "/api/v1/accounts",
        {
            "username": "dora",
            "email": "Dora@Example.org",
            "password": "a-long-pass-phrase",
            "agreement": "true",
            "locale": "en",
        },
        headers=headers,
    )
    # Then the member exists with a token, and a confirmation email is on its way
    assert response.status_code == 200, response.content
    check("Token", response.json())
    user = User.objects.get(username="dora")
    assert user.account.username == "dora"
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    # And until the email is confirmed, the token is refused with a reason
    token_headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    refused = client.get("/api/v1/accounts/verify_credentials", headers=token_headers)
    assert refused.status_code == 403
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=token_headers).status_code == 200
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "admin"}, "username"),
        ({"username": "ana"}, "username"),
        ({"username": "bad name"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "123"}, "password"),
        ({"agreement": "0"}, "agreement"),
    ],
)
def test_registration_checks_like_sign_up(
    client: Client,
    user: User,
    registered_app: RegisteredApp,
    check: Any,
    data: dict[str, str],
    field: str,
) -> None:
    body = {
        "username": "dora",
        "email": "dora@example.org",
        "password": "a-long-pass-phrase",
        "agreement": "1",
        **data,
    }
    response = client.post(
        "/api/v1/accounts",
        body,
        content_type="application/json",
        headers=app_headers(registered_app),
    )
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert field in response.json()["details"]
    assert not User.objects.filter(username="dora").exists()


def test_registration_needs_an_app_token(client: Client) -> None:
    assert client.post("/api/v1/accounts", {"username": "x"}).status_code == 401


def test_registration_reports_every_problem_at_once(
    client: Client, registered_app: RegisteredApp
) -> None:
    body = {"username": "admin", "email": "x", "password": "a-long-pass-phrase", "agreement": "0"}
    response = client.post("/api/v1/accounts", body, headers=app_headers(registered_app))
    assert response.status_code == 422
    assert {"username", "email", "agreement"} <= set(response.json()["details"])
    assert not User.objects.filter(username="admin").exists()


def test_registration_closed(client: Client, registered_app: RegisteredApp) -> None:
    from hearth.accounts.signups import signup_settings_update

    signup_settings_update(mode="closed")
    body = {
        "username": "dora",
        "email": "d@example.org",
        "password": "a-long-pass-phrase",
        "agreement": "1",
    }
    response = client.post("/api/v1/accounts", body, headers=app_headers(registered_app))
    assert response.status_code == 403
    assert client.get("/api/v2/instance").json()["registrations"]["enabled"] is False

"""OAuth 2 end to end through the test client: register, authorize, exchange, use, revoke."""

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

from hearth.accounts.models import User
from hearth.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

OOB = "urn:ietf:wg:oauth:2.0:oob"


def register(client: Client, redirect_uris: Any = OOB, **extra: Any) -> dict[str, Any]:
    body = {
        "client_name": "Phone app",
        "redirect_uris": redirect_uris,
        "scopes": "read write follow push",
        **extra,
    }
    response = client.post("/api/v1/apps", body, content_type="application/json")
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def approve(client: Client, query: dict[str, str]) -> Any:
    page = client.get("/oauth/authorize/", query)
    assert page.status_code == 200, page.content
    return client.post(f"/oauth/authorize?{urlencode_(query)}", {"decision": "approve"})


def urlencode_(query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


def test_register_app_with_json_or_form(client: Client, check: Any) -> None:
    # Given toot's JSON body and Mastodon.py's form body
    json_app = register(client, redirect_uris=["https://a.example/cb", "myapp://cb"])
    form = client.post(
        "/api/v1/apps/",
        {"client_name": "Form app", "redirect_uris": OOB, "scopes": "read+write", "website": ""},
    )
    # Then both are registered, with credentials and Mastodon's fields
    check("CredentialApplication", json_app)
    assert json_app["redirect_uris"] == ["https://a.example/cb", "myapp://cb"]
    assert json_app["redirect_uri"] == "https://a.example/cb\nmyapp://cb"
    assert json_app["scopes"] == ["read", "write", "follow", "push"]
    assert form.status_code == 200
    check("CredentialApplication", form.json())
    assert form.json()["scopes"] == ["read", "write"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_name": "", "redirect_uris": OOB}, "client_name"),
        ({"client_name": "X", "redirect_uris": "javascript:alert(1)"}, "redirect_uris"),
        ({"client_name": "X", "redirect_uris": "not a uri"}, "redirect_uris"),
        ({"client_name": "X", "redirect_uris": OOB, "scopes": "read admin:everything"}, "scopes"),
        ({"client_name": "X"}, "redirect_uris"),
    ],
)
def test_bad_app_registration_names_the_field(
    client: Client, check: Any, body: dict[str, str], field: str
) -> None:
    response = client.post("/api/v1/apps", body, content_type="application/json")
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert field in response.json()["details"]
    assert field in response.json()["error"]


def test_authorization_code_with_pkce_end_to_end(client: Client, user: User, check: Any) -> None:
    # Given a registered app with a custom-scheme redirect URI
    app = register(client, redirect_uris="org.example.app:/oauth")
    verifier, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": "org.example.app:/oauth",
        "scope": "read write follow push",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    # When the member, not signed in, opens the authorize page
    response = client.get("/oauth/authorize", query)
    # Then they are sent to log in first
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # When they log in, see the approval page and approve
    client.force_login(user)
    page = client.get("/oauth/authorize/", query)
    assert page.status_code == 200
    assert "Phone app" in page.content.decode()
    assert "Approve" in page.content.decode()
    approved = client.post(f"/oauth/authorize?{urlencode_(query)}", {"decision": "approve"})
    # Then the app's own scheme receives the code and the state
    assert approved.status_code == 302
    location = urlsplit(approved["Location"])
    assert location.scheme == "org.example.app"
    params = parse_qs(location.query)
    assert params["state"] == ["xyz"]
    # When the app exchanges the code with the verifier (a fresh client: no cookies)
    app_client = Client()
    token = app_client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": "org.example.app:/oauth",
            "code_verifier": verifier,
        },
    )
    # Then it gets a bearer token with every requested scope, push included
    assert token.status_code == 200, token.content
    data = token.json()
    check("Token", data)
    assert data["token_type"] == "Bearer"
    assert set(data["scope"].split()) == {"read", "write", "follow", "push"}
    assert isinstance(data["created_at"], int)
    # And the token works
    me = app_client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {data['access_token']}"},
    )
    assert me.status_code == 200
    assert me.json()["username"] == "ana"


def test_pkce_with_a_wrong_verifier_is_refused(client: Client, user: User) -> None:
    app = register(client, redirect_uris="https://client.example/cb")
    _verifier, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": "https://client.example/cb",
        "scope": "read",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    client.force_login(user)
    approved = approve(client, query)
    code = parse_qs(urlsplit(approved["Location"]).query)["code"][0]
    token = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": "https://client.example/cb",
            "code_verifier": "wrong" * 10,
        },
    )
    assert token.status_code == 400
    assert token.json()["error"] == "invalid_grant"


def test_out_of_band_shows_the_code(client: Client, user: User) -> None:
    # Given an app using the oob redirect (Mastodon.py's default)
    app = register(client)
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": OOB,
        "scope": "read write follow push",
    }
    client.force_login(user)
    # When the member approves
    approved = approve(client, query)
    # Then they land on a page showing the code
    assert approved.status_code == 302
    assert approved["Location"].startswith("/oauth/authorize/native?code=")
    page = client.get(approved["Location"])
    code = parse_qs(urlsplit(approved["Location"]).query)["code"][0]
    assert code in page.content.decode()
    # And the pasted code is exchanged for a token
    token = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
        },
    )
    assert token.status_code == 200
    assert token.json()["scope"] == "read write follow push"


def test_deny_redirects_with_access_denied(client: Client, user: User) -> None:
    app = register(client, redirect_uris="https://client.example/cb")
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": "https://client.example/cb",
        "state": "s1",
    }
    client.force_login(user)
    denied = client.post(f"/oauth/authorize?{urlencode_(query)}", {"decision": "deny"})
    assert denied.status_code == 302
    params = parse_qs(urlsplit(denied["Location"]).query)
    assert params["error"] == ["access_denied"]
    assert params["state"] == ["s1"]
    assert not AccessToken.objects.exists()


def test_unregistered_redirect_uri_is_not_followed(client: Client, user: User) -> None:
    app = register(client, redirect_uris="https://client.example/cb")
    client.force_login(user)
    response = client.get(
        "/oauth/authorize",
        {
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "https://evil.example/cb",
        },
    )
    assert response.status_code == 400
    assert "isn’t valid" in response.content.decode()


def test_scope_beyond_the_apps_registration_is_refused(client: Client, user: User) -> None:
    app = register(client, scopes="read")
    client.force_login(user)
    response = client.get(
        "/oauth/authorize",
        {
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": OOB,
            "scope": "write",
        },
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "error=invalid_scope" in response["Location"]


def test_password_grant_with_username_or_email(client: Client, user: User, check: Any) -> None:
    app = register(client)
    for login in ("ana", "ana@example.org"):
        response = client.post(
            "/oauth/token/",
            {
                "grant_type": "password",
                "username": login,
                "password": PASSWORD,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": "read write follow push",
            },
        )
        assert response.status_code == 200, response.content
        check("Token", response.json())


def test_password_grant_as_json_and_with_basic_auth(client: Client, user: User) -> None:
    app = register(client)
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    response = client.post(
        "/oauth/token",
        {"grant_type": "password", "username": "ana", "password": PASSWORD, "scope": "read+write"},
        content_type="application/json",
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "read write"


def test_password_grant_wrong_password_and_setting_off(
    client: Client, user: User, settings: Any
) -> None:
    app = register(client)
    body = {
        "grant_type": "password",
        "username": "ana",
        "password": "nope",
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
    }
    wrong = client.post("/oauth/token", body)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    settings.HEARTH_OAUTH_PASSWORD_GRANT = False
    off = client.post("/oauth/token", {**body, "password": PASSWORD})
    assert off.status_code in (400, 401)
    assert off.json()["error"] == "unauthorized_client"


def test_refresh_token_and_revoke(client: Client, user: User) -> None:
    # Given a token from the password grant
    app = register(client)
    credentials = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    first = client.post(
        "/oauth/token",
        {
            "grant_type": "password",
            "username": "ana",
            "password": PASSWORD,
            "scope": "read write follow push",
            **credentials,
        },
    ).json()
    # When the app refreshes it
    refreshed = client.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **credentials},
    )
    # Then it gets a new working token with the same scopes
    assert refreshed.status_code == 200, refreshed.content
    new = refreshed.json()
    assert new["access_token"] != first["access_token"]
    assert set(new["scope"].split()) == {"read", "write", "follow", "push"}
    headers = {"Authorization": f"Bearer {new['access_token']}"}
    assert client.get("/api/v1/accounts/verify_credentials", headers=headers).status_code == 200
    # When the app revokes it
    revoked = client.post("/oauth/revoke", {"token": new["access_token"], **credentials})
    # Then the answer is {} and the token no longer works
    assert revoked.status_code == 200
    assert revoked.json() == {}
    after = client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert after.status_code == 401
    assert after.json() == {"error": "The access token is invalid"}


def test_client_credentials_token_verifies_the_app(client: Client, check: Any) -> None:
    app = register(client)
    token = client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read",
        },
    )
    assert token.status_code == 200, token.content
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    verified = client.get("/api/v1/apps/verify_credentials/", headers=headers)
    assert verified.status_code == 200
    check("Application", verified.json())
    assert verified.json()["name"] == "Phone app"
    # An app token is not a member: endpoints about "me" say so
    assert client.get("/api/v1/accounts/verify_credentials", headers=headers).status_code == 422


def test_metadata_only_over_https(client: Client, settings: Any) -> None:
    # Mastodon.py refuses http:// endpoints from this document, so plain HTTP has none
    assert client.get("/.well-known/oauth-authorization-server").status_code == 404
    settings.HEARTH_HTTPS = True
    data = client.get("/.well-known/oauth-authorization-server", secure=True).json()
    assert data["token_endpoint"] == "https://testserver/oauth/token"
    assert "password" in data["grant_types_supported"]
    assert data["code_challenge_methods_supported"] == ["S256"]


def test_cors_on_api_and_token_endpoints(client: Client) -> None:
    preflight = client.options(
        "/oauth/token",
        headers={"Origin": "https://phanpy.social", "Access-Control-Request-Method": "POST"},
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    response = client.get("/api/v1/instance", headers={"Origin": "https://elk.zone"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Link" in response["Access-Control-Expose-Headers"]

from typing import Any

import pytest
from django.test import Client

from hearth import __version__
from hearth.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/instance", "/api/v1/instance/"])
def test_v1_instance_answers_anonymously_with_and_without_slash(
    client: Client, check: Any, admin_user: User, path: str
) -> None:
    # Given nobody signed in
    # When an app asks for the v1 instance (Mastodon.py uses the trailing slash)
    response = client.get(path)
    # Then it gets the whole entity, with a version Mastodon.py can parse
    assert response.status_code == 200
    data = response.json()
    check("V1Instance", data)
    assert data["version"] == f"4.2.0 (compatible; Hearth {__version__})"
    assert data["uri"] == "localhost"
    assert data["urls"]["streaming_api"] == "ws://testserver"
    assert data["configuration"]["statuses"]["max_characters"] == 500
    assert data["stats"]["user_count"] == 1
    assert data["contact_account"]["username"] == "root_admin"
    assert data["rules"][0]["text"] == "Treat people with respect."


@pytest.mark.parametrize("path", ["/api/v2/instance", "/api/v2/instance/"])
def test_v2_instance_has_every_required_field(client: Client, check: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    data = response.json()
    check("Instance", data)
    assert data["domain"] == "localhost"
    assert data["configuration"]["urls"]["streaming"] == "ws://testserver"
    assert data["registrations"]["enabled"] is True
    assert data["api_versions"] == {"mastodon": 1}
    assert data["thumbnail"]["url"].startswith("http://testserver/static/")


def test_instance_follows_max_post_chars(client: Client, settings: Any) -> None:
    settings.HEARTH_MAX_POST_CHARS = 1000
    data = client.get("/api/v2/instance").json()
    assert data["configuration"]["statuses"]["max_characters"] == 1000


def test_rules_list_the_guidelines(client: Client, check: Any) -> None:
    response = client.get("/api/v1/instance/rules/")
    assert response.status_code == 200
    check("Rule[]", response.json())
    assert len(response.json()) == 10
    assert response.json()[1]["hint"].startswith("Don't attack")


@pytest.mark.parametrize(
    "path", ["/api/v1/custom_emojis", "/api/v1/trends/tags", "/api/v1/trends/statuses"]
)
def test_empty_lists_for_features_not_built(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == []


def test_announcements_need_a_token(client: Client, ana: dict[str, str]) -> None:
    assert client.get("/api/v1/announcements").status_code == 401
    assert client.get("/api/v1/announcements", headers=ana).json() == []


def test_unknown_api_path_is_json_404(client: Client, check: Any) -> None:
    response = client.get("/api/v1/no_such_thing")
    assert response.status_code == 404
    check("Error", response.json())


def test_openapi_document_and_docs_page(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/accounts/{account_id}" in response.json()["paths"]
    assert client.get("/api/docs").status_code == 200

"""How bodies and query strings are read: content types, Rails keys, boolean forms."""

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.api.parsing import Flag, nest
from hearth.graph.models import Mute
from hearth.graph.selectors import relationships


def test_rails_keys_nest() -> None:
    pairs = [
        ("status", "hi"),
        ("media_ids[]", "1"),
        ("media_ids[]", "2"),
        ("poll[options][]", "yes"),
        ("poll[options][]", "no"),
        ("poll[expires_in]", "300"),
        ("home[last_read_id]", "5"),
        ("keywords_attributes[][keyword]", "a"),
        ("keywords_attributes[][whole_word]", "1"),
        ("keywords_attributes[][keyword]", "b"),
    ]
    assert nest(pairs) == {
        "status": "hi",
        "media_ids": ["1", "2"],
        "poll": {"options": ["yes", "no"], "expires_in": "300"},
        "home": {"last_read_id": "5"},
        "keywords_attributes": [{"keyword": "a", "whole_word": "1"}, {"keyword": "b"}],
    }


def test_rails_keys_inside_json() -> None:
    # takahe#490: some clients send `media_ids[]` as a JSON key
    assert nest({"media_ids[]": ["1", "2"], "sensitive": "0"}.items()) == {
        "media_ids": ["1", "2"],
        "sensitive": "0",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("false", False),
        ("True", True),
        ("on", True),
        ("off", False),
        ("", False),
    ],
)
def test_flag_accepts_every_boolean_form(value: Any, expected: bool) -> None:
    from pydantic import TypeAdapter

    assert TypeAdapter(Flag).validate_python(value) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "hidden"),
    [
        ({"data": {"notifications": "0"}}, False),  # form, Mastodon.py's "0"
        ({"data": {"notifications": "1"}}, True),
        ({"data": {"notifications": "false"}, "content_type": "application/json"}, False),
        ({"data": {"notifications": False}, "content_type": "application/json"}, False),
        ({"data": "notifications=0", "content_type": "application/x-www-form-urlencoded"}, False),
        ({"data": {}}, True),
    ],
)
def test_boolean_forms_through_an_endpoint(
    client: Client, user: User, other_user: User, ana: dict[str, str], kwargs: Any, hidden: bool
) -> None:
    response = client.post(f"/api/v1/accounts/{other_user.account.pk}/mute", headers=ana, **kwargs)
    assert response.status_code == 200, response.content
    assert Mute.objects.get().hide_notifications is hidden


@pytest.mark.django_db
def test_bad_boolean_names_the_field(
    client: Client, other_user: User, ana: dict[str, str], check: Any
) -> None:
    response = client.post(
        f"/api/v1/accounts/{other_user.account.pk}/mute",
        {"notifications": "perhaps"},
        content_type="application/json",
        headers=ana,
    )
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert "notifications" in response.json()["details"]


@pytest.mark.django_db
def test_wrong_content_type_is_a_clear_error(
    client: Client, other_user: User, ana: dict[str, str], check: Any
) -> None:
    response = client.post(
        f"/api/v1/accounts/{other_user.account.pk}/follow",
        "reblogs=1",
        content_type="text/plain",
        headers=ana,
    )
    assert response.status_code == 415
    check("Error", response.json())
    assert "JSON" in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'])
def test_malformed_json_is_a_clear_error(
    client: Client, other_user: User, ana: dict[str, str], check: Any, body: str
) -> None:
    response = client.post(
        f"/api/v1/accounts/{other_user.account.pk}/follow",
        body,
        content_type="application/json",
        headers=ana,
    )
    assert response.status_code in (400, 422)
    check("Error", response.json())
    assert relationships(viewer=None, targets=[other_user.account.pk])


@pytest.mark.django_db
def test_post_with_trailing_slash(client: Client, other_user: User, ana: dict[str, str]) -> None:
    # Mastodon.py adds slashes to some POSTs; APPEND_SLASH can't redirect those
    response = client.post(f"/api/v1/accounts/{other_user.account.pk}/follow/", headers=ana)
    assert response.status_code == 200
    assert response.json()["following"] is True


@pytest.mark.django_db
def test_wrong_method_is_not_a_500(client: Client, ana: dict[str, str]) -> None:
    response = client.delete("/api/v1/accounts/verify_credentials", headers=ana)
    assert response.status_code == 405


@pytest.mark.django_db
def test_too_many_form_fields_is_a_clear_error(
    client: Client, other_user: User, ana: dict[str, str]
) -> None:
    body = "&".join(f"languages[]=l{n}" for n in range(5000))
    response = client.post(
        f"/api/v1/accounts/{other_user.account.pk}/follow",
        body,
        content_type="application/x-www-form-urlencoded",
        headers=ana,
    )
    assert response.status_code == 413
    assert "error" in response.json()


@pytest.mark.django_db
def test_api_and_token_endpoints_need_no_csrf_token(other_user: User, ana: dict[str, str]) -> None:
    # Apps authenticate with bearer tokens or client secrets, never cookies
    strict = Client(enforce_csrf_checks=True)
    registered = strict.post(
        "/api/v1/apps", {"client_name": "X", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
    )
    assert registered.status_code == 200
    followed = strict.post(f"/api/v1/accounts/{other_user.account.pk}/follow", headers=ana)
    assert followed.status_code == 200
    token = strict.post("/oauth/token", {"grant_type": "client_credentials"})
    assert token.status_code in (400, 401)  # refused for missing credentials, not for CSRF
    assert "error" in token.json()

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.api.models import TimelineMarker
from hearth.notifications.models import NotificationMarker

pytestmark = pytest.mark.django_db


def test_markers_round_trip(client: Client, user: User, ana: dict[str, str], check: Any) -> None:
    # Given nothing saved yet
    assert client.get("/api/v1/markers", {"timeline[]": ["home"]}, headers=ana).json() == {}
    # When an app saves the home position as a form (Rails keys)...
    saved = client.post("/api/v1/markers", {"home[last_read_id]": "1234"}, headers=ana)
    assert saved.status_code == 200
    check("Marker", saved.json()["home"])
    assert saved.json()["home"]["last_read_id"] == "1234"
    assert saved.json()["home"]["version"] == 1
    # ...and then as JSON (Mastodon.py), with notifications too
    again = client.post(
        "/api/v1/markers",
        {"home": {"last_read_id": 5678}, "notifications": {"last_read_id": "99"}},
        content_type="application/json",
        headers=ana,
    )
    assert again.json()["home"]["version"] == 2
    # Then both read back, and the website's unread marker moved too
    both = client.get(
        "/api/v1/markers", {"timeline[]": ["home", "notifications"]}, headers=ana
    ).json()
    assert both["home"]["last_read_id"] == "5678"
    assert both["notifications"]["last_read_id"] == "99"
    assert NotificationMarker.objects.get(account=user.account).last_read_id == 99
    assert TimelineMarker.objects.count() == 2


@pytest.mark.parametrize(
    "body", [{"home": {"last_read_id": "abc"}}, {"home": {"last_read_id": "-1"}}, {}]
)
def test_bad_markers_are_422(
    client: Client, ana: dict[str, str], check: Any, body: dict[str, Any]
) -> None:
    response = client.post("/api/v1/markers", body, content_type="application/json", headers=ana)
    assert response.status_code == 422
    check("Error", response.json())


def test_markers_need_a_token(client: Client) -> None:
    assert client.get("/api/v1/markers").status_code == 401


def test_preferences(client: Client, user: User, ana: dict[str, str], check: Any) -> None:
    User.objects.filter(pk=user.pk).update(default_visibility="unlisted", language="de")
    response = client.get("/api/v1/preferences/", headers=ana)
    assert response.status_code == 200
    check("Preferences", response.json())
    assert response.json()["posting:default:visibility"] == "unlisted"
    assert response.json()["posting:default:language"] == "de"

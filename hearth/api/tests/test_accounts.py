"""/api/v1/accounts: profiles, credentials, relationships and their actions."""

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken
from PIL import Image

from hearth.accounts.models import Account, User
from hearth.accounts.services import profile_update
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.graph.models import Block, Follow, FollowRequest, Mute
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

RFC3339_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def png_bytes(size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


# --- Reading ---------------------------------------------------------------------------------


def test_verify_credentials_is_a_credential_account(
    client: Client, user: User, ana: dict[str, str], check: Any
) -> None:
    # Given Ana with a bio, a link and a pending follow request
    profile_update(
        account=user.account,
        display_name="Ana",
        bio="Hello #world\n\nsee https://example.org",
        links=[{"name": "Site", "url": "https://ana.example"}],
        locked=True,
        discoverable=True,
    )
    graph.follow(actor=make_user("carla").account, target=user.account)
    # When her app verifies its credentials (with and without the slash)
    for path in ("/api/v1/accounts/verify_credentials", "/api/v1/accounts/verify_credentials/"):
        response = client.get(path, headers=ana)
        # Then it is the full CredentialAccount
        assert response.status_code == 200
        data = response.json()
        check("CredentialAccount", data)
    assert data["id"] == str(user.account.pk)
    assert data["acct"] == "ana"
    assert data["locked"] is True
    assert data["source"]["note"] == "Hello #world\n\nsee https://example.org"
    assert data["source"]["fields"] == [
        {"name": "Site", "value": "https://ana.example", "verified_at": None}
    ]
    assert data["source"]["follow_requests_count"] == 1
    assert data["source"]["privacy"] == "public"
    assert 'class="mention hashtag"' in data["note"]
    assert data["fields"][0]["value"].startswith('<a href="https://ana.example"')
    assert data["role"]["permissions"] == "65536"


def test_account_is_public_and_formatted(client: Client, user: User, check: Any) -> None:
    # When an anonymous client reads Ana's account
    response = client.get(f"/api/v1/accounts/{user.account.pk}")
    # Then ids are strings, times are midnight UTC with milliseconds, images default
    assert response.status_code == 200
    data = response.json()
    check("Account", data)
    assert data["id"] == str(user.account.pk)
    assert RFC3339_MS_Z.match(data["created_at"])
    assert data["created_at"].endswith("T00:00:00.000Z")
    assert data["avatar"] == "http://testserver/static/api/avatar-missing.png"
    assert data["header"] == "http://testserver/static/api/header-missing.png"
    assert data["url"] == "http://testserver/@ana"
    assert data["emojis"] == []
    assert data["fields"] == []
    assert data["bot"] is False
    assert data["group"] is False


def test_default_images_follow_the_static_address(
    client: Client, user: User, settings: Any
) -> None:
    # Given the static files moved to a CDN after a first request worked out their address
    assert client.get(f"/api/v1/accounts/{user.account.pk}").status_code == 200
    settings.STATIC_URL = "https://cdn.example.org/static/"
    # When the account is read again, Then its default images are the CDN's
    data = client.get(f"/api/v1/accounts/{user.account.pk}").json()
    assert data["avatar"] == "https://cdn.example.org/static/api/avatar-missing.png"
    assert data["header"] == "https://cdn.example.org/static/api/header-missing.png"


@pytest.mark.parametrize("account_id", ["0", "abc", "99999999999999999999999", "123"])
def test_unknown_account_is_404(client: Client, check: Any, account_id: str) -> None:
    response = client.get(f"/api/v1/accounts/{account_id}")
    assert response.status_code == 404
    check("Error", response.json())


def test_account_being_deleted_is_404(client: Client, user: User) -> None:
    User.objects.filter(pk=user.pk).update(deletion_scheduled_at=timezone.now())
    assert client.get(f"/api/v1/accounts/{user.account.pk}").status_code == 404


@pytest.mark.parametrize("acct", ["ana", "@ana", "ANA", "ana@localhost", "ana@testserver"])
def test_lookup(client: Client, user: User, acct: str) -> None:
    response = client.get("/api/v1/accounts/lookup", {"acct": acct})
    assert response.status_code == 200
    assert response.json()["username"] == "ana"


@pytest.mark.parametrize("acct", ["", "nobody", "ana@elsewhere.example"])
def test_lookup_misses_are_404(client: Client, user: User, acct: str) -> None:
    assert client.get("/api/v1/accounts/lookup", {"acct": acct}).status_code == 404


def test_relationships_report_all_fields(
    client: Client, user: User, other_user: User, ana: dict[str, str], check: Any
) -> None:
    # Given Ana follows Bruno and Bruno follows her back
    graph.follow(actor=user.account, target=other_user.account)
    graph.follow(actor=other_user.account, target=user.account)
    # When she asks with Rails' id[] form
    response = client.get(
        "/api/v1/accounts/relationships",
        {"id[]": [str(other_user.account.pk), "nope"]},
        headers=ana,
    )
    # Then Bruno's relationship comes back with Mastodon's 14 fields
    assert response.status_code == 200
    data = response.json()
    check("Relationship[]", data)
    assert len(data) == 1
    assert data[0]["following"] is True
    assert data[0]["followed_by"] is True
    assert data[0]["showing_reblogs"] is True
    # A single id= works too
    single = client.get(
        "/api/v1/accounts/relationships", {"id": str(other_user.account.pk)}, headers=ana
    )
    assert single.json()[0]["id"] == str(other_user.account.pk)


def test_relationships_with_ten_thousand_ids_is_clamped(
    client: Client, user: User, ana: dict[str, str], django_assert_max_num_queries: Any
) -> None:
    # Given 50 other members
    others = [make_user(f"m{n}").account.pk for n in range(50)]
    ids = [str(pk) for pk in others] + [str(n) for n in range(10_000)]
    query = "&".join(f"id[]={value}" for value in ids)
    # When a client asks about 10,000+ ids
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/accounts/relationships?{query}", headers=ana)
    # Then it gets the first 40, not an error
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [str(pk) for pk in others[:40]]


# --- Actions ---------------------------------------------------------------------------------


def test_follow_and_unfollow(
    client: Client, user: User, other_user: User, ana: dict[str, str], check: Any
) -> None:
    target = other_user.account.pk
    response = client.post(f"/api/v1/accounts/{target}/follow", {"reblogs": "0"}, headers=ana)
    assert response.status_code == 200
    check("Relationship", response.json())
    assert response.json()["following"] is True
    assert response.json()["showing_reblogs"] is False
    follow = Follow.objects.get(follower=user.account, target_id=target)
    assert follow.show_reposts is False
    assert Account.objects.get(pk=target).followers_count == 1
    response = client.post(f"/api/v1/accounts/{target}/unfollow/", headers=ana)
    assert response.json()["following"] is False
    assert not Follow.objects.exists()


def test_follow_locked_account_is_requested(
    client: Client, user: User, other_user: User, ana: dict[str, str], bruno: dict[str, str]
) -> None:
    Account.objects.filter(pk=other_user.account.pk).update(locked=True)
    response = client.post(f"/api/v1/accounts/{other_user.account.pk}/follow", headers=ana)
    assert response.json()["requested"] is True
    assert response.json()["following"] is False
    # Bruno sees the request, and accepts it
    listed = client.get("/api/v1/follow_requests", headers=bruno)
    assert [item["username"] for item in listed.json()] == ["ana"]
    accepted = client.post(f"/api/v1/follow_requests/{user.account.pk}/authorize", headers=bruno)
    assert accepted.status_code == 200
    assert accepted.json()["followed_by"] is True
    assert Follow.objects.filter(follower=user.account, target=other_user.account).exists()
    # Answering again: there is no request any more
    again = client.post(f"/api/v1/follow_requests/{user.account.pk}/reject", headers=bruno)
    assert again.status_code == 404


def test_reject_follow_request(
    client: Client, user: User, other_user: User, bruno: dict[str, str]
) -> None:
    Account.objects.filter(pk=other_user.account.pk).update(locked=True)
    graph.follow(actor=user.account, target=Account.objects.get(pk=other_user.account.pk))
    response = client.post(f"/api/v1/follow_requests/{user.account.pk}/reject", headers=bruno)
    assert response.status_code == 200
    assert response.json()["requested_by"] is False
    assert not FollowRequest.objects.exists()


def test_follow_oneself_or_across_a_block_is_403(
    client: Client, user: User, other_user: User, ana: dict[str, str], check: Any
) -> None:
    own = client.post(f"/api/v1/accounts/{user.account.pk}/follow", headers=ana)
    assert own.status_code == 403
    check("Error", own.json())
    graph.block(actor=other_user.account, target=user.account)
    blocked = client.post(f"/api/v1/accounts/{other_user.account.pk}/follow", headers=ana)
    assert blocked.status_code == 403


def test_block_mute_and_lists(
    client: Client, user: User, other_user: User, ana: dict[str, str], check: Any
) -> None:
    target = other_user.account.pk
    graph.follow(actor=user.account, target=other_user.account)
    blocked = client.post(f"/api/v1/accounts/{target}/block", headers=ana).json()
    assert blocked["blocking"] is True
    assert blocked["following"] is False
    listed = client.get("/api/v1/blocks", headers=ana)
    check("Account[]", listed.json())
    assert [item["id"] for item in listed.json()] == [str(target)]
    client.post(f"/api/v1/accounts/{target}/unblock", headers=ana)
    assert not Block.objects.exists()
    # Mute with notifications as a JSON boolean, as Phanpy sends it
    muted = client.post(
        f"/api/v1/accounts/{target}/mute",
        {"notifications": False},
        content_type="application/json",
        headers=ana,
    ).json()
    assert muted["muting"] is True
    assert muted["muting_notifications"] is False
    assert Mute.objects.get().hide_notifications is False
    assert [item["id"] for item in client.get("/api/v1/mutes", headers=ana).json()] == [str(target)]
    client.post(f"/api/v1/accounts/{target}/unmute", headers=ana)
    assert not Mute.objects.exists()


def test_remove_from_followers(
    client: Client, user: User, other_user: User, ana: dict[str, str]
) -> None:
    graph.follow(actor=other_user.account, target=user.account)
    response = client.post(
        f"/api/v1/accounts/{other_user.account.pk}/remove_from_followers", headers=ana
    )
    assert response.json()["followed_by"] is False
    assert not Follow.objects.exists()


def test_actions_on_a_missing_account_are_404(client: Client, ana: dict[str, str]) -> None:
    assert client.post("/api/v1/accounts/12345/follow", headers=ana).status_code == 404
    assert client.post("/api/v1/accounts/x/block", headers=ana).status_code == 404


def test_read_only_token_cannot_follow(
    client: Client, user: User, other_user: User, registered_app: RegisteredApp, check: Any
) -> None:
    headers = bearer(user, registered_app, scope="read")
    response = client.post(f"/api/v1/accounts/{other_user.account.pk}/follow", headers=headers)
    assert response.status_code == 403
    check("Error", response.json())
    assert not Follow.objects.exists()
    # A granular scope is enough; and `follow` covers follows, as on Mastodon
    for scope in ("write:follows", "follow"):
        headers = bearer(user, registered_app, scope=scope)
        ok = client.post(f"/api/v1/accounts/{other_user.account.pk}/follow", headers=headers)
        assert ok.status_code == 200


# --- Followers and following, paged ----------------------------------------------------------


def test_followers_pages_with_link_header(
    client: Client, user: User, ana: dict[str, str], check: Any
) -> None:
    # Given five followers
    followers = [make_user(f"fan{n}").account for n in range(5)]
    for follower in followers:
        graph.follow(actor=follower, target=user.account)
    path = f"/api/v1/accounts/{user.account.pk}/followers"
    # When a client asks for two at a time
    first = client.get(path, {"limit": "2", "extra": "kept"}, headers=ana)
    # Then it gets the newest two, and a Link with next first, absolute, params kept
    assert first.status_code == 200
    check("Account[]", first.json())
    assert [item["username"] for item in first.json()] == ["fan4", "fan3"]
    link = first["Link"]
    assert link.startswith(f"<http://testserver{path}?limit=2&extra=kept&max_id=")
    assert 'rel="next"' in link.split(",")[0]
    assert 'rel="prev"' in link
    next_url = re.match(r'<([^>]+)>; rel="next"', link)
    assert next_url is not None
    # When it follows the links to the end
    second = client.get(next_url.group(1), headers=ana)
    assert [item["username"] for item in second.json()] == ["fan2", "fan1"]
    third = client.get(re.match(r"<([^>]+)>", second["Link"]).group(1), headers=ana)  # type: ignore[union-attr]
    # Then the last page has no next
    assert [item["username"] for item in third.json()] == ["fan0"]
    assert 'rel="next"' not in third["Link"]
    # And a junk cursor is ignored rather than refused
    junk = client.get(path, {"max_id": "not-a-number", "limit": "1000"}, headers=ana)
    assert junk.status_code == 200
    assert len(junk.json()) == 5


def test_hidden_network_is_empty_for_others(
    client: Client, user: User, bruno: dict[str, str]
) -> None:
    graph.follow(actor=make_user("carla").account, target=user.account)
    Account.objects.filter(pk=user.account.pk).update(hide_network=True)
    response = client.get(f"/api/v1/accounts/{user.account.pk}/followers", headers=bruno)
    assert response.json() == []
    assert "Link" not in response


def test_following_list(client: Client, user: User, other_user: User) -> None:
    graph.follow(actor=user.account, target=other_user.account)
    response = client.get(f"/api/v1/accounts/{user.account.pk}/following")
    assert [item["username"] for item in response.json()] == ["bruno"]


# --- Tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic abc", "bearer", "Token x y"])
def test_bad_tokens_are_401(client: Client, check: Any, header: str) -> None:
    response = client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": header})
    assert response.status_code == 401
    check("Error", response.json())


def test_missing_token_is_401_but_public_reads_work(client: Client, user: User) -> None:
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 401
    assert client.get(f"/api/v1/accounts/{user.account.pk}").status_code == 200


def test_bad_token_on_a_public_endpoint_is_still_401(client: Client, user: User) -> None:
    response = client.get(
        f"/api/v1/accounts/{user.account.pk}", headers={"Authorization": "Bearer wrong"}
    )
    assert response.status_code == 401


def test_expired_token_is_401(client: Client, ana: dict[str, str]) -> None:
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/accounts/verify_credentials", headers=ana)
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


def test_suspended_member_token_is_401(client: Client, user: User, ana: dict[str, str]) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/accounts/verify_credentials", headers=ana).status_code == 401

"""GET /api/v2/search and /api/v1/accounts/search."""

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts.tests.factories import make_account, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana_account(user: User) -> Account:
    return user.account


def search(client: Client, headers: dict[str, str] | None = None, **params: Any) -> Any:
    response = client.get("/api/v2/search", params, headers=headers or {})
    assert response.status_code == 200, response.content
    return response.json()


def test_finds_accounts_hashtags_and_statuses(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    # Given carla, who posts about gardens with a tag
    carla = make_account("gardener")
    post = make_post(carla, "My garden today #gardening")
    # When ana searches "garden"
    found = search(client, ana, q="garden")
    # Then each kind of result is there, in Mastodon's shapes
    check("Search", found)
    assert [item["acct"] for item in found["accounts"]] == ["gardener"]
    assert [item["id"] for item in found["statuses"]] == [str(post.pk)]
    assert found["hashtags"] == [
        {
            "id": found["hashtags"][0]["id"],
            "name": "gardening",
            "url": "http://testserver/tags/gardening",
            "history": [],
            "following": None,
        }
    ]
    check("Tag", found["hashtags"][0])
    # And a type narrows it
    only_tags = search(client, ana, q="#garden", type="hashtags")
    check("Search", only_tags)
    assert (only_tags["accounts"], only_tags["statuses"]) == ([], [])
    assert len(only_tags["hashtags"]) == 1


def test_anonymous_search_sees_public_posts_only(client: Client, check: Any) -> None:
    author = make_account("carla")
    public = make_post(author, "hello world")
    make_post(author, "hello friends", visibility=Visibility.PRIVATE)
    found = search(client, q="hello")
    check("Search", found)
    assert [item["id"] for item in found["statuses"]] == [str(public.pk)]


def test_never_returns_private_posts_of_unfollowed_or_blocked_accounts(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    # Given a stranger, a friend and someone who blocks ana, all posting followers-only
    stranger, friend, blocker = make_account("zed"), make_account("fred"), make_account("bob")
    graph.follow(actor=ana_account, target=friend)
    graph.follow(actor=ana_account, target=blocker)
    make_post(stranger, "secret plans", visibility=Visibility.PRIVATE)
    seen = make_post(friend, "secret recipe", visibility=Visibility.PRIVATE)
    make_post(blocker, "secret public", visibility=Visibility.PUBLIC)
    make_post(blocker, "secret private", visibility=Visibility.PRIVATE)
    make_post(stranger, "secret direct @fred", visibility=Visibility.DIRECT)
    graph.block(actor=blocker, target=ana_account)
    # Then ana finds only her friend's post, and not the blocker's account either
    found = search(client, ana, q="secret")
    check("Search", found)
    assert [item["id"] for item in found["statuses"]] == [str(seen.pk)]
    assert search(client, ana, q="bob", type="accounts")["accounts"] == []


def test_following_account_id_limit_and_offset(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    carla, carmen = make_account("carla"), make_account("carmen")
    graph.follow(actor=ana_account, target=carmen)
    followed = search(client, ana, q="car", type="accounts", following="true")
    assert [item["acct"] for item in followed["accounts"]] == ["carmen"]
    made = [make_post(carla, f"note {n}") for n in range(3)]
    make_post(carmen, "note from carmen")
    by_carla = search(client, ana, q="note", account_id=str(carla.pk), limit=2, offset=1)
    check("Search", by_carla)
    assert [item["id"] for item in by_carla["statuses"]] == [str(made[1].pk), str(made[0].pk)]
    assert by_carla["accounts"] == []  # account_id narrows to statuses, as on Mastodon
    clamped = search(client, ana, q="car", limit=1000, offset=-3)
    check("Search", clamped)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "type": "everything"}, "type"),
        ({"q": "x", "limit": "lots"}, "limit"),
        ({"q": "x", "account_id": "abc"}, "account_id"),
        ({"q": "x", "resolve": "maybe"}, "resolve"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: Client, ana: dict[str, str], check: Any, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v2/search", params, headers=ana)
    assert response.status_code == 422
    check("Error", response.json())
    assert field in response.json()["details"]


@pytest.mark.parametrize("q", ["", "   ", "x" * 10_000, "%_\\", '"unclosed', "a & | ! ( b"])
def test_odd_queries_never_fail(client: Client, ana: dict[str, str], check: Any, q: str) -> None:
    make_post(make_account("carla"), "something")
    found = search(client, ana, q=q)
    check("Search", found)


def test_account_search(client: Client, ana: dict[str, str], check: Any) -> None:
    make_account("carla")
    response = client.get("/api/v1/accounts/search", {"q": "@CAR", "limit": 5}, headers=ana)
    assert response.status_code == 200
    check("Account[]", response.json())
    assert [item["acct"] for item in response.json()] == ["carla"]
    anonymous = client.get("/api/v1/accounts/search/", {"q": "carla"})
    check("Account[]", anonymous.json())
    assert len(anonymous.json()) == 1


def test_search_queries_are_constant(
    client: Client, ana: dict[str, str], django_assert_max_num_queries: Any
) -> None:
    author = make_account("carla")
    for n in range(5):
        make_post(author, f"word #word{n} @carla")
    with django_assert_max_num_queries(20) as five:
        assert len(search(client, ana, q="word")["statuses"]) == 5
    for n in range(15):
        make_post(make_account(f"wordsmith{n}"), f"word #word{n} @carla")
    with django_assert_max_num_queries(len(five.captured_queries)):
        found = search(client, ana, q="word")
    assert len(found["statuses"]) == 20
    assert len(found["accounts"]) == 15

"""/api/v1/lists, /api/v1/lists/:id/accounts, /api/v1/timelines/list/:id and
/api/v1/accounts/:id/lists."""

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines import lists
from hearth.timelines.models import List, ListMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana_account(user: User) -> Account:
    return user.account


@pytest.fixture
def bruno_account(other_user: User) -> Account:
    return other_user.account


def make_list(owner: Account, title: str = "Friends", **kwargs: Any) -> List:
    return lists.list_create(owner=owner, title=title, **kwargs)


def list_with(owner: Account, *members: Account, **kwargs: Any) -> List:
    made = make_list(owner, **kwargs)
    for member in members:
        graph.follow(actor=owner, target=member)
    lists.list_members_add(list_=made, account_ids=[member.pk for member in members])
    return made


# --- The lists themselves ----------------------------------------------------------------------


def test_create_read_update_delete(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    # When ana creates a list as JSON
    created = client.post(
        "/api/v1/lists",
        {"title": "  Close friends ", "replies_policy": "followed", "exclusive": "1"},
        content_type="application/json",
        headers=ana,
    )
    # Then it is stored as hers, title tidied
    assert created.status_code == 200
    check("List", created.json())
    assert created.json()["title"] == "Close friends"
    assert created.json()["replies_policy"] == "followed"
    assert created.json()["exclusive"] is True
    list_id = created.json()["id"]
    assert List.objects.get(pk=list_id).owner == ana_account
    # And it is listed and shown
    index = client.get("/api/v1/lists/", headers=ana)
    check("List[]", index.json())
    assert [item["id"] for item in index.json()] == [list_id]
    shown = client.get(f"/api/v1/lists/{list_id}", headers=ana)
    check("List", shown.json())
    # When she renames it with a form PUT, leaving the rest
    updated = client.put(
        f"/api/v1/lists/{list_id}",
        "title=Family",
        content_type="application/x-www-form-urlencoded",
        headers=ana,
    )
    check("List", updated.json())
    assert updated.json() == {**created.json(), "title": "Family"}
    # And deletes it
    deleted = client.delete(f"/api/v1/lists/{list_id}", headers=ana)
    assert deleted.status_code == 200
    assert deleted.json() == {}
    assert not List.objects.filter(pk=list_id).exists()
    assert client.get(f"/api/v1/lists/{list_id}", headers=ana).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"title": "ok", "replies_policy": "everyone"}, "replies_policy"),
        ({"title": "ok", "exclusive": "maybe"}, "exclusive"),
    ],
)
def test_bad_list_input_is_422_naming_the_field(
    client: Client, ana: dict[str, str], check: Any, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/lists", body, content_type="application/json", headers=ana)
    assert response.status_code == 422
    check("Error", response.json())
    assert field in response.json()["details"]
    assert not List.objects.exists()


def test_someone_elses_list_is_not_found(
    client: Client, ana: dict[str, str], bruno_account: Account, check: Any
) -> None:
    # Given bruno's list, with a member and posts
    carla = make_account("carla")
    theirs = list_with(bruno_account, carla)
    make_post(carla, "hello")
    # Then to ana it does not exist, however she asks
    for method, path in [
        ("get", f"/api/v1/lists/{theirs.pk}"),
        ("put", f"/api/v1/lists/{theirs.pk}"),
        ("delete", f"/api/v1/lists/{theirs.pk}"),
        ("get", f"/api/v1/lists/{theirs.pk}/accounts"),
        ("post", f"/api/v1/lists/{theirs.pk}/accounts"),
        ("delete", f"/api/v1/lists/{theirs.pk}/accounts"),
        ("get", f"/api/v1/timelines/list/{theirs.pk}"),
        ("get", "/api/v1/lists/not-a-number"),
        ("get", "/api/v1/timelines/list/99999999999999999999999"),
    ]:
        response = getattr(client, method)(
            path,
            {"title": "mine now", "account_ids": [str(carla.pk)]},
            content_type="application/json",
            headers=ana,
        )
        assert response.status_code == 404, (method, path)
        check("Error", response.json())
    # And nothing changed
    assert List.objects.get(pk=theirs.pk).title == "Friends"
    assert ListMember.objects.filter(list=theirs).count() == 1
    assert client.get("/api/v1/lists", headers=ana).json() == []


def test_lists_need_the_scope(client: Client, user: User, registered_app: Any, check: Any) -> None:
    read_only = bearer(user, registered_app, scope="read")
    assert client.get("/api/v1/lists", headers=read_only).status_code == 200
    refused = client.post("/api/v1/lists", {"title": "x"}, headers=read_only)
    assert refused.status_code == 403
    check("Error", refused.json())
    assert client.get("/api/v1/lists").status_code == 401


# --- Members -----------------------------------------------------------------------------------


def test_members_are_added_listed_and_removed(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    # Given ana follows carla and dora, and has a list
    carla, dora = make_account("carla"), make_account("dora")
    graph.follow(actor=ana_account, target=carla)
    graph.follow(actor=ana_account, target=dora)
    mine = make_list(ana_account)
    # When she adds both as a form with Rails keys
    added = client.post(
        f"/api/v1/lists/{mine.pk}/accounts",
        f"account_ids[]={carla.pk}&account_ids[]={dora.pk}",
        content_type="application/x-www-form-urlencoded",
        headers=ana,
    )
    assert added.status_code == 200
    assert added.json() == {}
    # Then both are members, newest first
    members = client.get(f"/api/v1/lists/{mine.pk}/accounts", headers=ana)
    check("Account[]", members.json())
    assert {item["id"] for item in members.json()} == {str(carla.pk), str(dora.pk)}
    # limit=0 means all of them (Tusky's list editor)
    everyone = client.get(f"/api/v1/lists/{mine.pk}/accounts?limit=0", headers=ana)
    check("Account[]", everyone.json())
    assert len(everyone.json()) == 2
    # And each account's lists say so
    theirs = client.get(f"/api/v1/accounts/{carla.pk}/lists", headers=ana)
    check("List[]", theirs.json())
    assert [item["id"] for item in theirs.json()] == [str(mine.pk)]
    # When she removes carla with the ids in the query string (as some clients send DELETE)
    removed = client.delete(
        f"/api/v1/lists/{mine.pk}/accounts?account_ids[]={carla.pk}", headers=ana
    )
    assert removed.status_code == 200
    assert list(ListMember.objects.filter(list=mine).values_list("account_id", flat=True)) == [
        dora.pk
    ]
    assert client.get(f"/api/v1/accounts/{carla.pk}/lists", headers=ana).json() == []


def test_members_page_with_a_link(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    people = [make_account(f"member{number}") for number in range(3)]
    mine = list_with(ana_account, *people)
    first = client.get(f"/api/v1/lists/{mine.pk}/accounts?limit=2", headers=ana)
    check("Account[]", first.json())
    assert [item["username"] for item in first.json()] == ["member2", "member1"]
    next_url = first["Link"].split(";")[0].strip("<>")
    second = client.get(next_url, headers=ana)
    assert [item["username"] for item in second.json()] == ["member0"]


def test_adding_an_account_not_followed_is_422_naming_account_ids(
    client: Client, ana: dict[str, str], ana_account: Account, bruno_account: Account, check: Any
) -> None:
    # Given ana follows carla but not bruno
    carla = make_account("carla")
    graph.follow(actor=ana_account, target=carla)
    mine = make_list(ana_account)
    for ids in ([str(bruno_account.pk)], [str(carla.pk), str(bruno_account.pk)], ["abc"], []):
        response = client.post(
            f"/api/v1/lists/{mine.pk}/accounts",
            {"account_ids": ids},
            content_type="application/json",
            headers=ana,
        )
        assert response.status_code == 422, ids
        check("Error", response.json())
        assert "account_ids" in response.json()["details"]
    # Then nobody was added, not even carla: all or none
    assert not ListMember.objects.exists()


def test_unfollow_and_block_take_members_off_lists(
    ana_account: Account, django_capture_on_commit_callbacks: Any
) -> None:
    carla, dora = make_account("carla"), make_account("dora")
    mine = list_with(ana_account, carla, dora)
    with django_capture_on_commit_callbacks(execute=True):
        graph.unfollow(actor=ana_account, target=carla)
    with django_capture_on_commit_callbacks(execute=True):
        graph.block(actor=dora, target=ana_account)
    assert not ListMember.objects.filter(list=mine).exists()


# --- The timeline ------------------------------------------------------------------------------


def timeline(client: Client, headers: dict[str, str], list_: List, **params: Any) -> Any:
    response = client.get(f"/api/v1/timelines/list/{list_.pk}", params, headers=headers)
    assert response.status_code == 200
    return response


def test_timeline_has_members_posts_only(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    # Given a list with carla, and ana also following erik who is not on it
    carla, erik = make_account("carla"), make_account("erik")
    mine = list_with(ana_account, carla)
    graph.follow(actor=ana_account, target=erik)
    by_carla = make_post(carla, "from carla")
    followers_only = make_post(carla, "for followers", visibility=Visibility.PRIVATE)
    make_post(erik, "from erik")
    make_post(ana_account, "from ana")
    # Then the list shows carla's posts, followers-only included, and nobody else's
    response = timeline(client, ana, mine)
    check("Status[]", response.json())
    assert [item["id"] for item in response.json()] == [str(followers_only.pk), str(by_carla.pk)]


def test_timeline_replies_policy(
    client: Client, ana: dict[str, str], ana_account: Account, bruno_account: Account
) -> None:
    carla, dora, erik = make_account("carla"), make_account("dora"), make_account("erik")
    mine = list_with(ana_account, carla, dora)
    graph.follow(actor=ana_account, target=erik)
    to_dora = make_post(carla, "@dora hi", in_reply_to=make_post(dora, "dora says"))
    to_erik = make_post(carla, "@erik hi", in_reply_to=make_post(erik, "erik says"))
    to_bruno = make_post(carla, "@bruno hi", in_reply_to=make_post(bruno_account, "bruno says"))
    to_ana = make_post(carla, "@ana hi", in_reply_to=make_post(ana_account, "ana says"))

    def replies() -> set[int]:
        ids = {int(item["id"]) for item in timeline(client, ana, mine).json()}
        return ids & {to_dora.pk, to_erik.pk, to_bruno.pk, to_ana.pk}

    assert replies() == {to_dora.pk, to_ana.pk}  # "list", the default
    lists.list_update(list_=mine, replies_policy="followed")
    assert replies() == {to_dora.pk, to_erik.pk, to_ana.pk}
    lists.list_update(list_=mine, replies_policy="none")
    assert replies() == {to_ana.pk}


def test_timeline_respects_blocks_and_mutes(
    client: Client, ana: dict[str, str], ana_account: Account, bruno_account: Account
) -> None:
    # Given carla and dora on ana's list
    carla, dora = make_account("carla"), make_account("dora")
    mine = list_with(ana_account, carla, dora)
    by_bruno = make_post(bruno_account, "from bruno")
    reposted = make_post(dora, "dora's own")
    by_carla = make_post(carla, "carla's own")
    # When carla reposts bruno, who blocks ana, and ana mutes dora
    graph.block(actor=bruno_account, target=ana_account)
    posts.reblog(actor=carla, post=by_bruno)
    graph.mute(actor=ana_account, target=dora, hide_notifications=False)
    # Then only carla's own post shows: not the repost across a block, not muted dora
    shown = [item["id"] for item in timeline(client, ana, mine).json()]
    assert shown == [str(by_carla.pk)]
    assert str(reposted.pk) not in shown


def test_timeline_pages_with_link(
    client: Client, ana: dict[str, str], ana_account: Account, check: Any
) -> None:
    carla = make_account("carla")
    mine = list_with(ana_account, carla)
    made = [make_post(carla, f"post {number}") for number in range(5)]
    first = timeline(client, ana, mine, limit=3)
    assert [item["id"] for item in first.json()] == [str(post.pk) for post in made[:1:-1]]
    assert first["Link"].startswith("<http")
    next_url = first["Link"].split(";")[0].strip("<>")
    second = client.get(next_url, headers=ana)
    check("Status[]", second.json())
    assert [item["id"] for item in second.json()] == [str(made[1].pk), str(made[0].pk)]
    newer = timeline(client, ana, mine, min_id=made[2].pk)
    assert [item["id"] for item in newer.json()] == [str(made[4].pk), str(made[3].pk)]


def test_timeline_queries_are_constant(
    client: Client,
    ana: dict[str, str],
    ana_account: Account,
    django_assert_max_num_queries: Any,
) -> None:
    carla, dora = make_account("carla"), make_account("dora")
    mine = list_with(ana_account, carla, dora)
    for number in range(5):
        make_post(carla, f"carla #tag{number} @dora")
    with django_assert_max_num_queries(20) as five:
        assert len(timeline(client, ana, mine).json()) == 5
    for number in range(15):
        post = make_post(dora, f"dora {number} @carla #x")
        if number % 3 == 0:
            posts.reblog(actor=carla, post=post)
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert len(timeline(client, ana, mine).json()) == 20

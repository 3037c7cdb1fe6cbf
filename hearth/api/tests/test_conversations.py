"""/api/v1/conversations: the inbox of direct posts, read, hide, paging, cost, and privacy."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Account, User
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.messaging.models import Conversation, ConversationMember
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/conversations"


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what a block enqueues on commit: the posts signals, then the (eager) tasks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def direct(author: Account, text: str, **kw: Any) -> Post:
    return posts.post_create(author=author, text=text, visibility="direct", **kw)


@pytest.fixture
def carla(db: None) -> User:
    return make_user("carla")


@pytest.fixture
def carla_token(carla: User, registered_app: RegisteredApp) -> dict[str, str]:
    return bearer(carla, registered_app)


def test_a_direct_post_starts_a_conversation_for_both(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    bruno: dict[str, str],
    check: Any,
    committed: Any,
) -> None:
    # Given Ana writes to Bruno, and a public post mentions him too (not a conversation)
    with committed():
        first = direct(user.account, "@bruno are you coming tonight?")
        posts.post_create(author=user.account, text="@bruno public", visibility="public")

    # Then Bruno has one unread conversation with Ana, its last status Ana's post
    his = client.get(URL, headers=bruno)
    assert his.status_code == 200
    check("Conversation[]", his.json())
    [conversation] = his.json()
    assert conversation["unread"] is True
    assert [a["username"] for a in conversation["accounts"]] == ["ana"]
    assert conversation["last_status"]["id"] == str(first.pk)
    assert conversation["last_status"]["visibility"] == "direct"
    # And Ana has the same conversation, read (she wrote it), with Bruno
    [hers] = client.get(URL, headers=ana).json()
    assert hers["id"] == conversation["id"]
    assert hers["unread"] is False
    assert [a["username"] for a in hers["accounts"]] == ["bruno"]

    # When Bruno answers, it is the same conversation, now unread for Ana
    with committed():
        answer = direct(other_user.account, "@ana yes!", in_reply_to=first)
    [hers] = client.get(URL, headers=ana).json()
    check("Conversation", hers)
    assert hers["id"] == conversation["id"]
    assert hers["unread"] is True
    assert hers["last_status"]["id"] == str(answer.pk)
    assert Conversation.objects.count() == 1


def test_read_and_hide(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    bruno: dict[str, str],
    check: Any,
    committed: Any,
) -> None:
    with committed():
        direct(user.account, "@bruno hi")
    conversation_id = client.get(URL, headers=bruno).json()[0]["id"]
    member = ConversationMember.objects.get(account=other_user.account)

    # When Bruno marks it read (trailing slash, as Mastodon.py sends)
    read = client.post(f"{URL}/{conversation_id}/read/", headers=bruno)
    assert read.status_code == 200
    check("Conversation", read.json())
    assert read.json()["unread"] is False
    member.refresh_from_db()
    assert member.unread is False

    # When he deletes it, it is hidden for him only
    hidden = client.delete(f"{URL}/{conversation_id}", headers=bruno)
    assert hidden.status_code == 200
    assert hidden.json() == {}
    member.refresh_from_db()
    assert member.hidden is True
    assert client.get(URL, headers=bruno).json() == []
    assert len(client.get(URL, headers=ana).json()) == 1
    assert client.post(f"{URL}/{conversation_id}/read", headers=bruno).status_code == 404

    # A new message brings it back, unread
    with committed():
        direct(user.account, "@bruno still there?")
    [back] = client.get(URL, headers=bruno).json()
    assert back["id"] == conversation_id
    assert back["unread"] is True


def test_a_third_person_never_sees_it(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    bruno: dict[str, str],
    carla_token: dict[str, str],
    check: Any,
    committed: Any,
) -> None:
    with committed():
        direct(user.account, "@bruno just between us")
    conversation_id = client.get(URL, headers=ana).json()[0]["id"]

    # Carla's list is empty, and she can neither read nor hide it: 404, not 403
    assert client.get(URL, headers=carla_token).json() == []
    for response in (
        client.post(f"{URL}/{conversation_id}/read", headers=carla_token),
        client.delete(f"{URL}/{conversation_id}", headers=carla_token),
        client.post(f"{URL}/not-a-number/read", headers=ana),
        client.delete(f"{URL}/99999999999999999999999", headers=ana),
    ):
        assert response.status_code == 404
        check("Error", response.json())
    assert ConversationMember.objects.filter(hidden=True).count() == 0
    assert ConversationMember.objects.filter(unread=True).count() == 1


def test_group_conversations_and_self_only(
    client: Client,
    user: User,
    other_user: User,
    carla: User,
    ana: dict[str, str],
    check: Any,
    committed: Any,
) -> None:
    # Given a conversation with two others, and a note to herself (a conversation with nobody)
    with committed():
        direct(user.account, "@bruno @carla plans?")
        posts.post_create(author=user.account, text="@ana remember", visibility="direct")

    data = client.get(URL, headers=ana).json()
    check("Conversation[]", data)
    assert [[a["username"] for a in c["accounts"]] for c in data] == [
        ["ana"],  # only herself: Mastodon lists the viewer
        ["bruno", "carla"],
    ]


def test_paging_by_last_status(
    client: Client, user: User, ana: dict[str, str], check: Any, committed: Any
) -> None:
    # Given conversations with three people, the newest last
    people = [make_user(f"pal{number}").account for number in range(3)]
    with committed():
        for person in people:
            direct(user.account, f"@{person.username} hello")

    first = client.get(URL, {"limit": "2"}, headers=ana)
    check("Conversation[]", first.json())
    assert [c["accounts"][0]["username"] for c in first.json()] == ["pal2", "pal1"]
    link = first["Link"]
    assert link.startswith("<http://testserver/api/v1/conversations?")
    next_url = link.split(">")[0].removeprefix("<")
    assert f"max_id={first.json()[1]['last_status']['id']}" in next_url
    rest = client.get(next_url, headers=ana)
    assert [c["accounts"][0]["username"] for c in rest.json()] == ["pal0"]
    assert 'rel="next"' not in rest.get("Link", "")


def test_a_page_of_many_costs_what_a_page_of_few_costs(
    client: Client, user: User, ana: dict[str, str], committed: Any
) -> None:
    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"limit": str(limit)}, headers=ana)
        assert len(response.json()) == limit
        return len(captured.captured_queries)

    with committed():
        for number in range(8):
            a, b = make_user(f"x{number}").account, make_user(f"y{number}").account
            direct(user.account, f"@{a.username} @{b.username} hi #tag{number}")
    assert queries(8) == queries(2)


def test_deleting_messages(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    bruno: dict[str, str],
    committed: Any,
) -> None:
    with committed():
        first = direct(user.account, "@bruno one")
        second = direct(other_user.account, "@ana two", in_reply_to=first)

    # When the newest message is deleted, the conversation falls back to the one before
    with committed():
        posts.post_delete(post=second, actor=other_user.account)
    [hers] = client.get(URL, headers=ana).json()
    assert hers["last_status"]["id"] == str(first.pk)

    # When the last one goes, so does the conversation
    with committed():
        posts.post_delete(post=first, actor=user.account)
    assert client.get(URL, headers=ana).json() == []
    assert client.get(URL, headers=bruno).json() == []
    assert not Conversation.objects.exists()


def test_blocks_keep_people_apart(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    bruno: dict[str, str],
    committed: Any,
) -> None:
    from hearth.graph import services as graph

    # Given Bruno blocks Ana before she writes to him
    graph.block(actor=other_user.account, target=user.account)
    with committed():
        direct(user.account, "@bruno hello?")
    # Then it never reaches his inbox (posts' visibility rules decide)
    assert client.get(URL, headers=bruno).json() == []


def test_tokens_and_scopes(
    client: Client, user: User, registered_app: RegisteredApp, check: Any
) -> None:
    assert client.get(URL).status_code == 401
    wrong = client.get(URL, headers=bearer(user, registered_app, scope="read:notifications"))
    assert wrong.status_code == 403
    check("Error", wrong.json())
    read_only = bearer(user, registered_app, scope="read")
    assert client.get(URL, headers=read_only).status_code == 200
    assert client.delete(f"{URL}/1", headers=read_only).status_code == 403

"""The Messages pages: the inbox, a conversation, replying in it, and who may see what."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Account, User
from hearth.messaging.models import ConversationMember
from hearth.posts import services as posts
from hearth.posts.models import Mention, Post
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def direct(author: Account, body: str, **kw: Any) -> Post:
    return posts.post_create(author=author, text=body, visibility="direct", **kw)


def conversation_id(account: Account) -> int:
    found: int = ConversationMember.objects.get(account=account).conversation_id
    return found


def test_login_required(client: Client) -> None:
    for url in ("/messages", "/messages/123"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_empty_inbox_explains_direct_posts(client_with_user: Client) -> None:
    response = client_with_user.get("/messages")
    assert response.status_code == 200
    page = text(response)
    assert "No messages yet" in page
    assert "Mentioned people only" in page
    # The header links here
    assert 'href="/messages" aria-current="page"' in response.content.decode()


def test_the_inbox_lists_conversations_newest_first_unread_marked(
    client_with_user: Client, user: User, other_user: User, committed: Any
) -> None:
    carla = make_user("carla").account
    with committed():
        direct(other_user.account, "@ana lunch tomorrow?")
        direct(user.account, "@carla did you get the book?")

    response = client_with_user.get("/messages")

    assert response.status_code == 200
    page = text(response)
    assert page.index("carla") < page.index("bruno")  # newest message first
    assert "You: did you get the book?" in page.replace("@carla ", "")
    html = response.content.decode()
    unread = re.findall(
        r'class="notification [^"]*notification--unread[^"]*" id="conversation-(\d+)"', html
    )
    assert unread == [str(conversation_id(other_user.account))]
    assert carla.username in page


def test_a_page_of_conversations_costs_the_same_for_more(
    client_with_user: Client, user: User, committed: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_with_user.get("/messages").status_code == 200
        return len(captured.captured_queries)

    with committed():
        for number in range(2):
            direct(user.account, f"@{make_user(f'a{number}').username} hi")
    queries()  # the first request of a session also writes its activity
    few = queries()
    with committed():
        for number in range(6):
            direct(user.account, f"@{make_user(f'b{number}').username} hi")
    assert queries() == few


def test_opening_a_conversation_shows_the_thread_and_marks_it_read(
    client_with_user: Client, user: User, other_user: User, committed: Any
) -> None:
    with committed():
        first = direct(user.account, "@bruno are you coming?")
        direct(other_user.account, "@ana yes, at eight", in_reply_to=first)
    member = ConversationMember.objects.get(account=user.account)
    assert member.unread is True

    response = client_with_user.get(f"/messages/{member.conversation_id}")

    assert response.status_code == 200
    page = text(response)
    assert page.index("are you coming?") < page.index("yes, at eight")
    assert "Goes to @bruno" in page
    member.refresh_from_db()
    assert member.unread is False


def test_replying_posts_direct_to_the_same_people(
    client_with_user: Client, user: User, other_user: User, committed: Any
) -> None:
    carla = make_user("carla").account
    with committed():
        first = direct(other_user.account, "@ana @carla party on friday")
    cid = conversation_id(carla)

    # When Ana replies without mentioning anyone
    with committed():
        response = client_with_user.post(f"/messages/{cid}", {"text": "Count me in"})

    # Then it is a direct post to both, replying to the last message, in the same conversation
    assert response.status_code == 302
    assert response["Location"] == f"/messages/{cid}#reply"
    reply = Post.objects.filter(author=user.account).get()
    assert reply.visibility == "direct"
    assert reply.in_reply_to_id == first.pk
    assert set(Mention.objects.filter(post=reply).values_list("account__username", flat=True)) == {
        "bruno",
        "carla",
    }
    assert ConversationMember.objects.get(account=carla).last_status_id == reply.pk
    assert ConversationMember.objects.get(account=carla).unread is True


def test_a_blank_reply_is_an_error_next_to_the_field(
    client_with_user: Client, other_user: User, user: User, committed: Any
) -> None:
    with committed():
        direct(other_user.account, "@ana hi")
    cid = conversation_id(user.account)

    response = client_with_user.post(f"/messages/{cid}", {"text": "   "})

    assert response.status_code == 400
    assert "Write something to post." in text(response)
    assert not Post.objects.filter(author=user.account).exists()


def test_a_third_person_gets_404(
    client: Client, user: User, other_user: User, committed: Any
) -> None:
    with committed():
        direct(user.account, "@bruno secret")
    cid = conversation_id(other_user.account)
    carla = make_user("carla")
    client.force_login(carla)

    assert client.get(f"/messages/{cid}").status_code == 404
    assert client.post(f"/messages/{cid}", {"text": "@ana @bruno hi"}).status_code == 404
    assert not Post.objects.filter(author=carla.account).exists()
    assert "secret" not in text(client.get("/messages"))

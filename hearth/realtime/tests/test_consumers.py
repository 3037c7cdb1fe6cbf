"""The streaming API through its real consumers (Channels' communicators, the configured layer:
in-memory, or channels-redis when REDIS_URL is set), with members and posts made by the real
services, so the events come from the real signals."""

import json
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from oauth2_provider.models import AccessToken

from config.asgi import application
from hearth.accounts.models import Account, User
from hearth.api.oauth.services import authorization_revoke
from hearth.graph import services as graph
from hearth.messaging.models import ConversationPost
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.realtime.tests.communicators import HttpCommunicator, WebsocketCommunicator
from hearth.realtime.tests.conftest import TokenFor
from hearth.timelines import lists

Check = Callable[[str, Any], None]
WAIT = 5  # seconds an expected event may take
QUIET = 0.5  # seconds of silence that mean "nothing was sent"

sync = database_sync_to_async


def run(body: Callable[[], Awaitable[None]]) -> None:
    """Run an async test body to its end, on a thread of its own: async_to_sync refuses a
    thread with a running event loop, which an earlier test in the same process (Playwright's
    sync API) can leave on the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(async_to_sync(body)).result()


def socket(raw: str | None = None, query: str = "", **kwargs: Any) -> WebsocketCommunicator:
    headers = [(b"host", b"testserver")]
    if raw is not None:
        headers.append((b"authorization", f"Bearer {raw}".encode()))
    path = "/api/v1/streaming" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=headers, **kwargs)


def account(user: User) -> Account:
    return user.account


@sync
def write(text: str, author: User, visibility: str = "public") -> Post:
    return posts.post_create(author=author.account, text=text, visibility=visibility)


@sync
def follow(follower: User, target: User) -> None:
    graph.follow(actor=follower.account, target=target.account)


async def next_event(ws: WebsocketCommunicator) -> dict[str, Any]:
    message: dict[str, Any] = await ws.receive_json_from(timeout=WAIT)
    return message


def test_user_stream_gets_a_followed_accounts_post_edit_and_delete(
    ana: User, bruno: User, token_for: TokenFor, check: Check
) -> None:
    # Given ana follows bruno and streams her home timeline
    graph.follow(actor=ana.account, target=bruno.account)
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=user")
        connected, _ = await ws.connect()
        assert connected
        # When bruno posts, edits and deletes
        post = await write("Hello #hearth", bruno)
        update = await next_event(ws)
        await sync(posts.post_edit)(
            post=post, editor=bruno.account, text="Hello again", spoiler_text="", sensitive=False
        )
        edited = await next_event(ws)
        await sync(posts.post_delete)(post=post, actor=bruno.account)
        deleted = await next_event(ws)
        await ws.disconnect()

        # Then she gets each as Mastodon sends it
        assert update["stream"] == ["user"]
        assert update["event"] == "update"
        status = json.loads(update["payload"])
        check("Status", status)
        assert status["id"] == str(post.pk)
        assert status["account"]["username"] == "bruno"
        assert edited["event"] == "status.update"
        assert "Hello again" in json.loads(edited["payload"])["content"]
        assert deleted == {"stream": ["user"], "event": "delete", "payload": str(post.pk)}

    run(body)


def test_user_stream_gets_notifications(
    ana: User, bruno: User, token_for: TokenFor, check: Check
) -> None:
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=user")
        assert (await ws.connect())[0]
        # When bruno, whom ana doesn't follow, mentions her
        post = await write("@ana look at this", bruno)
        event = await next_event(ws)
        await ws.disconnect()
        # Then she is notified (and the post itself is not in her home stream)
        assert event["event"] == "notification"
        notification = json.loads(event["payload"])
        check("Notification", notification)
        assert notification["type"] == "mention"
        assert notification["status"]["id"] == str(post.pk)

    run(body)


def test_a_followers_only_post_never_reaches_a_non_follower(
    ana: User, bruno: User, carla: User, token_for: TokenFor
) -> None:
    # Given carla follows bruno, ana does not; both stream home and public
    graph.follow(actor=carla.account, target=bruno.account)
    raw_ana, raw_carla = token_for(ana), token_for(carla)

    async def body() -> None:
        ana_ws = socket(raw_ana, "stream=user")
        carla_ws = socket(raw_carla, "stream=user")
        assert (await ana_ws.connect())[0]
        assert (await carla_ws.connect())[0]
        await ana_ws.send_json_to({"type": "subscribe", "stream": "public"})
        # When bruno posts to his followers, then publicly
        private = await write("followers only", bruno, "private")
        public = await write("for everyone", bruno)
        # Then carla gets both; ana only the public one, on the public stream
        first, second = await next_event(carla_ws), await next_event(carla_ws)
        assert [json.loads(e["payload"])["id"] for e in (first, second)] == [
            str(private.pk),
            str(public.pk),
        ]
        only = await next_event(ana_ws)
        assert only["stream"] == ["public"]
        assert json.loads(only["payload"])["id"] == str(public.pk)
        assert await ana_ws.receive_nothing(QUIET)
        await ana_ws.disconnect()
        await carla_ws.disconnect()

    run(body)


def test_blocked_accounts_posts_are_not_streamed(
    ana: User, bruno: User, carla: User, token_for: TokenFor
) -> None:
    # Given ana blocked bruno and streams the public timeline
    graph.block(actor=ana.account, target=bruno.account)
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=public")
        assert (await ws.connect())[0]
        # When bruno, then carla, post publicly
        await write("from bruno", bruno)
        from_carla = await write("from carla", carla)
        # Then only carla's post arrives
        event = await next_event(ws)
        assert json.loads(event["payload"])["id"] == str(from_carla.pk)
        assert await ws.receive_nothing(QUIET)
        await ws.disconnect()

    run(body)


def test_following_someone_while_connected_streams_their_posts(
    ana: User, bruno: User, token_for: TokenFor
) -> None:
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=user")
        assert (await ws.connect())[0]
        await follow(ana, bruno)
        # The stream joins bruno's group when the follow's event reaches it (a round trip on
        # the layer); a post in that instant is in her home timeline, just not streamed.
        await ws.receive_nothing(QUIET)
        post = await write("new follower, new post", bruno)
        event = await next_event(ws)
        assert event["event"] == "update"
        assert json.loads(event["payload"])["id"] == str(post.pk)
        await ws.disconnect()

    run(body)


def test_hashtag_stream_by_subscribe_message_and_unsubscribe(
    ana: User, bruno: User, token_for: TokenFor
) -> None:
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw)
        assert (await ws.connect())[0]
        await ws.send_json_to({"type": "subscribe", "stream": "hashtag", "tag": "Hearth"})
        await ws.receive_nothing(QUIET)  # let the subscription land
        await write("untagged", bruno)
        tagged = await write("about #hearth", bruno)
        event = await next_event(ws)
        assert event["stream"] == ["hashtag", "Hearth"]
        assert json.loads(event["payload"])["id"] == str(tagged.pk)
        await ws.send_json_to({"type": "unsubscribe", "stream": "hashtag", "tag": "Hearth"})
        await ws.receive_nothing(QUIET)
        await write("more #hearth", bruno)
        assert await ws.receive_nothing(QUIET)
        await ws.disconnect()

    run(body)


def test_list_stream_gets_its_members_posts_only(
    ana: User, bruno: User, carla: User, token_for: TokenFor, check: Check
) -> None:
    # Given ana follows bruno and carla, and lists only bruno
    raw = token_for(ana)

    @sync
    def make_list() -> int:
        graph.follow(actor=ana.account, target=bruno.account)
        graph.follow(actor=ana.account, target=carla.account)
        made = lists.list_create(owner=ana.account, title="Friends")
        lists.list_members_add(list_=made, account_ids=[bruno.account.pk])
        return made.pk

    async def body() -> None:
        list_id = await make_list()
        ws = socket(raw)
        assert (await ws.connect())[0]
        await ws.send_json_to({"type": "subscribe", "stream": "list", "list": str(list_id)})
        await ws.receive_nothing(QUIET)  # let the subscription land
        # When carla posts, nothing; when bruno posts, an update on ["list", id]
        await write("not on the list", carla)
        listed = await write("on the list", bruno)
        event = await next_event(ws)
        assert event["stream"] == ["list", str(list_id)]
        assert event["event"] == "update"
        status = json.loads(event["payload"])
        check("Status", status)
        assert status["id"] == str(listed.pk)
        assert await ws.receive_nothing(QUIET)
        await ws.disconnect()

    run(body)


def test_someone_elses_list_cannot_be_streamed(ana: User, bruno: User, token_for: TokenFor) -> None:
    @sync
    def brunos_list() -> int:
        return lists.list_create(owner=bruno.account, title="Mine").pk

    raw = token_for(ana)

    async def body() -> None:
        list_id = await brunos_list()
        ws = socket(raw)
        assert (await ws.connect())[0]
        await ws.send_json_to({"type": "subscribe", "stream": "list", "list": str(list_id)})
        error = await next_event(ws)
        assert error == {"error": "Not authorized to stream this list", "status": 401}
        await ws.disconnect()

    run(body)


def test_direct_stream_gets_a_conversation(
    ana: User, bruno: User, token_for: TokenFor, check: Check
) -> None:
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=direct")
        assert (await ws.connect())[0]
        post = await write("@ana just between us", bruno, "direct")
        event = await next_event(ws)
        await ws.disconnect()
        assert event["stream"] == ["direct"]
        assert event["event"] == "conversation"
        conversation = json.loads(event["payload"])
        check("Conversation", conversation)
        assert conversation["last_status"]["id"] == str(post.pk)
        assert [a["username"] for a in conversation["accounts"]] == ["bruno"]
        # The same conversation, by the same id, as GET /api/v1/conversations lists it
        filed = await sync(ConversationPost.objects.get)(post_id=post.pk)
        assert conversation["id"] == str(filed.conversation_id)
        assert conversation["unread"] is True

    run(body)


def test_unknown_stream_and_bad_messages_get_errors(ana: User, token_for: TokenFor) -> None:
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=nonsense")
        assert (await ws.connect())[0]
        assert await next_event(ws) == {"error": "Unknown stream type", "status": 400}
        await ws.send_json_to({"type": "subscribe", "stream": "hashtag"})
        assert await next_event(ws) == {"error": "No tag for stream provided", "status": 400}
        await ws.send_to(text_data="{not json")
        assert (await next_event(ws))["status"] == 400
        await ws.disconnect()

    run(body)


def test_token_in_the_subprotocol_is_echoed(ana: User, token_for: TokenFor) -> None:
    raw = token_for(ana)

    async def body() -> None:
        ws = WebsocketCommunicator(application, "/api/v1/streaming?stream=user", subprotocols=[raw])
        connected, subprotocol = await ws.connect()
        assert connected
        assert subprotocol == raw
        await ws.disconnect()

    run(body)


def test_token_in_the_query_string_works(ana: User, token_for: TokenFor) -> None:
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(None, f"access_token={raw}&stream=public")
        assert (await ws.connect())[0]
        await ws.disconnect()

    run(body)


@pytest.mark.parametrize("raw", [None, "not-a-token"])
def test_a_missing_or_bad_token_is_refused(transactional_db: None, raw: str | None) -> None:
    async def body() -> None:
        ws = socket(raw, "stream=public")
        connected, _ = await ws.connect()
        assert not connected

    run(body)


def test_an_app_token_without_a_member_is_refused(ana: User, token_for: TokenFor) -> None:
    raw = token_for(ana, scope="write")  # no read scope

    async def body() -> None:
        connected, _ = await socket(raw, "stream=public").connect()
        assert not connected

    run(body)


def test_revoking_the_token_closes_the_stream_at_once(ana: User, token_for: TokenFor) -> None:
    raw = token_for(ana)
    application = AccessToken.objects.select_related("application").get(user=ana).application

    async def body() -> None:
        ws = socket(raw, "stream=user")
        assert (await ws.connect())[0]
        await sync(authorization_revoke)(user=ana, application=application)
        assert await next_event(ws) == {"error": "Missing access token", "status": 401}
        closed = await ws.receive_output(timeout=WAIT)
        assert closed == {"type": "websocket.close", "code": 4001}

    run(body)


def test_an_expired_token_closes_the_stream_within_the_recheck_period(
    ana: User, token_for: TokenFor, settings: Any
) -> None:
    settings.HEARTH_STREAMING_RECHECK_SECONDS = 0.2
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=user")
        assert (await ws.connect())[0]
        # Expired, not deleted: no signal, only the re-check can notice.
        expired = datetime(2000, 1, 1, tzinfo=UTC)
        await sync(lambda: AccessToken.objects.filter(user=ana).update(expires=expired))()
        assert (await next_event(ws))["status"] == 401
        assert (await ws.receive_output(timeout=WAIT))["type"] == "websocket.close"

    run(body)


def test_sse_refuses_a_bad_token_with_json(transactional_db: None) -> None:
    async def body() -> None:
        http = HttpCommunicator(application, "GET", "/api/v1/streaming/user")
        response = await http.get_response(timeout=WAIT)
        assert response["status"] == 401
        assert json.loads(response["body"]) == {"error": "Missing access token"}

    run(body)


def test_sse_unknown_list_is_refused(ana: User, token_for: TokenFor) -> None:
    raw = token_for(ana)

    async def body() -> None:
        http = HttpCommunicator(
            application,
            "GET",
            "/api/v1/streaming/list?list=1",
            headers=[(b"authorization", f"Bearer {raw}".encode())],
        )
        response = await http.get_response(timeout=WAIT)
        assert response["status"] == 401
        assert "error" in json.loads(response["body"])

    run(body)


def test_health(transactional_db: None) -> None:
    async def body() -> None:
        for path in ("/api/v1/streaming/health", "/api/v1/streaming/health/"):
            response = await HttpCommunicator(application, "GET", path).get_response()
            assert response["status"] == 200
            assert response["body"] == b"OK"

    run(body)

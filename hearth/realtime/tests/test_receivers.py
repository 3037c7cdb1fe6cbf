"""What a post's realtime events cost the request that writes it: one hand-off to the channel
layer (the configured one: in-memory, or channels-redis when REDIS_URL is set) and no queries,
with every stream still getting its event. Real consumers, real services, real signals."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import User
from hearth.graph import services as graph
from hearth.moderation.actions import action_take
from hearth.moderation.roles import moderator_grant
from hearth.posts import signals as posts_signals
from hearth.realtime import groups, publish, receivers
from hearth.realtime.tests.conftest import TokenFor
from hearth.realtime.tests.test_consumers import QUIET, next_event, run, socket, sync, write
from hearth.testing.fixtures import make_user

#: (the hand-off that sent it, group, message) for every post event given to the layer.
Sends = list[tuple[int, str, dict[str, Any]]]


@pytest.fixture
def layer_sends(monkeypatch: pytest.MonkeyPatch) -> Sends:
    """The post events handed to the layer, each with the number of the hand-off that carried
    it (publish.publish_many hands a batch over at once: one pipelined round trip with Redis,
    one coroutine in memory). The layer still sends them."""
    real_hand_off = publish._hand_off
    sends: Sends = []
    hand_offs = iter(range(1_000_000))

    def hand_off(layer: Any, batch: list[tuple[tuple[str, ...], dict[str, Any]]]) -> None:
        number = next(hand_offs)
        for groups_, message in batch:
            if message.get("type") == "post.event":
                sends.extend((number, group, message) for group in groups_)
        real_hand_off(layer, batch)

    monkeypatch.setattr(publish, "_hand_off", hand_off)
    return sends


@pytest.fixture
def receiver_queries() -> Iterator[list[int]]:
    """How many queries the streaming receiver of `post_created` ran, per signal, as the
    signal calls it (on commit, in the writing thread, with the signal's own arguments)."""
    counts: list[int] = []

    def counted(sender: Any, **kwargs: Any) -> None:
        with CaptureQueriesContext(connection) as queries:
            receivers.on_post_created(sender, **kwargs)
        counts.append(len(queries.captured_queries))

    uid = "hearth.realtime.post_created"
    posts_signals.post_created.disconnect(dispatch_uid=uid)
    posts_signals.post_created.connect(counted, weak=False, dispatch_uid=f"{uid}.counted")
    yield counts
    posts_signals.post_created.disconnect(dispatch_uid=f"{uid}.counted")
    posts_signals.post_created.connect(receivers.on_post_created, dispatch_uid=uid)


def test_a_tagged_post_reaches_every_stream_in_one_hand_off_without_queries(
    ana: User,
    bruno: User,
    token_for: TokenFor,
    layer_sends: Sends,
    receiver_queries: list[int],
) -> None:
    # Given ana follows bruno and streams home, public and two hashtags
    graph.follow(actor=ana.account, target=bruno.account)
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=user")
        assert (await ws.connect())[0]
        await ws.send_json_to({"type": "subscribe", "stream": "public"})
        for tag in ("Hearth", "cats"):
            await ws.send_json_to({"type": "subscribe", "stream": "hashtag", "tag": tag})
        await ws.receive_nothing(QUIET)  # let the subscriptions land
        # When bruno posts publicly with two hashtags
        post = await write("#hearth loves #Cats", bruno)
        received = [await next_event(ws) for _ in range(4)]
        assert await ws.receive_nothing(QUIET)
        await ws.disconnect()

        # Then every stream gets the post
        assert sorted(tuple(event["stream"]) for event in received) == [
            ("hashtag", "Hearth"),
            ("hashtag", "cats"),
            ("public",),
            ("user",),
        ]
        assert {json.loads(event["payload"])["id"] for event in received} == {str(post.pk)}
        # from one hand-off to the layer, one message per group
        assert len({number for number, _, _ in layer_sends}) == 1
        assert sorted(group for _, group, _ in layer_sends) == sorted(
            [
                groups.author(bruno.account.pk),
                groups.PUBLIC,
                groups.hashtag("hearth"),
                groups.hashtag("cats"),
            ]
        )
        # and the streaming receiver read nothing back from the database
        assert receiver_queries == [0]

    run(body)


def test_an_approved_held_post_is_read_back_and_streamed(
    ana: User, bruno: User, token_for: TokenFor, layer_sends: Sends
) -> None:
    # Given bruno's posts need approval, and ana streams a hashtag
    moira = make_user("moira")
    moderator_grant(user=moira)
    action_take(moderator=moira, kind="require_approval", account=bruno.account, reason="Spam wave")
    bruno.account.refresh_from_db()
    raw = token_for(ana)

    async def body() -> None:
        ws = socket(raw, "stream=hashtag&tag=hearth")
        assert (await ws.connect())[0]
        # When bruno's tagged post is held, then approved (post_created again, by id only)
        post = await write("held #hearth", bruno)
        assert await ws.receive_nothing(QUIET)
        await sync(action_take)(
            moderator=moira, kind="approve_post", account=bruno.account, post=post
        )
        event = await next_event(ws)
        await ws.disconnect()

        # Then the stream gets it once approved, each time from one hand-off to the layer
        assert event["stream"] == ["hashtag", "hearth"]
        assert json.loads(event["payload"])["id"] == str(post.pk)
        assert len({number for number, _, _ in layer_sends}) == 2

    run(body)

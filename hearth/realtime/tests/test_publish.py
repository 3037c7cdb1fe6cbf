"""publish_many through the configured channel layer (in-memory, or channels-redis when
REDIS_URL is set): order kept, and a failing event logged, never raised, without losing the
others."""

import asyncio
import logging
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from hearth.realtime.publish import publish_many, register_loop
from hearth.realtime.tests.test_consumers import WAIT, run


def test_publish_many_sends_in_order_and_a_bad_event_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    layer = get_channel_layer()
    assert layer is not None

    async def body() -> None:
        # Given a channel in two groups, on a loop registered as a consumer's would be
        register_loop()
        channel = await layer.new_channel()
        for group in ("hearth.test.a", "hearth.test.b"):
            await layer.group_add(group, channel)
        # When three events go out in one batch, the second to a group the layer refuses
        events: list[tuple[list[str], dict[str, Any]]] = [
            (["hearth.test.a"], {"type": "test.event", "n": 1}),
            (["not a group name!"], {"type": "test.event", "n": 2}),
            (["hearth.test.b", "hearth.test.a"], {"type": "test.event", "n": 3}),
        ]
        with caplog.at_level(logging.ERROR, logger="hearth.realtime.publish"):
            await sync_to_async(publish_many)(events)
            received = [await asyncio.wait_for(layer.receive(channel), WAIT) for _ in range(3)]
        for group in ("hearth.test.a", "hearth.test.b"):
            await layer.group_discard(group, channel)

        # Then the others arrive, in order, and the failure is logged with its group
        assert [message["n"] for message in received] == [1, 3, 3]
        assert [record.getMessage() for record in caplog.records] == [
            "realtime: publishing test.event to ['not a group name!'] failed"
        ]

    run(body)

"""Sending events to the channel layer from synchronous code (services' on-commit receivers).

`publish(groups, message)` hands one message to each group; `publish_many(events)` sends
several (groups, message) pairs, in order, in one hand-off (one coroutine on the loop that
sends), so a post reaching its author's, the public and its hashtags' groups costs one trip to
that loop, and with Redis one wait for it, rather than one per group. Neither raises: the
change is committed by the time they run, and a stream missing an event must not turn into an
error page.

The embedded layer (in-memory, no REDIS_URL) lives in one process and its queues belong to the
event loop of the server that runs the consumers. Code publishing from another thread (a test,
a management command, a WSGI-style worker thread) must hand the send to that loop rather than
start its own, or the waiting consumer is never woken. So consumers register their loop
(`register_loop`), and with no registered loop nobody can be listening in this process: the
in-memory publish is then skipped entirely, which keeps publishing free when nobody streams.

With Redis, the layer is channels-redis's pub/sub one (`RedisPubSubChannelLayer`): a group is
a Redis PUBLISH channel, `{prefix}__group__{group}`, that each streaming process subscribes to
while one of its consumers is in the group, and Redis hands a message to every subscriber. Its
messages are published here with a plain synchronous client (`_publish_redis`): the whole
batch in one pipelined round trip, from the calling thread. The layer's own `group_send` is a
coroutine; reaching it from a web thread took a hop to an event loop on another thread and
back for every post, about a sixth of an API post's CPU in the web process. Any other layer
(channels-redis's list-based `RedisChannelLayer`, say) is sent to through one event loop per
process on a thread of its own (`_publisher_loop`), since such layers keep their connections
per loop.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import redis
from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

logger = logging.getLogger(__name__)

#: How long a publish from a thread with its own event loop waits for the send.
PUBLISH_TIMEOUT_SECONDS = 5
_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
#: The publishing loop of this process (pid, loop), made on first use.
_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None
#: The synchronous client publishing to a pub/sub layer: (the Redis URL, the client).
_redis: tuple[str, redis.Redis] | None = None
#: Checks group names as every layer does (the pub/sub layer itself doesn't).
_NAMES = BaseChannelLayer()


def register_loop() -> None:
    """Called by a consumer from its event loop: in-memory events are delivered on it."""
    global _loop  # noqa: PLW0603  # one loop per process serves the consumers
    with _lock:
        _loop = asyncio.get_running_loop()


def listening() -> bool:
    """Could anyone receive an event published now? False only for the embedded layer with no
    stream ever opened in this process (checked first, so publishing costs nothing then)."""
    layer = get_channel_layer()
    if layer is None:
        return False
    if isinstance(layer, InMemoryChannelLayer):
        return _loop is not None and not _loop.is_closed()
    return True


#: What publish_many sends: each message (a dict with a `type`) to each of its groups.
Events = Sequence[tuple[Sequence[str], Mapping[str, Any]]]
_Batch = list[tuple[tuple[str, ...], dict[str, Any]]]


def publish(groups: Sequence[str], message: Mapping[str, Any]) -> None:
    """Send `message` (a dict with a `type`) to every group in `groups`."""
    publish_many([(groups, message)])


def publish_many(events: Events) -> None:
    """Send each (groups, message) of `events`, in order, in one hand-off to the layer."""
    batch: _Batch = [(tuple(groups), dict(message)) for groups, message in events if groups]
    if not batch:
        return
    layer = get_channel_layer()
    if layer is None or not listening():
        return
    try:
        _hand_off(layer, batch)
    except Exception:  # a lost event must not break the write that caused it
        logger.exception("realtime: publishing %s failed", _describe(batch))


def _hand_off(layer: BaseChannelLayer | RedisPubSubChannelLayer, batch: _Batch) -> None:
    """Give the whole batch to the layer at once, the way that layer takes it."""
    if isinstance(layer, InMemoryChannelLayer):
        _publish_in_memory(layer, batch)
    elif isinstance(layer, RedisPubSubChannelLayer):
        _publish_redis(layer, batch)
    else:
        # Waited for, so events keep their order and a failure is logged here.
        sent = asyncio.run_coroutine_threadsafe(_send_all(layer, batch), _publisher_loop())
        sent.result(timeout=PUBLISH_TIMEOUT_SECONDS)


def _describe(batch: _Batch) -> str:
    return "; ".join(f"{message.get('type')} to {list(groups)}" for groups, message in batch)


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """This process's publishing loop, running on a daemon thread; a new one after a fork (a
    forked child has the parent's loop object but not its thread)."""
    global _publisher  # noqa: PLW0603  # one per process
    with _lock:
        if _publisher is None or _publisher[0] != os.getpid() or _publisher[1].is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="realtime-publish", daemon=True).start()
            _publisher = (os.getpid(), loop)
        return _publisher[1]


def _publish_redis(layer: RedisPubSubChannelLayer, batch: _Batch) -> None:
    """PUBLISH each message to its groups' channels, named as the layer names them, in one
    pipelined round trip. An event with an invalid group name is logged and left out."""
    config = _layer_config()
    prefix = config.get("prefix", "asgi")
    client = _redis_client(config)
    pipeline = client.pipeline(transaction=False)
    for groups, message in batch:
        try:
            for group in groups:
                _NAMES.require_valid_group_name(group)
        except TypeError:
            logger.exception(
                "realtime: publishing %s to %s failed", message.get("type"), list(groups)
            )
            continue
        payload = layer.serialize(message)
        for group in groups:
            pipeline.publish(f"{prefix}__group__{group}", payload)
    pipeline.execute()


def _layer_config() -> dict[str, Any]:
    config: dict[str, Any] = settings.CHANNEL_LAYERS["default"].get("CONFIG", {})
    return config


def _redis_client(config: Mapping[str, Any]) -> redis.Redis:
    """This process's client for the layer's (first and only) Redis host."""
    global _redis  # noqa: PLW0603  # one per process (redis-py's pool is fork-safe)
    host = config.get("hosts", ["redis://localhost:6379"])[0]
    url = host if isinstance(host, str) else host["address"]
    with _lock:
        if _redis is None or _redis[0] != url:
            client = redis.Redis.from_url(
                url,
                socket_timeout=PUBLISH_TIMEOUT_SECONDS,
                socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
            )
            _redis = (url, client)
        return _redis[1]


def _publish_in_memory(layer: InMemoryChannelLayer, batch: _Batch) -> None:
    loop = _loop
    if loop is None or loop.is_closed():
        return  # no consumer ever ran in this process: nobody to tell
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:  # already on the consumers' loop (an async caller)
        loop.create_task(_send_all(layer, batch))
        return
    future = asyncio.run_coroutine_threadsafe(_send_all(layer, batch), loop)
    future.add_done_callback(_log_failure)


def _log_failure(future: "asyncio.Future[None] | Any") -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("realtime: in-memory publish failed", exc_info=future.exception())


async def _send_all(layer: BaseChannelLayer, batch: _Batch) -> None:
    for groups, message in batch:
        try:
            for group in groups:
                await layer.group_send(group, message)
        except Exception:  # that event is lost; the batch's others still go out
            logger.exception(
                "realtime: publishing %s to %s failed", message.get("type"), list(groups)
            )

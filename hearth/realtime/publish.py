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

With Redis (channels-redis), sends go through one event loop per process that lives on a
thread of its own (`_publisher_loop`): the layer keeps its Redis connections per loop, so a
fresh loop for every publish (what async_to_sync gives sync code) paid a new thread, a new
loop and a new connection each time, about half of a web POST's cost.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

#: How long a publish from a thread with its own event loop waits for the send.
PUBLISH_TIMEOUT_SECONDS = 5
_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
#: The publishing loop of this process (pid, loop), made on first use.
_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None


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
        if isinstance(layer, InMemoryChannelLayer):
            _publish_in_memory(layer, batch)
        else:
            # Waited for, so events keep their order and a failure is logged here.
            sent = asyncio.run_coroutine_threadsafe(_send_all(layer, batch), _publisher_loop())
            sent.result(timeout=PUBLISH_TIMEOUT_SECONDS)
    except Exception:  # a lost event must not break the write that caused it
        logger.exception("realtime: publishing %s failed", _describe(batch))


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

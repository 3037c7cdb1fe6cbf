"""The streaming API's consumers: WebSocket (`/api/v1/streaming`) and SSE
(`/api/v1/streaming/<stream>`), plus the health check. Thin: authenticate, subscribe, forward
what the Streamer renders (streamer.py), close when the token stops being valid.
"""

import asyncio
import contextlib
import json
from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.http import AsyncHttpConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from hearth.realtime import events
from hearth.realtime.events import StreamError, Subscription
from hearth.realtime.publish import register_loop
from hearth.realtime.streamer import Streamer, authenticate, context_for, query, raw_token

#: Seconds between SSE heartbeats (`:thump`), as Mastodon sends them.
HEARTBEAT_SECONDS = 15.0
INVALID_TOKEN = "Missing access token"  # noqa: S105  # an error message
#: WebSocket close code for an invalid or revoked token (4000-4999 are the application's).
CLOSE_UNAUTHORIZED = 4001


def _subscription_from(params: dict[str, Any], stream: str | None = None) -> Subscription:
    return events.subscription(
        str(stream if stream is not None else params.get("stream", "")),
        tag=str(params.get("tag", "") or ""),
        list_id=str(params.get("list", "") or ""),
    )


async def _recheck(streamer: Streamer, send_to_self: Any, *, every: float) -> None:
    """Re-check the token every `every` seconds; when it fails, tell the consumer through its
    own channel (the consumer then closes from its dispatch loop)."""
    while True:
        await asyncio.sleep(every)
        if not await streamer.still_valid():
            await send_to_self({"type": "token.revoked"})
            return


class StreamingWebSocket(AsyncWebsocketConsumer):
    streamer: Streamer | None = None
    task: "asyncio.Task[None] | None" = None

    async def connect(self) -> None:
        raw, as_subprotocol = raw_token(self.scope)
        caller = await authenticate(raw)
        if caller is None:
            await self._deny()
            return
        register_loop()
        self.streamer = Streamer(
            layer=self.channel_layer,
            channel_name=self.channel_name,
            caller=caller,
            raw=raw,
            ctx=context_for(self.scope),
            emit=self._emit,
        )
        await self.streamer.start()
        # Browsers drop the connection unless the subprotocol they offered is echoed.
        await self.accept(subprotocol=raw if as_subprotocol else None)
        self.task = asyncio.create_task(
            _recheck(
                self.streamer,
                self._to_self,
                every=float(settings.HEARTH_STREAMING_RECHECK_SECONDS),
            )
        )
        params = query(self.scope)
        if params.get("stream"):
            await self._subscribe(params)

    async def _deny(self) -> None:
        """401 with a JSON body before the upgrade when the server can (the ASGI denial
        response extension), else a close, which the server answers with 403."""
        if "websocket.http.response" in self.scope.get("extensions", {}):
            body = json.dumps({"error": INVALID_TOKEN}).encode()
            await self.send(
                {
                    "type": "websocket.http.response.start",
                    "status": 401,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await self.send({"type": "websocket.http.response.body", "body": body})
            return
        await self.close(code=CLOSE_UNAUTHORIZED)

    async def _to_self(self, message: dict[str, Any]) -> None:
        await self.channel_layer.send(self.channel_name, message)

    async def disconnect(self, code: int) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.streamer is not None:
            await self.streamer.stop()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.streamer is None:
            return
        try:
            message = json.loads(text_data or "")
        except ValueError:
            await self._error("Invalid JSON", 400)
            return
        if not isinstance(message, dict):
            await self._error("Invalid JSON", 400)
            return
        if message.get("type") == "subscribe":
            await self._subscribe(message)
        elif message.get("type") == "unsubscribe":
            try:
                sub = _subscription_from(message)
            except StreamError as error:
                await self._error(error.message, error.status)
                return
            await self.streamer.unsubscribe(sub)
        else:
            await self._error("Unknown message type", 400)

    async def _subscribe(self, params: dict[str, Any]) -> None:
        assert self.streamer is not None  # noqa: S101  # only called once authenticated
        try:
            sub = _subscription_from(params)
            await self.streamer.subscribe(sub)
        except StreamError as error:
            await self._error(error.message, error.status)

    async def _error(self, message: str, status: int) -> None:
        await self.send(text_data=json.dumps({"error": message, "status": status}))

    async def _emit(self, sub: Subscription, event: str, payload: str | None) -> None:
        message: dict[str, Any] = {"stream": sub.name, "event": event}
        if payload is not None:
            message["payload"] = payload
        await self.send(text_data=json.dumps(message, ensure_ascii=False))

    # Layer messages (type "post.event" -> post_event, ...).

    async def post_event(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def notification_event(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def conversation_event(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def follows_changed(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def _forward(self, message: dict[str, Any]) -> None:
        if self.streamer is not None:
            await self.streamer.handle(message)

    async def token_revoked(self, message: dict[str, Any]) -> None:
        await self._error(INVALID_TOKEN, 401)
        await self.close(code=CLOSE_UNAUTHORIZED)


class StreamingEvents(AsyncHttpConsumer):
    """Server-sent events: `GET /api/v1/streaming/<stream>` (or `?stream=`). The response
    stays open; events arrive as `event: update\\ndata: {...}\\n\\n`, a `:thump` comment
    every HEARTBEAT_SECONDS keeps proxies from closing it."""

    streamer: Streamer | None = None
    task: "asyncio.Task[None] | None" = None

    async def http_request(self, message: dict[str, Any]) -> None:
        # AsyncHttpConsumer would call handle() and stop; a stream must instead stay in the
        # dispatch loop so layer messages reach it.
        if message.get("more_body"):
            return
        raw, _ = raw_token(self.scope)
        caller = await authenticate(raw)
        if caller is None:
            await self._json(401, {"error": INVALID_TOKEN})
            raise StopConsumer
        params = query(self.scope)
        path = str(self.scope["url_route"]["kwargs"].get("stream") or "")
        try:
            sub = _subscription_from(params, events.SSE_PATHS.get(path, path) if path else None)
        except StreamError as error:
            await self._json(error.status, {"error": error.message})
            raise StopConsumer from None
        register_loop()
        self.streamer = Streamer(
            layer=self.channel_layer,
            channel_name=self.channel_name,
            caller=caller,
            raw=raw,
            ctx=context_for(self.scope),
            emit=self._emit,
        )
        await self.streamer.start()
        try:
            await self.streamer.subscribe(sub)
        except StreamError as error:
            await self.streamer.stop()
            await self._json(error.status, {"error": error.message})
            raise StopConsumer from None
        await self.send_headers(
            status=200,
            headers=[
                (b"content-type", b"text/event-stream"),
                (b"cache-control", b"no-store"),
                (b"x-accel-buffering", b"no"),  # nginx: pass events on at once
                (b"access-control-allow-origin", b"*"),
            ],
        )
        await self.send_body(b":)\n", more_body=True)
        self.task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        assert self.streamer is not None  # noqa: S101  # started after authenticating
        recheck = float(settings.HEARTH_STREAMING_RECHECK_SECONDS)
        since_beat = 0.0
        tick = min(recheck, HEARTBEAT_SECONDS)
        while True:
            await asyncio.sleep(tick)
            since_beat += tick
            if not await self.streamer.still_valid():
                await self.channel_layer.send(self.channel_name, {"type": "token.revoked"})
                return
            if since_beat >= HEARTBEAT_SECONDS:
                since_beat = 0.0
                await self.channel_layer.send(self.channel_name, {"type": "heartbeat"})

    async def _json(self, status: int, data: dict[str, Any]) -> None:
        await self.send_response(
            status,
            json.dumps(data).encode(),
            headers=[
                (b"content-type", b"application/json"),
                (b"access-control-allow-origin", b"*"),
            ],
        )

    async def _emit(self, sub: Subscription, event: str, payload: str | None) -> None:
        data = payload if payload is not None else "undefined"
        await self.send_body(f"event: {event}\ndata: {data}\n\n".encode(), more_body=True)

    async def disconnect(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self.streamer is not None:
            await self.streamer.stop()
            self.streamer = None

    async def heartbeat(self, message: dict[str, Any]) -> None:
        await self.send_body(b":thump\n", more_body=True)

    async def post_event(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def notification_event(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def conversation_event(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def follows_changed(self, message: dict[str, Any]) -> None:
        await self._forward(message)

    async def _forward(self, message: dict[str, Any]) -> None:
        if self.streamer is not None:
            await self.streamer.handle(message)

    async def token_revoked(self, message: dict[str, Any]) -> None:
        await self.send_body(b"", more_body=False)
        await self.disconnect()
        raise StopConsumer


async def health(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """`GET /api/v1/streaming/health`: `OK`, as Mastodon's streaming server answers."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"access-control-allow-origin", b"*")],
        }
    )
    await send({"type": "http.response.body", "body": b"OK"})

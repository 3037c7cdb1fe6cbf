"""What the WebSocket and the SSE consumers share: authenticating, the subscriptions and their
groups, turning layer messages into events for this viewer, and re-checking the token.

A consumer makes one Streamer after authenticating and forwards every layer message to
`handle`; the Streamer calls back `emit(subscription, event, payload)` for each event to send.
"""

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer
from django.conf import settings

from hearth.api.auth import Caller, resolve_token
from hearth.api.errors import ApiError
from hearth.api.schemas.common import Context
from hearth.realtime import events, groups
from hearth.realtime.events import Subscription

Emit = Callable[[Subscription, str, str | None], Awaitable[None]]
#: Layer groups expire (a day by default): re-join them well before.
REJOIN_SECONDS = 3600.0


def header(scope: Mapping[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def query(scope: Mapping[str, Any]) -> dict[str, str]:
    raw = bytes(scope.get("query_string", b"")).decode("latin-1")
    return {key: values[0] for key, values in parse_qs(raw).items() if values}


def raw_token(scope: Mapping[str, Any]) -> tuple[str, bool]:
    """The bearer token and whether it came as the WebSocket subprotocol (to echo it)."""
    scheme, _, value = header(scope, b"authorization").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    from_query = query(scope).get("access_token", "")
    if from_query:
        return from_query, False
    protocols = list(scope.get("subprotocols") or []) or [
        p.strip() for p in header(scope, b"sec-websocket-protocol").split(",")
    ]
    if protocols and protocols[0]:
        return protocols[0], True
    return "", False


@database_sync_to_async
def authenticate(raw: str) -> Caller | None:
    """The member behind `raw`, if it may open a stream (a user token with a read scope)."""
    if not raw:
        return None
    try:
        caller = resolve_token(raw)
    except ApiError:  # e.g. an unconfirmed email: no entry
        return None
    return caller if caller is not None and events.can_open(caller) else None


def context_for(scope: Mapping[str, Any]) -> Context:
    """Statuses link to the website: the request's own host when one server serves both,
    the configured domain when streaming has its own (HEARTH_STREAMING_URL)."""
    secure = settings.HEARTH_HTTPS or scope.get("scheme") in ("https", "wss")
    host = header(scope, b"host")
    if settings.HEARTH_STREAMING_URL or not host:
        host = settings.HEARTH_DOMAIN
    return Context(base_url=f"{'https' if secure else 'http'}://{host}", viewer=None)


class Streamer:
    def __init__(
        self,
        *,
        layer: BaseChannelLayer,
        channel_name: str,
        caller: Caller,
        raw: str,
        ctx: Context,
        emit: Emit,
    ) -> None:
        if caller.account is None or caller.token is None:
            raise ValueError("a stream needs a member's token (events.can_open)")
        self.token_id: int = caller.token.pk
        self.layer = layer
        self.channel_name = channel_name
        self.caller = caller
        self.viewer_id: int = caller.account.pk
        self.raw = raw
        self.ctx = Context(base_url=ctx.base_url, viewer=caller.account)
        self.emit = emit
        self.subscriptions: dict[tuple[str, str, int | None], Subscription] = {}
        self.following: set[int] = set()
        #: The members of each subscribed list, by list id.
        self.list_members: dict[int, set[int]] = {}
        self.joined: set[str] = set()
        self.joined_at = time.monotonic()

    # --- Subscriptions ---------------------------------------------------------------------

    async def start(self) -> None:
        await self._join({groups.token(self.token_id)})

    async def subscribe(self, sub: Subscription) -> None:
        """Start streaming `sub`; StreamError (nothing changed) for a list not the viewer's."""
        key = (sub.stream, sub.tag.casefold(), sub.list_id)
        if key in self.subscriptions:
            return
        if sub.stream == events.LIST and sub.list_id is not None:
            self.list_members[sub.list_id] = await database_sync_to_async(events.list_member_ids)(
                self.viewer_id, sub.list_id
            )
        if sub.stream == events.USER and not self._has(events.USER):
            self.following = await database_sync_to_async(events.following_ids)(self.viewer_id)
        self.subscriptions[key] = sub
        await self._sync_groups()

    async def unsubscribe(self, sub: Subscription) -> None:
        self.subscriptions.pop((sub.stream, sub.tag.casefold(), sub.list_id), None)
        if sub.list_id is not None:
            self.list_members.pop(sub.list_id, None)
        await self._sync_groups()

    async def stop(self) -> None:
        for group in self.joined:
            await self.layer.group_discard(group, self.channel_name)
        self.joined.clear()

    def _has(self, stream: str) -> bool:
        return any(sub.stream == stream for sub in self.subscriptions.values())

    def _wanted_groups(self) -> set[str]:
        wanted = {groups.token(self.token_id)}
        for sub in self.subscriptions.values():
            wanted |= sub.static_groups(self.viewer_id)
        if self._has(events.USER):
            wanted |= {groups.author(pk) for pk in self.following}
        for members in self.list_members.values():
            wanted |= {groups.author(pk) for pk in members}
        return wanted

    async def _sync_groups(self) -> None:
        wanted = self._wanted_groups()
        for group in self.joined - wanted:
            await self.layer.group_discard(group, self.channel_name)
        self.joined &= wanted
        await self._join(wanted - self.joined)

    async def _join(self, new: set[str]) -> None:
        for group in new:
            await self.layer.group_add(group, self.channel_name)
        self.joined |= new

    # --- Token re-check --------------------------------------------------------------------

    async def still_valid(self) -> bool:
        """Is the token still good (not revoked or expired, member not suspended)? Also
        re-joins the groups once an hour, before the layer forgets them."""
        found = await authenticate(self.raw)
        if found is None or found.token is None or found.token.pk != self.token_id:
            return False
        if time.monotonic() - self.joined_at > REJOIN_SECONDS:
            await self._join(set(self.joined))
            self.joined_at = time.monotonic()
        return True

    # --- Layer messages --------------------------------------------------------------------

    async def handle(self, message: Mapping[str, Any]) -> None:
        kind = message.get("type")
        if kind == "post.event":
            await self._post_event(message)
        elif kind == "notification.event":
            await self._notification(int(message["notification_id"]))
        elif kind == "conversation.event":
            await self._conversation(int(message["conversation_id"]))
        elif kind == "follows.changed":
            await self._follows_changed(int(message["target_id"]), bool(message["following"]))

    def _streams_for(self, via: str, tag: str, author_id: int) -> list[Subscription]:
        subs = list(self.subscriptions.values())
        if via == events.VIA_AUTHOR:
            return [
                s
                for s in subs
                if s.stream == events.USER
                or (
                    s.stream == events.LIST
                    and author_id in self.list_members.get(s.list_id or 0, ())
                )
            ]
        if via == events.VIA_PUBLIC:
            return [s for s in subs if s.stream in events.PUBLIC_STREAMS]
        if via == events.VIA_TAG:
            return [
                s
                for s in subs
                if s.stream in events.HASHTAG_STREAMS and s.tag.casefold() == tag.casefold()
            ]
        if via == events.VIA_DELETES:
            return [
                s
                for s in subs
                if s.stream in events.PUBLIC_STREAMS or s.stream in events.HASHTAG_STREAMS
            ]
        return []

    async def _post_event(self, message: Mapping[str, Any]) -> None:
        subs = self._streams_for(
            str(message["via"]), str(message.get("tag", "")), int(message["author_id"])
        )
        if not subs:
            return
        post_id = int(message["post_id"])
        event = str(message["event"])
        if event == events.DELETE:
            author_id = int(message["author_id"])
            if message["via"] == events.VIA_AUTHOR or await database_sync_to_async(
                events.delete_allowed
            )(self.caller, author_id):
                for sub in subs:
                    await self.emit(sub, events.DELETE, str(post_id))
            return
        rendered = await database_sync_to_async(events.render_post)(
            self.caller, self.ctx, subs, post_id
        )
        for sub, payload in rendered:
            await self.emit(sub, event, payload)

    async def _notification(self, notification_id: int) -> None:
        subs = [
            s
            for s in self.subscriptions.values()
            if s.stream in (events.USER, events.USER_NOTIFICATION)
        ]
        if not subs:
            return
        payload = await database_sync_to_async(events.render_notification)(
            self.caller, self.ctx, notification_id
        )
        if payload is not None:
            for sub in subs:
                await self.emit(sub, events.NOTIFICATION, payload)

    async def _conversation(self, conversation_id: int) -> None:
        subs = [s for s in self.subscriptions.values() if s.stream == events.DIRECT]
        if not subs:
            return
        payload = await database_sync_to_async(events.render_conversation)(
            self.caller, self.ctx, conversation_id
        )
        if payload is not None:
            for sub in subs:
                await self.emit(sub, events.CONVERSATION, payload)

    async def _follows_changed(self, target_id: int, following: bool) -> None:
        if following:
            self.following.add(target_id)
        else:
            self.following.discard(target_id)
        if self._has(events.USER):
            await self._sync_groups()

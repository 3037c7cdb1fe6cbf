"""Channels' WebsocketCommunicator and HttpCommunicator, as much of them as these tests use.

`channels.testing` imports its live-server test case, which needs daphne (not a Hearth
dependency: uvicorn and granian serve ASGI here), so importing the originals fails. These are
the same thin layers over asgiref's ApplicationCommunicator, which drives the real application.
"""

import json
from typing import Any
from urllib.parse import unquote, urlparse

from asgiref.testing import ApplicationCommunicator


class WebsocketCommunicator(ApplicationCommunicator):
    def __init__(
        self,
        application: Any,
        path: str,
        headers: list[tuple[bytes, bytes]] | None = None,
        subprotocols: list[str] | None = None,
    ) -> None:
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": unquote(parsed.path),
            "query_string": parsed.query.encode(),
            "headers": headers or [],
            "subprotocols": subprotocols or [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 5) -> tuple[bool, Any]:
        """(True, the accepted subprotocol) or (False, the close code)."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def send_json_to(self, data: Any) -> None:
        await self.send_to(json.dumps(data))

    async def receive_json_from(self, timeout: float = 5) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


class HttpCommunicator(ApplicationCommunicator):
    def __init__(
        self,
        application: Any,
        method: str,
        path: str,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        parsed = urlparse(path)
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": method.upper(),
            "path": unquote(parsed.path),
            "query_string": parsed.query.encode(),
            "headers": headers or [],
        }
        super().__init__(application, scope)

    async def get_response(self, timeout: float = 5) -> dict[str, Any]:
        """A whole (finished) response: status, headers, body."""
        await self.send_input({"type": "http.request", "body": b""})
        start = await self.receive_output(timeout)
        assert start["type"] == "http.response.start", start
        body = b""
        while True:
            chunk = await self.receive_output(timeout)
            body += chunk.get("body", b"")
            if not chunk.get("more_body"):
                break
        return {"status": start["status"], "headers": start.get("headers", []), "body": body}

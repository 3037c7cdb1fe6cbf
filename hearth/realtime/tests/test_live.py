"""The streaming API over a real HTTP connection: uvicorn serving config.asgi
(`asgi_live_server`), read with the standard library's HTTP client as Mastodon.py reads it."""

import http.client
import json
from urllib.parse import urlsplit

from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.realtime.tests.conftest import TokenFor
from hearth.testing.fixtures import make_user


def _connect(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)


def test_health(asgi_live_server: str) -> None:
    connection = _connect(asgi_live_server)
    connection.request("GET", "/api/v1/streaming/health")
    response = connection.getresponse()
    assert response.status == 200
    assert response.read() == b"OK"


def test_sse_user_stream_receives_an_update(asgi_live_server: str, token_for: TokenFor) -> None:
    # Given ana follows bruno and opens her user stream over SSE
    ana, bruno = make_user("ana"), make_user("bruno")
    graph.follow(actor=ana.account, target=bruno.account)
    connection = _connect(asgi_live_server)
    connection.request(
        "GET", "/api/v1/streaming/user", headers={"Authorization": f"Bearer {token_for(ana)}"}
    )
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.readline() == b":)\n"  # the stream is open: events published now arrive

    # When bruno posts
    post = posts.post_create(author=bruno.account, text="Live!", visibility="public")

    # Then an `update` frame carries the Status
    assert response.readline() == b"event: update\n"
    data = response.readline()
    assert data.startswith(b"data: ")
    status = json.loads(data.removeprefix(b"data: "))
    assert status["id"] == str(post.pk)
    assert status["content"] == "<p>Live!</p>"
    assert status["url"].startswith(asgi_live_server)
    connection.close()


def test_the_site_itself_is_served_too(asgi_live_server: str) -> None:
    connection = _connect(asgi_live_server)
    connection.request("GET", "/api/v1/instance")
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["urls"]["streaming_api"].startswith("ws://127.0.0.1:")

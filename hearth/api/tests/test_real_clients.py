"""Real Mastodon clients against a live Hearth: Mastodon.py in-process and the `toot` CLI as a
subprocess, both over HTTP to the ASGI app served on 127.0.0.1 (`asgi_live_server`).

These are the tests that tell us existing apps work: they go through the same parsing,
OAuth, pagination and streaming code a phone app would, with the library's own expectations
(version string, token response fields, Link headers, event framing).
"""

import io
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from mastodon import Mastodon, StreamListener
from PIL import Image

from hearth.accounts.models import User
from hearth.testing.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SCOPES = ["read", "write", "follow", "push"]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _client(base_url: str, user: User) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "Hearth test client", api_base_url=base_url, scopes=SCOPES
    )
    client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base_url)
    client.log_in(username=user.email, password=PASSWORD, scopes=SCOPES)
    return client


@pytest.fixture
def people(transactional_db: None) -> tuple[User, User]:
    return make_user("carmen"), make_user("dmitri")


def test_mastodon_py_posts_reads_pages_and_interacts(
    asgi_live_server: str, people: tuple[User, User]
) -> None:
    carmen, dmitri = people
    ana = _client(asgi_live_server, carmen)
    bo = _client(asgi_live_server, dmitri)

    me = ana.me()
    assert me["username"] == "carmen"
    assert ana.retrieve_mastodon_version() is not None

    # Follow, then the followed account's posts reach the home timeline.
    dmitri_id = bo.me()["id"]
    relationship = ana.account_follow(dmitri_id)
    assert relationship["following"] is True

    media = bo.media_post(_png(), mime_type="image/png", description="An orange rectangle")
    assert media["type"] == "image"
    with_photo = bo.status_post("A photo for my followers", media_ids=[media])
    assert with_photo["media_attachments"][0]["description"] == "An orange rectangle"
    posted = [bo.status_post(f"Note number {n}")["id"] for n in range(5)]

    home = ana.timeline_home(limit=3)
    assert [status["id"] for status in home] == list(reversed(posted))[:3]
    older = ana.fetch_next(home)
    assert [status["id"] for status in older] == [posted[1], posted[0], with_photo["id"]]
    newer = ana.timeline_home(min_id=posted[1], limit=2)
    assert [status["id"] for status in newer] == [posted[3], posted[2]]

    favourited = ana.status_favourite(posted[0])
    assert favourited["favourited"] is True
    reblog = ana.status_reblog(posted[1])
    assert reblog["reblog"]["id"] == posted[1]

    kinds = {notification["type"] for notification in bo.notifications()}
    assert {"follow", "favourite", "reblog"} <= kinds


def test_mastodon_py_streams_an_update(asgi_live_server: str, people: tuple[User, User]) -> None:
    carmen, dmitri = people
    ana = _client(asgi_live_server, carmen)
    bo = _client(asgi_live_server, dmitri)
    ana.account_follow(bo.me()["id"])

    received: list[dict[str, Any]] = []
    arrived = threading.Event()

    class Listener(StreamListener):  # type: ignore[misc]  # untyped library
        def on_update(self, status: dict[str, Any]) -> None:
            received.append(status)
            arrived.set()

    handle = ana.stream_user(Listener(), run_async=True, reconnect_async=False)
    try:
        assert handle.is_receiving() or handle.is_alive()
        # The subscription is live once the server has answered; post until it is seen.
        status = None
        for _ in range(10):
            status = bo.status_post("Hello, stream")
            if arrived.wait(timeout=1.0):
                break
        assert status is not None
        assert arrived.is_set()
    finally:
        handle.close()
    assert "Hello, stream" in received[0]["content"]
    assert received[0]["account"]["username"] == "dmitri"


@pytest.fixture
def toot_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "TERM": "dumb", "COLUMNS": "100"}


def _toot(env: dict[str, str], *args: str) -> str:
    toot = Path(sys.executable).with_name("toot")
    done = subprocess.run(  # noqa: S603  # our own arguments
        [str(toot), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_toot_logs_in_posts_and_reads_the_timeline(
    asgi_live_server: str, people: tuple[User, User], toot_env: dict[str, str]
) -> None:
    carmen, _ = people
    out = _toot(toot_env, "login_cli", "-i", asgi_live_server, "-e", carmen.email, "-p", PASSWORD)
    assert "Successfully logged in" in out
    out = _toot(toot_env, "post", "Posted from the toot command line")
    assert "Toot posted" in out
    timeline = _toot(toot_env, "timelines", "home", "--no-pager", "--no-clear")
    assert "Posted from the toot command line" in timeline
    assert "carmen" in _toot(toot_env, "whoami")

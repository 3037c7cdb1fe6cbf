"""`asgi_live_server`: the whole site (config.asgi: the streaming API and Django) served by
uvicorn on a free 127.0.0.1 port in a background thread, for tests that drive real clients
(Mastodon.py, toot, an HTTP client reading server-sent events).

It shares the test database, so a test using it needs `transactional_db` (rows a test creates
in its own uncommitted transaction are invisible to the server's threads). On SQLite the test
database is a file (config/settings_test.py) so the server's connections see the same data.
"""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connections

#: Seconds to wait for the server to start or stop before failing the test.
START_TIMEOUT = 10.0


class LiveServer:
    def __init__(self) -> None:
        import uvicorn  # noqa: PLC0415  # dev dependency, only for tests that run a server

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(
            "config.asgi:application",
            log_level="warning",
            lifespan="off",
            ws="websockets-sansio",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="asgi-live-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve(sockets=[self.sock]))
        except BaseException as error:  # reported to the test by start()
            self.failure = error
        finally:
            connections.close_all()

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if self.failure is not None or not self.thread.is_alive():
                raise RuntimeError(f"the ASGI live server did not start: {self.failure!r}")
            if time.monotonic() > deadline:
                raise RuntimeError("the ASGI live server did not start in time")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        # Open streams would hold a graceful shutdown for timeout_graceful_shutdown.
        self.server.force_exit = True
        self.thread.join(START_TIMEOUT)
        self.sock.close()


@pytest.fixture
def asgi_live_server(transactional_db: None) -> Iterator[str]:
    """The base URL (`http://127.0.0.1:<port>`) of the site served over ASGI by uvicorn."""
    server = LiveServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()

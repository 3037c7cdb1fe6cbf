"""The production server's flags (`make serve`): the bench measures the same ones, and a new
visitor is served while many others keep their connections open."""

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bench import server

MAKEFILE = server.ROOT / "Makefile"


def _make_default(name: str) -> int:
    found = re.search(rf"^{name} \?= (\d+)$", MAKEFILE.read_text(), re.M)
    assert found is not None, f"{name} is not set in the Makefile"
    return int(found.group(1))


def test_the_bench_serves_with_the_makefiles_flags():
    assert (
        _make_default("WORKERS"),
        _make_default("THREADS"),
        _make_default("BACKPRESSURE"),
    ) == (server.WORKERS, server.THREADS, server.BACKPRESSURE)


def _get(sock: socket.socket, path: str) -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(65536)
        if not chunk:
            break
        head += chunk
    return head.split(b"\r\n", 1)[0]


@pytest.fixture
def make_serve(tmp_path: Path):
    """`make serve` on a free port, one worker, with its own empty data directory."""
    port = server.free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "HEARTH_DATA_DIR": str(tmp_path),
        # Plain static file names: nothing is collected in the empty data directory.
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
    }
    process = subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "serve", f"PORT={port}", "WORKERS=1"],  # noqa: S607
        cwd=server.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as probe:
                probe.settimeout(10)
                if _get(probe, "/no-such-page").startswith(b"HTTP/1.1"):
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.3)
    yield port
    os.killpg(process.pid, 15)
    process.wait(timeout=15)


def test_a_new_visitor_is_served_while_forty_others_keep_connections_open(make_serve):
    # Given forty visitors whose browsers keep their connection open after a page (more than
    # the threads, and more than the old backpressure of 4 x threads)
    kept = []
    for _ in range(40):
        sock = socket.create_connection(("127.0.0.1", make_serve), timeout=5)
        assert _get(sock, "/no-such-page").startswith(b"HTTP/1.1 404")
        kept.append(sock)

    # When one more arrives
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", make_serve), timeout=5) as fresh:
        status = _get(fresh, "/no-such-page")

    # Then it is answered at once, not when somebody else leaves
    assert status.startswith(b"HTTP/1.1 404")
    assert time.monotonic() - started < 2
    for sock in kept:
        sock.close()

"""The measured server and its databases: create, migrate, fill, start granian, stop."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: The Makefile's `serve` flags (bench/tests/test_serving.py keeps them equal).
WORKERS, THREADS, BACKPRESSURE = 2, 4, 256


def bench_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "PYTHONPATH": str(ROOT),
        "HEARTH_DATA_DIR": str(data_dir),
        "HEARTH_LOG_LEVEL": "WARNING",
        "HEARTH_DB_POOL_SIZE": str(THREADS),
    }
    env.pop("CELERY_BROKER_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def recreate_postgres(admin_url: str, name: str) -> None:
    """Drop and create database `name` (connecting to `admin_url`, e.g. the postgres db)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def vacuum(database_url: str) -> float:
    """VACUUM ANALYZE the bench database; returns the seconds it took. A bulk load, or an
    earlier run's thousands of posts, leave tables autovacuum has not reached yet (no fresh
    statistics, the visibility map unset, dead rows), which a live server's are not in: there,
    index-only scans fetch every heap row (PostgreSQL's CPU per home read: 0.69 ms vacuumed
    against 1.07 before, in one test)."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def hearth(env: Mapping[str, str], *args: str) -> float:
    """Run a `hearth` management command; return how long it took."""
    start = time.perf_counter()
    subprocess.run([str(BIN / "hearth"), *args], env=env, cwd=ROOT, check=True)  # noqa: S603
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        """granian's own pid and its worker processes' (children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        return [self.process.pid, *found]


def start(env: Mapping[str, str], *, workers: int = WORKERS, threads: int = THREADS) -> Server:
    port = free_port()
    command: Sequence[str] = [
        str(BIN / "granian"), "--interface", "wsgi", "config.wsgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(threads), "--backpressure", str(BACKPRESSURE),
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=dict(env), cwd=ROOT)  # noqa: S603
    server = Server(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"granian exited with {process.returncode}")
        try:
            with urllib.request.urlopen(server.base + "/bench/floor", timeout=2):  # noqa: S310
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    server.stop()
    raise RuntimeError("granian did not answer within 60 s")


def start_worker(env: Mapping[str, str], *, concurrency: int = 2) -> subprocess.Popen[bytes]:
    """A Celery worker on every queue (fan-out included), with the server's settings."""
    command = [
        str(BIN / "celery"), "-A", "config", "worker", "-Q", "celery,fanout,media",
        "-c", str(concurrency), "--loglevel", "WARNING",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return subprocess.Popen(command, env=dict(env), cwd=ROOT)  # noqa: S603


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # warm shutdown: finish the running tasks
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def rss_kb(pids: Sequence[int]) -> dict[int, int]:
    """VmRSS in kB of each live pid."""
    out = {}
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1])
    return out

"""Fan-out through a real Celery worker (a subprocess on the "fanout" queue, Redis broker) into
the Redis feed store, against the PostgreSQL test database."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app
from hearth.graph import services as graph
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines.feeds import get_feed_store
from hearth.timelines.models import FanoutJob

BROKER_URL = "redis://127.0.0.1:6379/14"
FEEDS_URL = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[3]
#: How long the worker may take to start, and a fanned-out post to arrive, in seconds.
START_TIMEOUT = 60
DELIVERY_TIMEOUT = 10


@pytest.fixture
def worker(settings):
    """A `celery worker -Q fanout,celery --pool solo` on the test database; stopped afterwards."""
    broker = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=0.5)
    try:
        broker.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis broker at {BROKER_URL}: {error}")
    broker.delete("fanout", "celery")  # nothing left over from an earlier run
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "CELERY_BROKER_URL": BROKER_URL,
        "REDIS_URL": FEEDS_URL,
        "HEARTH_DB_POOL_SIZE": "2",
    }
    process = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "fanout,celery",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = threading.Event()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if " ready." in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    process.output = output  # type: ignore[attr-defined]  # shown when the test fails
    # The test process sends to the broker instead of running tasks inline, and its feed
    # store is the worker's (same Redis database, no key prefix).
    eager, broker_url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, BROKER_URL
    app.amqp._producer_pool = None  # a pool made earlier would point at another broker
    settings.REDIS_URL, settings.HEARTH_FEED_KEY_PREFIX = FEEDS_URL, ""
    # And its cache too: the "a fan-out task is queued" mark must be the one the worker clears.
    settings.CACHES = {
        "default": {
            "BACKEND": "hearth.core.cache.RedisCache",
            "LOCATION": FEEDS_URL,
            "KEY_PREFIX": "hearth",
        }
    }
    try:
        if not ready.wait(START_TIMEOUT):
            pytest.fail("the Celery worker did not start:\n" + "".join(output[-30:]))
        yield process
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker_url
        app.amqp._producer_pool = None
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fans_a_post_out_within_seconds(worker):
    assert django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    # Given ana follows bruno and her Redis feed is built
    ana, bruno = make_account("ana"), make_account("bruno")
    graph.follow(actor=ana, target=bruno)
    store = get_feed_store()
    key = store.key(ana.pk)  # type: ignore[attr-defined]
    try:
        store.read_page(ana.pk)
        # When bruno posts (committed for real; the fan-out task goes through the broker)
        post = make_post(bruno, "through the worker")
        # Then the worker puts it in her feed within the time allowed
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while not store.contains(ana.pk, post.pk):
            assert worker.poll() is None, "the worker died"
            assert time.monotonic() < deadline, "not fanned out within 10 s; the worker said:\n" + (
                "".join(worker.output[-40:])
            )
            time.sleep(0.05)
        assert store.read_page(ana.pk) == [post.pk]
    finally:
        store.client.delete(key, store.key(bruno.pk))  # type: ignore[attr-defined]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_burst_of_posts(worker):
    # Given ana follows bruno and carla, and her Redis feed is built
    ana, bruno, carla = make_account("ana"), make_account("bruno"), make_account("carla")
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=ana, target=carla)
    store = get_feed_store()
    keys = [store.key(account.pk) for account in (ana, bruno, carla)]  # type: ignore[attr-defined]
    try:
        store.read_page(ana.pk)
        # When both post 30 times as fast as they can (most posts send no message of their
        # own: a queued task takes every pending job with it)
        made = [make_post(author, f"burst {n}").pk for n in range(15) for author in (bruno, carla)]
        # Then every one of them reaches her feed, newest first
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while store.read_page(ana.pk, limit=40) != sorted(made, reverse=True):
            assert worker.poll() is None, "the worker died"
            assert time.monotonic() < deadline, "burst not delivered within 10 s:\n" + (
                "".join(worker.output[-40:])
            )
            time.sleep(0.05)
        assert not FanoutJob.objects.filter(state=FanoutJob.State.PENDING).exists()
    finally:
        store.client.delete(*keys)  # type: ignore[attr-defined]

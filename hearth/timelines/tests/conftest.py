import os
import uuid

import pytest
import redis

from hearth.posts.tests.factories import make_account
from hearth.timelines import store_redis
from hearth.timelines.feeds import get_feed_store

#: Where the Redis store's tests go when REDIS_URL is unset: Redis runs on the development box,
#: and database 15 is left to tests.
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def ana(db):
    return make_account("ana")


@pytest.fixture
def bruno(db):
    return make_account("bruno")


@pytest.fixture
def carla(db):
    return make_account("carla")


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or TEST_REDIS_URL


@pytest.fixture
def redis_settings(settings):
    """Point get_feed_store() at Redis under a key prefix of this test's own; delete its keys
    afterwards. Skipped, with the reason, when no Redis answers."""
    url = redis_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {url}: {error}")
    prefix = f"test-{uuid.uuid4().hex}:"
    settings.REDIS_URL = url
    settings.HEARTH_FEED_KEY_PREFIX = prefix
    store_redis.warning_reset()
    yield client
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["database", "redis"])
def store(request, db, settings):
    """Each feed store in turn, as get_feed_store() returns it (so fan-out uses it too)."""
    if request.param == "redis":
        request.getfixturevalue("redis_settings")
    else:
        settings.REDIS_URL = ""
    return get_feed_store()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block enqueued on commit (fan-out tasks, eagerly)
    when it ends, as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run

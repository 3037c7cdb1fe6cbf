"""The bench's Redis figures, against the real Redis (skipped when none answers)."""

import os
import uuid

import pytest
import redis

from bench.redis_memory import OPERATOR_SETTINGS, feed_memory, redis_configure
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines.feeds import get_feed_store

URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def server():
    client = redis.Redis.from_url(URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {URL}: {error}")
    return client


@pytest.fixture
def redis_feeds(server, settings):
    prefix = f"test-{uuid.uuid4().hex}:"
    settings.REDIS_URL, settings.HEARTH_FEED_KEY_PREFIX = URL, prefix
    yield server
    keys = list(server.scan_iter(f"{prefix}*"))
    if keys:
        server.delete(*keys)


def test_the_operator_settings_are_applied_and_reported(server):
    # Given the server's settings as they are (restored afterwards: CONFIG SET is server-wide)
    before = {name: server.config_get(name)[name] for name in OPERATOR_SETTINGS}
    try:
        # ...and set to something else (still above a full feed, harmless to other users)
        server.config_set("zset-max-listpack-entries", 1023)
        # When the bench configures its Redis, then the documented values are in effect
        applied = redis_configure(URL)
        assert applied == {name: str(value) for name, value in OPERATOR_SETTINGS.items()}
        assert server.config_get("zset-max-listpack-entries")["zset-max-listpack-entries"] == (
            "1024"
        )
    finally:
        for name, value in before.items():
            server.config_set(name, value)


@pytest.mark.django_db
def test_feed_memory_reports_bytes_members_and_encoding(redis_feeds):
    # Given one built feed holding one post, and an account without a feed
    ana, bruno = make_account("ana"), make_account("bruno")
    make_post(ana, "hello")
    get_feed_store().read_page(ana.pk)
    # When the bench weighs both
    found = feed_memory([ana.pk, bruno.pk])
    # Then it reports the built one only: its post and marker, in a small listpack
    assert found["feeds"] == 1
    assert found["median_members"] == 2
    assert found["encodings"] == {"listpack": 1}
    assert 0 < found["median_bytes"] == found["max_bytes"] < 1024


@pytest.mark.django_db
def test_feed_memory_is_not_applicable_to_the_database_store(settings):
    settings.REDIS_URL = ""
    assert feed_memory([1]) == {"note": "n/a: the feed store is DatabaseFeedStore"}

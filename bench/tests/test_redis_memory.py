"""The bench's Redis figures, against the real Redis (skipped when none answers)."""

import os
import uuid

import pytest
import redis

from bench.redis_memory import feed_memory
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


@pytest.mark.django_db
def test_feed_memory_reports_bytes_ids_and_encoding(redis_feeds):
    # Given one built feed holding two posts, and an account without a feed
    ana, bruno = make_account("ana"), make_account("bruno")
    make_post(ana, "hello")
    make_post(ana, "again")
    get_feed_store().read_page(ana.pk)
    # When the bench weighs both
    found = feed_memory([ana.pk, bruno.pk])
    # Then it reports the built one only: its two posts (not the header), in a small list
    assert found["feeds"] == 1
    assert found["median_ids"] == found["max_ids"] == 2
    assert found["encodings"] == {"quicklist": 1}
    assert 0 < found["median_bytes"] == found["max_bytes"] < 1024


@pytest.mark.django_db
def test_feed_memory_is_not_applicable_to_the_database_store(settings):
    settings.REDIS_URL = ""
    assert feed_memory([1]) == {"note": "n/a: the feed store is DatabaseFeedStore"}

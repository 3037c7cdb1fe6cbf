"""timelines.W001: Redis's sorted-set limit against the feed length, asked of the real server.

The tests never change the server's settings (other runs share it): they move
HEARTH_FEED_LENGTH around the value the server has instead."""

import uuid

import pytest
import redis
from django.core.checks import run_checks

from hearth.timelines.checks import feed_store_redis_check, zset_listpack_entries

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def server_entries(redis_settings, settings):
    entries = zset_listpack_entries(settings.REDIS_URL)
    assert entries is not None
    return entries


def test_warns_when_a_full_feed_would_not_stay_compact(server_entries, settings):
    # Given feeds as long as the server's limit (plus the marker, one entry over it)
    settings.HEARTH_FEED_LENGTH = server_entries
    # When the checks run
    found = run_checks(tags=["timelines"])
    # Then the operator is told what to set
    assert [message.id for message in found] == ["timelines.W001"]
    assert f"e.g. {max(1024, server_entries + 1)}," in found[0].hint


def test_silent_when_the_limit_is_above_the_feed_length(server_entries, settings):
    settings.HEARTH_FEED_LENGTH = server_entries - 1
    assert feed_store_redis_check() == []


def test_silent_without_redis_feeds(settings):
    settings.REDIS_URL = ""
    assert feed_store_redis_check() == []


def test_silent_when_redis_is_down(settings):
    settings.REDIS_URL = CLOSED_PORT_URL
    settings.HEARTH_FEED_LENGTH = 10**9  # would warn if it could ask
    assert feed_store_redis_check() == []


def test_silent_when_config_is_refused(redis_settings, settings):
    # Given a Redis user that may do anything but CONFIG, as on managed services
    client = redis_settings
    user, password = f"hearth-test-{uuid.uuid4().hex}", uuid.uuid4().hex
    client.acl_setuser(
        user, enabled=True, passwords=[f"+{password}"], keys=["*"], commands=["+@all", "-config"]
    )
    try:
        url = settings.REDIS_URL.replace("redis://", f"redis://{user}:{password}@", 1)
        with pytest.raises(redis.exceptions.NoPermissionError):
            redis.Redis.from_url(url).config_get("zset-max-listpack-entries")
        settings.REDIS_URL = url
        settings.HEARTH_FEED_LENGTH = 10**9
        # When the check runs, then it says nothing and doesn't fail
        assert feed_store_redis_check() == []
    finally:
        client.acl_deluser(user)

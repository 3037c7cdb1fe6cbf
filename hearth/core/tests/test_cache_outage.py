"""RedisCache with Redis unreachable: a cache that misses, never an error, and deletes that
could not be sent are sent once Redis answers again."""

import logging
import os

import pytest
import redis

from hearth.core.cache import REDIS_DOWN, RedisCache

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


def test_reads_miss_and_caching_writes_are_dropped_when_redis_is_unreachable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a cache whose Redis refuses connections
    down = RedisCache(CLOSED_PORT_URL, {})

    # When pages read and write it
    with caplog.at_level(logging.WARNING, logger="hearth.core.cache"):
        assert down.get("badge", "default") == "default"
        assert down.get_many(["a", "b"]) == {}
        assert down.has_key("a") is False
        down.set("a", 1)
        assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert down.touch("a") is False
        assert down.delete("a") is False
        down.delete_many(["b"])
        with down.read_ahead(["a", "b"]):
            assert down.get("a") is None

    # Then nothing raised, one warning was logged, and the deletes are kept for later
    warnings = [record for record in caplog.records if "unreachable" in record.getMessage()]
    assert len(warnings) == 1
    assert list(down._lost_deletes) == [
        down.make_and_validate_key("a"),
        down.make_and_validate_key("b"),
    ]
    # And what coordinates (once-per-interval marks, counters) still says it could not
    with pytest.raises(REDIS_DOWN):
        down.add("mark", 1, 60)
    with pytest.raises(REDIS_DOWN):
        down.incr("counter")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_a_delete_lost_in_an_outage_is_sent_when_redis_answers_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a real Redis holding a role cached before the outage
    url = os.environ["REDIS_URL"]
    shared = RedisCache(url, {"KEY_PREFIX": f"outage-test-{os.getpid()}"})
    shared.set("role", "moderator")
    # When its invalidation is sent while Redis can't be reached
    client = shared._cache
    reachable = client._get_connection_pool
    unreachable = redis.ConnectionPool.from_url(CLOSED_PORT_URL)
    monkeypatch.setattr(client, "_get_connection_pool", lambda write: unreachable)
    client._clients.clear()
    assert shared.delete("role") is False
    assert shared.get("role") is None  # (a miss meanwhile: Redis is down)
    # Then once Redis answers again, the next read sends the delete first
    monkeypatch.setattr(client, "_get_connection_pool", reachable)
    client._clients.clear()
    assert shared.get("something-else") is None
    assert shared.get("role") is None
    assert not shared._lost_deletes

"""hearth.core.cache: Django's Redis cache, with one redis-py client per pool."""

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis

from hearth.core.cache import BriefCopy, LocalGate, RedisCache, Renderings

#: Where these tests go when REDIS_URL is unset (database 15 is left to tests).
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def cache() -> Iterator[RedisCache]:
    url = os.environ.get("REDIS_URL") or TEST_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {url}: {error}")
    backend = RedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield backend
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{backend.key_prefix}:*"))
    if keys:
        client.delete(*keys)


def test_every_call_uses_the_same_client(cache: RedisCache) -> None:
    # Given the cache's client (Django's makes a new redis.Redis on every call)
    first = cache._cache.get_client()

    # When reads and writes ask for one again
    again = [cache._cache.get_client(), cache._cache.get_client("key", write=True)]

    # Then they get the same one (one server: reads and writes share its pool)
    assert again == [first, first]
    assert all(client is first for client in again)


def test_the_shared_client_serves_every_thread(cache: RedisCache) -> None:
    # Given values written from eight threads at once, through the one client
    def write(number: int) -> None:
        cache.set(f"key{number}", {"n": number}, 60)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every one reads back, one by one and all at once, and deletes
    assert [cache.get(f"key{n}") for n in range(8)] == [{"n": n} for n in range(8)]
    assert cache.get_many(["key0", "key7", "absent"]) == {"key0": {"n": 0}, "key7": {"n": 7}}
    assert cache.delete("key0") is True
    assert cache.get("key0", "gone") == "gone"


# --- Renderings: a process's copy of values that never change under their key ------------------


def test_renderings_are_read_from_the_process_copy_then_the_shared_cache() -> None:
    from django.core.cache import cache as shared

    copies = Renderings(1000, len)
    # A value only the shared cache has is found, and kept here from then on
    shared.set("renderings-test:a", "alpha")
    assert copies.get_many(["renderings-test:a", "renderings-test:b"]) == {
        "renderings-test:a": "alpha"
    }
    shared.delete("renderings-test:a")
    assert copies.get_many(["renderings-test:a"]) == {"renderings-test:a": "alpha"}
    # A value set goes to both
    copies.set_many({"renderings-test:b": "beta"}, 60)
    assert shared.get("renderings-test:b") == "beta"
    shared.delete("renderings-test:b")
    assert copies.get_many(["renderings-test:b"]) == {"renderings-test:b": "beta"}
    # And clearing the cache clears the copies too
    shared.clear()
    assert copies.get_many(["renderings-test:a", "renderings-test:b"]) == {}


def test_renderings_keep_the_most_recently_used_within_their_size() -> None:
    from django.core.cache import cache as shared

    copies = Renderings(10, len)
    copies.set_many({"renderings-test:1": "aaaa", "renderings-test:2": "bbbb"}, 60)
    copies.get_many(["renderings-test:1"])  # used: the 2 is now the least recently used
    copies.set_many({"renderings-test:3": "cccc"}, 60)  # 12 bytes: one must go
    shared.delete_many(["renderings-test:1", "renderings-test:2", "renderings-test:3"])
    assert set(
        copies.get_many(["renderings-test:1", "renderings-test:2", "renderings-test:3"])
    ) == {
        "renderings-test:1",
        "renderings-test:3",
    }


# --- BriefCopy and LocalGate: a few seconds' memory in the process ------------------------------


def test_a_brief_copy_is_loaded_once_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.cache import cache as shared

    now = [1000.0]
    monkeypatch.setattr("hearth.core.cache.time.monotonic", lambda: now[0])
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    copy: BriefCopy[int] = BriefCopy(5)
    # The first read loads; reads within the interval don't
    assert copy.get(load) == 1
    now[0] += 4.9
    assert copy.get(load) == 1
    # Past it, the next read loads again
    now[0] += 0.2
    assert copy.get(load) == 2
    # And clearing the cache (or the copy) drops it at once
    shared.clear()
    assert copy.get(load) == 3


def test_a_local_gate_remembers_keys_for_its_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("hearth.core.cache.time.monotonic", lambda: now[0])
    gate = LocalGate(300, size=2)
    assert not gate.passed_recently("a")
    gate.note("a")
    assert gate.passed_recently("a")
    now[0] += 301
    assert not gate.passed_recently("a")
    # Past its size, the key noted longest ago is forgotten first
    gate.note("a")
    gate.note("b")
    gate.note("c")
    assert (gate.passed_recently("a"), gate.passed_recently("b"), gate.passed_recently("c")) == (
        False,
        True,
        True,
    )


def test_redis_replies_are_parsed_in_c() -> None:
    # hiredis is a dependency: redis-py parses replies with it (a page's Redis reads cost about
    # a third less CPU than with its pure-Python parser)
    from redis.utils import HIREDIS_AVAILABLE

    assert HIREDIS_AVAILABLE


# --- read_ahead: a page's known reads in one round trip ---------------------------------------


def test_read_ahead_answers_each_first_read_from_one_round_trip(cache: RedisCache) -> None:
    # Given values in the cache, and a key that is not
    cache.set("badge", 3, 60)
    cache.set("role", True, 60)
    cache.set("stamp", "s1", 60)

    with cache.read_ahead(["badge", "role", "stamp", "missing"]):
        # When they change in Redis behind the block's back (another process)
        cache._cache.set(cache.make_and_validate_key("badge"), 99, 60)
        # Then the first read of each is what was read ahead, an absent key absent
        assert cache.get("badge") == 3
        assert cache.get("missing", "none") == "none"
        # And a second read asks Redis
        assert cache.get("badge") == 99
        # And a value this block writes or deletes is never answered from what was read
        cache.set("role", False, 60)
        assert cache.get("role") is False
        cache.delete_many(["stamp"])
        assert cache.get("stamp") is None

    # And outside the block every read asks Redis
    cache._cache.set(cache.make_and_validate_key("role"), "later", 60)
    assert cache.get("role") == "later"


def test_read_ahead_is_this_threads_alone(cache: RedisCache) -> None:
    cache.set("badge", 1, 60)
    seen: list[object] = []
    with cache.read_ahead(["badge"]):
        cache._cache.set(cache.make_and_validate_key("badge"), 2, 60)
        other = threading.Thread(target=lambda: seen.append(cache.get("badge")))
        other.start()
        other.join()
        assert cache.get("badge") == 1
    assert seen == [2]

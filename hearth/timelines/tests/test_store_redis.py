"""The Redis store's own concerns: its layout (memory per feed, order, late posts, rebuilds,
the old layout's keys), and degraded mode (Redis unreachable: homes come from the database,
no 500, and the feeds are repaired when Redis is back)."""

import logging
import random

import pytest

from hearth.graph import services as graph
from hearth.posts.tests.factories import make_post
from hearth.timelines import services, store_redis
from hearth.timelines.feeds import Bounds, FeedItem, feed_length, feed_lifetime, get_feed_store
from hearth.timelines.models import FanoutJob, FeedRepair
from hearth.timelines.store_redis import RedisFeedStore, encode

#: Nothing listens here: connecting is refused at once.
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_store(redis_settings):
    return get_feed_store()


def test_a_full_feed_costs_under_ten_kilobytes(redis_store, redis_settings, ana):
    # Given ana's built feed, filled past its cap with real-looking ids
    client = redis_settings
    assert feed_length() == 800
    redis_store.read_page(ana.pk)  # built
    newest = make_post(ana, "now").pk
    ids = [newest - n * 7_919_000_000 for n in range(900)]
    redis_store.merge(ana.pk, [FeedItem(pk, ana.pk) for pk in ids])
    # Then it holds the header and the newest 800 ids, newest first, in one compact list
    key = redis_store.key(ana.pk)
    assert client.lrange(key, 0, -1) == [store_redis.READY, *[encode(pk) for pk in ids[:800]]]
    assert client.object("encoding", key) == b"quicklist"
    assert client.ttl(key) > 0
    # And it costs under 10 KB: 801 elements of 10 bytes of listpack at most (an 8-byte id with
    # its length and back-length bytes), 8,017 bytes in the allocator's 8,192-byte class, plus
    # ~150 bytes for the list, its node and the key (a sorted set of the same ids: 10,312)
    used = int(client.memory_usage(key, samples=0))
    print(f"MEMORY USAGE of a full feed: {used} bytes")  # noqa: T201
    assert used <= 10_000


def test_pushes_in_any_order_keep_the_feed_sorted_with_each_id_once(redis_store, ana):
    # Given a built feed, and ids that differ in either 32-bit half, the sign bit of each
    # half and each byte (the scripts compare ids as two unsigned halves)
    redis_store.read_page(ana.pk)
    ids = [1, 2, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**32 + 2**31, 2**40 + 255]
    ids += [0x0102030405060708, 0x7F00000000000000, 0x7F000000FFFFFFFF, 2**63 - 1]
    ids += [115_000_000_000_000_000 + n for n in (0, 255, 256, 65_535, 65_536)]
    shuffled = random.Random(7).sample(ids, len(ids))
    # When they are pushed in any order, each twice
    for pk in shuffled + shuffled[::-1]:
        redis_store.push([ana.pk], FeedItem(pk, ana.pk))
    # Then the feed is every id once, newest first
    assert redis_store.read_page(ana.pk, limit=40) == sorted(ids, reverse=True)
    # And every page agrees with the cursor semantics, for cursors in the feed and not
    for cursor in sorted({*ids, *(pk + 1 for pk in ids), *(pk - 1 for pk in ids)}):
        for size in (1, 3):
            for cursors in ({"max_id": cursor}, {"min_id": cursor}, {"since_id": cursor}):
                expected = Bounds.parse(limit=size, **cursors).pick(ids)
                assert redis_store.read_page(ana.pk, limit=size, **cursors) == expected
    assert all(redis_store.contains(ana.pk, pk) for pk in ids)
    assert not redis_store.contains(ana.pk, 3)


def test_a_late_post_takes_its_place_in_a_full_feed(redis_store, redis_settings, settings, ana):
    # Given a full feed of five
    settings.HEARTH_FEED_LENGTH = 5
    client = redis_settings
    redis_store.read_page(ana.pk)
    for pk in (100, 110, 120, 130, 140):
        redis_store.push([ana.pk], FeedItem(pk, ana.pk))
    # When posts older than all of them, already there, and in between arrive late
    for pk in (90, 100, 120, 115):
        redis_store.push([ana.pk], FeedItem(pk, ana.pk))
    # Then only the one in between got in, and the oldest went
    assert redis_store.read_page(ana.pk) == [140, 130, 120, 115, 110]
    assert client.llen(redis_store.key(ana.pk)) == 5 + 1


def test_a_feed_dropped_during_its_rebuild_stays_unbuilt(redis_store, redis_settings, ana):
    # Given a rebuild of ana's feed has begun, and a post was pushed meanwhile
    client = redis_settings
    key = redis_store.key(ana.pk)
    redis_store._begin_rebuild(ana.pk)
    redis_store.push([ana.pk], FeedItem(30, ana.pk))
    # When the feed is dropped (a block, a repair) before the rebuild finishes
    redis_store.invalidate([ana.pk])
    redis_store.push([ana.pk], FeedItem(40, ana.pk))
    redis_store._finish_rebuild(ana.pk, [FeedItem(10, ana.pk), FeedItem(20, ana.pk)])
    # Then it is not marked built, so the next read rebuilds it from the posts table
    assert client.lrange(key, 0, -1) == [store_redis.COLLECTED, encode(40)]
    assert redis_store.read_page(ana.pk) == []


def test_a_feed_left_by_the_sorted_set_layout_is_ignored(redis_store, redis_settings, ana):
    # Given a feed in the layout of earlier versions, under its old key
    client = redis_settings
    old_key = f"{redis_store.key_prefix}feed:home:{ana.pk}"
    client.zadd(old_key, {b"\xff": 0, encode(12345): 0})
    client.expire(old_key, 3600)
    post = make_post(ana, "after the upgrade")
    # When ana reads her feed and posts are pushed, then the new feed answers, and the old key
    # is left to expire
    assert redis_store.read_page(ana.pk) == [post.pk]
    redis_store.push([ana.pk], FeedItem(post.pk + 1, ana.pk))
    assert redis_store.read_page(ana.pk) == [post.pk + 1, post.pk]
    assert client.type(old_key) == b"zset"
    assert client.ttl(old_key) > 0


def test_an_unreachable_redis_serves_the_home_from_the_database(db, settings, ana, bruno, caplog):
    # Given Redis is unreachable
    settings.REDIS_URL = CLOSED_PORT_URL
    store_redis.warning_reset()
    graph.follow(actor=ana, target=bruno)
    post = make_post(bruno, "still readable")
    store = get_feed_store()
    # When ana reads her feed twice
    with caplog.at_level(logging.WARNING, logger="hearth.timelines.store_redis"):
        assert store.read_page(ana.pk) == [post.pk]
        assert store.read_page(ana.pk, limit=5) == [post.pk]
    # Then she got the pull query's answer, one warning was logged, and her feed is marked
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert FeedRepair.objects.filter(account=ana).exists()


def test_home_page_is_200_with_redis_down(client_with_user, user, other_user, settings):
    # Given ana follows bruno, who posted, and the feed store's Redis is down
    ana, bruno = user.account, other_user.account
    graph.follow(actor=ana, target=bruno)
    make_post(bruno, "served from the database")
    settings.REDIS_URL = CLOSED_PORT_URL
    store_redis.warning_reset()
    # When she opens her home and polls for new posts
    response = client_with_user.get("/")
    newer = client_with_user.get("/home/new", {"since_id": "1"})
    # Then both work, from the database
    assert response.status_code == 200
    assert "served from the database" in response.content.decode()
    assert newer.status_code == 200


def test_feeds_marked_during_an_outage_are_rebuilt_when_redis_is_back(
    redis_settings, settings, ana, bruno
):
    # Given ana's feed was built, then Redis went away while she unfollowed bruno
    graph.follow(actor=ana, target=bruno)
    old = make_post(bruno, "before")
    working = get_feed_store()
    working.read_page(ana.pk)
    assert working.contains(ana.pk, old.pk)
    url = settings.REDIS_URL
    settings.REDIS_URL = CLOSED_PORT_URL
    graph.unfollow(actor=ana, target=bruno)
    services.feed_author_remove(account_id=ana.pk, author_id=bruno.pk)  # fails: marks
    assert get_feed_store().read_page(ana.pk) == []  # served by the pull query meanwhile
    # The sweeper can't repair anything while Redis is down
    assert services.feeds_repair() == 0
    # When Redis answers again, the sweeper drops the feed, and the next read rebuilds it
    settings.REDIS_URL = url
    assert services.feeds_repair() == 1
    assert not FeedRepair.objects.exists()
    assert working.read_page(ana.pk) == []
    assert not working.contains(ana.pk, old.pk)


def test_a_closed_connection_pool_reconnects(redis_store, ana):
    # Given a built feed, when every pooled connection is closed under the store
    post = make_post(ana, "hi")
    assert redis_store.read_page(ana.pk) == [post.pk]
    redis_store.client.connection_pool.disconnect()
    # Then the next read reconnects and answers from Redis
    assert redis_store.read_page(ana.pk) == [post.pk]
    assert redis_store.contains(ana.pk, post.pk)
    assert not FeedRepair.objects.exists()


def test_writes_to_an_unreachable_redis_raise_so_the_job_stays_pending(db, ana):
    store = RedisFeedStore(CLOSED_PORT_URL)
    with pytest.raises(store_redis.REDIS_DOWN):
        store.push([ana.pk], FeedItem(1, ana.pk))


def test_pushes_keep_the_newest_entries_and_set_a_lifetime(redis_store, redis_settings, ana, bruno):
    # Given two built feeds (and one never built)
    client = redis_settings
    redis_store.read_page(ana.pk)
    redis_store.read_page(bruno.pk)
    # When more posts than a feed holds are pushed, one batch at a time
    first = make_post(ana, "first").pk
    pushed = [first + n for n in range(feed_length() + 5)]
    for post_id in pushed:
        redis_store.push([ana.pk, bruno.pk, 999_999], FeedItem(post_id, ana.pk))
    # Then each feed keeps the newest feed_length() ids and its header; the oldest are gone
    for account_id in (ana.pk, bruno.pk):
        key = redis_store.key(account_id)
        assert client.llen(key) == feed_length() + 1
        assert redis_store.read_page(account_id, limit=1) == [pushed[-1]]
        assert not redis_store.contains(account_id, pushed[4])
        assert redis_store.contains(account_id, pushed[5])
        # and still expires when its build does
        assert 0 < client.ttl(key) <= feed_lifetime().total_seconds()
    # And a feed fan-out created without a build expires too, and is not taken as built
    unbuilt = redis_store.key(999_999)
    assert 0 < client.ttl(unbuilt) <= feed_lifetime().total_seconds()
    assert client.lindex(unbuilt, 0) == store_redis.COLLECTED


def test_pushes_together_survive_a_redis_that_forgot_its_scripts(redis_settings, ana, bruno):
    # Given a Redis restarted since the store loaded its push script
    store = get_feed_store()
    store.read_page(ana.pk)
    post = make_post(ana, "after the restart").pk
    redis_settings.script_flush()
    # When pushes go together, Then they land (the script is loaded again)
    store.push_each([([ana.pk, bruno.pk], [FeedItem(post, ana.pk)])])
    assert store.contains(ana.pk, post)
    assert store.contains(bruno.pk, post)


def test_an_unreachable_store_leaves_a_round_pending_in_one_try(
    db, settings, ana, bruno, carla, monkeypatch
):
    # Given posts by two small audiences' authors waiting, and Redis unreachable
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=ana, target=carla)
    first, second = make_post(bruno, "one"), make_post(carla, "two")
    settings.REDIS_URL = CLOSED_PORT_URL
    tries: list[int] = []
    push_each = RedisFeedStore.push_each

    def counted(self, deliveries):
        tries.append(len(deliveries))
        return push_each(self, deliveries)

    monkeypatch.setattr(RedisFeedStore, "push_each", counted)
    # When a fan-out round runs, it fails once for both (not once more for each author)
    with pytest.raises(store_redis.REDIS_DOWN):
        services.fanout_post(post_id=first.pk)
    assert tries == [2]
    # And both jobs wait for the sweeper
    assert set(FanoutJob.objects.values_list("state", flat=True)) == {"pending"}
    assert FanoutJob.objects.filter(post__in=[first, second]).count() == 2

"""The Redis store's own concerns: its memory per feed, and degraded mode (Redis unreachable:
homes come from the database, no 500, and the feeds are repaired when Redis is back)."""

import logging

import pytest

from hearth.graph import services as graph
from hearth.posts.tests.factories import make_post
from hearth.timelines import services, store_redis
from hearth.timelines.feeds import FeedItem, feed_length, get_feed_store
from hearth.timelines.models import FeedRepair
from hearth.timelines.store_redis import RedisFeedStore, encode

#: Nothing listens here: connecting is refused at once.
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_store(redis_settings):
    return get_feed_store()


def test_a_full_feed_fits_in_about_ten_kilobytes(redis_store, redis_settings, ana):
    # Given Redis configured for compact sorted sets, as docs/operators/scaling.md says (for
    # this test only: CONFIG SET is server-wide, and a setting left behind would hide a
    # misconfigured server from the bench and from the timelines.W001 check)
    client = redis_settings
    name = "zset-max-listpack-entries"
    configured = client.config_get(name)[name]
    client.config_set(name, 1024)
    try:
        used = _full_feed_memory(redis_store, client, ana)
    finally:
        client.config_set(name, configured)
    # Then it costs about 10 KB: 800 ids and the marker take 801 x 12 bytes of listpack (the
    # 8-byte member and its length and back-length bytes, a score of 0 in two), which the
    # allocator rounds up to its 10,240-byte size class, plus ~70 bytes for the key itself
    # (the same layout with score = id measures 16,456 bytes)
    print(f"MEMORY USAGE of a full feed: {used} bytes")  # noqa: T201
    assert used <= 10 * 1024 + 128


def _full_feed_memory(redis_store, client, ana) -> int:
    """MEMORY USAGE of ana's feed after it is filled past its cap with real-looking ids,
    checking that it is capped and compactly encoded."""
    assert feed_length() == 800
    redis_store.read_page(ana.pk)  # built
    newest = make_post(ana, "now").pk
    items = [FeedItem(newest - n * 7_919_000_000, ana.pk) for n in range(900)]
    redis_store.merge(ana.pk, items)
    key = redis_store.key(ana.pk)
    assert client.zcard(key) == 800 + 1  # and the "built" marker
    assert client.object("encoding", key) == b"listpack"
    return int(client.memory_usage(key, samples=0))


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
    # Then each feed keeps the newest feed_length() ids and its marker; the oldest are gone
    for account_id in (ana.pk, bruno.pk):
        key = redis_store.key(account_id)
        assert client.zcard(key) == feed_length() + 1
        assert redis_store.read_page(account_id, limit=1) == [pushed[-1]]
        assert client.zscore(key, encode(pushed[4])) is None
        assert client.zscore(key, encode(pushed[5])) == 0
    # And a feed fan-out created without a build still expires
    assert client.ttl(redis_store.key(999_999)) > 0

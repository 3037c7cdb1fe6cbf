"""The feed store contract, run against both push stores (the `store` fixture: database and
Redis), with fan-out driven by the real services and signals, tasks run eagerly on commit."""

from datetime import timedelta

from django.utils import timezone

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines.feeds import (
    FeedItem,
    FeedStore,
    PullFeedStore,
    feed_length,
    get_feed_store,
    pull_items,
)
from hearth.timelines.models import FeedState
from hearth.timelines.services import fanout_post
from hearth.timelines.store_db import DatabaseFeedStore, feeds_trim
from hearth.timelines.store_redis import RedisFeedStore


def test_the_store_follows_the_configuration(db, settings):
    settings.REDIS_URL = ""
    assert isinstance(get_feed_store(), DatabaseFeedStore)
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    assert isinstance(get_feed_store(), RedisFeedStore)
    # All three satisfy the interface
    for candidate in (get_feed_store(), PullFeedStore()):
        checked: FeedStore = candidate
        assert checked is candidate


def test_a_new_account_has_an_empty_feed(store):
    assert store.read_page(make_account().pk) == []


def test_fanout_puts_a_post_in_followers_feeds_and_the_authors(store, ana, bruno, carla, committed):
    # Given ana follows bruno, carla follows no one, and ana's feed is built
    graph.follow(actor=ana, target=bruno)
    store.read_page(ana.pk)
    # When bruno posts
    with committed():
        post = make_post(bruno, "hello")
    # Then it is in his feed and ana's, not carla's
    assert store.contains(ana.pk, post.pk)
    assert store.contains(bruno.pk, post.pk)
    assert not store.contains(carla.pk, post.pk)
    assert store.read_page(ana.pk) == [post.pk]


def test_reposts_are_fanned_out_too(store, ana, bruno, carla, committed):
    graph.follow(actor=ana, target=bruno)
    original = make_post(carla, "worth sharing")
    with committed():
        repost = posts.reblog(actor=bruno, post=original)
    assert store.contains(ana.pk, repost.pk)
    assert not store.contains(ana.pk, original.pk)


def test_pages_follow_the_mastodon_cursors(store, ana, committed):
    with committed():
        made = [make_post(ana, f"post {n}").pk for n in range(5)]
    assert store.read_page(ana.pk, limit=2) == [made[4], made[3]]
    assert store.read_page(ana.pk, max_id=made[3], limit=2) == [made[2], made[1]]
    assert store.read_page(ana.pk, since_id=made[2]) == [made[4], made[3]]
    assert store.read_page(ana.pk, min_id=made[0], limit=2) == [made[2], made[1]]
    assert store.read_page(ana.pk, min_id=made[0], max_id=made[3]) == [made[2], made[1]]
    # Junk cursors are ignored, not errors
    assert store.read_page(ana.pk, max_id="abc", limit="x") == made[::-1]
    assert store.read_page(ana.pk, max_id=-5, since_id=2**70) == made[::-1]


def test_running_a_fanout_twice_changes_nothing(store, ana, bruno, committed):
    # Given a post already fanned out to ana
    graph.follow(actor=ana, target=bruno)
    with committed():
        older = make_post(bruno, "older")
        post = make_post(bruno, "again")
    before = store.read_page(ana.pk)
    # When its fan-out runs again (a retried task, a sweeper re-run)
    fanout_post(post_id=post.pk)
    fanout_post(post_id=post.pk)
    # Then the feed is the same
    assert store.read_page(ana.pk) == before == [post.pk, older.pk]


def test_feeds_keep_the_newest_posts_up_to_the_configured_length(store, settings, ana):
    settings.HEARTH_FEED_LENGTH = 5
    store.read_page(ana.pk)  # built, empty
    ids = [make_post(ana, f"n{n}").pk for n in range(8)]
    store.merge(ana.pk, [FeedItem(pk, ana.pk) for pk in ids[:4]])
    for pk in ids[4:]:
        store.push([ana.pk], FeedItem(pk, ana.pk))
    feeds_trim()  # the database store trims periodically, Redis on every push
    assert store.read_page(ana.pk, limit=40) == ids[::-1][:5]


def test_one_push_adds_several_posts_in_order(store, settings, ana, bruno):
    settings.HEARTH_FEED_LENGTH = 6
    store.read_page(ana.pk)  # built, empty
    ids = [make_post(ana, f"n{n}").pk for n in range(8)]
    # Into an empty feed and a feed never built (bruno's), in any order
    store.push([ana.pk, bruno.pk], *(FeedItem(pk, ana.pk) for pk in (ids[2], ids[0], ids[1])))
    assert store.read_page(ana.pk) == [ids[2], ids[1], ids[0]]
    # All newer than the newest, with one already there given again
    store.push([ana.pk], *(FeedItem(pk, ana.pk) for pk in (ids[2], ids[4], ids[3])))
    assert store.read_page(ana.pk) == [ids[4], ids[3], ids[2], ids[1], ids[0]]
    # Then one older than the newest (a late fan-out) with one newer, past the cap
    store.push([ana.pk], *(FeedItem(pk, ana.pk) for pk in (ids[7], ids[5])))
    store.push([ana.pk], *(FeedItem(pk, ana.pk) for pk in (ids[6], ids[0])))
    feeds_trim()  # the database store trims periodically, Redis on every push
    assert store.read_page(ana.pk, limit=40) == ids[::-1][:6]


def test_pushes_sent_together_are_each_delivered(store, ana, bruno, carla):
    for account in (ana, bruno, carla):
        store.read_page(account.pk)  # built, empty
    first, second = make_post(ana, "a").pk, make_post(bruno, "b").pk
    third = make_post(bruno, "c").pk
    # Ana's post to her and Carla, Bruno's two to him and Carla; an empty audience is fine
    store.push_each(
        [
            ([ana.pk, carla.pk], [FeedItem(first, ana.pk)]),
            ([bruno.pk, carla.pk], [FeedItem(third, bruno.pk), FeedItem(second, bruno.pk)]),
            ([], [FeedItem(first, ana.pk)]),
        ]
    )
    assert store.read_page(ana.pk) == [first]
    assert store.read_page(bruno.pk) == [third, second]
    assert store.read_page(carla.pk) == [third, second, first]
    store.push_each([([carla.pk], [FeedItem(first, ana.pk)])])  # again: nothing changes
    assert store.read_page(carla.pk) == [third, second, first]


def test_a_fanout_round_of_many_small_audiences_reaches_each(store, ana, bruno, carla, committed):
    # Bruno follows Ana, Carla follows Bruno, their feeds are built
    graph.follow(actor=bruno, target=ana)
    graph.follow(actor=carla, target=bruno)
    for account in (ana, bruno, carla):
        store.read_page(account.pk)
    # When both post, committed together (the first task's round delivers both)
    with committed():
        mine = posts.post_create(author=ana, text="from Ana", visibility="public")
        theirs = posts.post_create(author=bruno, text="from Bruno", visibility="public")
    # Then each is in its author's and its followers' feeds, and nowhere else
    assert store.read_page(ana.pk) == [mine.pk]
    assert store.read_page(bruno.pk) == [theirs.pk, mine.pk]
    assert store.read_page(carla.pk) == [theirs.pk]


def test_a_deleted_post_leaves_the_feeds(store, ana, bruno, committed):
    graph.follow(actor=ana, target=bruno)
    with committed():
        post = make_post(bruno, "oops")
        kept = make_post(bruno, "fine")
    with committed():
        posts.post_delete(post=post, actor=bruno)
    assert not store.contains(ana.pk, post.pk)
    assert store.read_page(ana.pk) == [kept.pk]


def test_unfollowing_removes_the_accounts_posts_and_reposts(store, ana, bruno, carla, committed):
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=ana, target=carla)
    with committed():
        own = make_post(bruno, "bruno")
        repost = posts.reblog(actor=bruno, post=make_post(carla, "carla"))
    with committed():
        graph.unfollow(actor=ana, target=bruno)
    assert not store.contains(ana.pk, own.pk)
    assert not store.contains(ana.pk, repost.pk)
    assert len(store.read_page(ana.pk)) == 1  # carla's own post stays


def test_following_brings_the_accounts_recent_posts(store, ana, bruno, committed):
    # Given ana's feed is built and bruno has posted before she follows him
    store.read_page(ana.pk)
    made = [make_post(bruno, f"earlier {n}").pk for n in range(3)]
    # When she follows him
    with committed():
        graph.follow(actor=ana, target=bruno)
    # Then his recent posts are in her feed
    assert store.read_page(ana.pk) == made[::-1]


def test_blocking_removes_entries_both_ways(store, ana, bruno, committed):
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=bruno, target=ana)
    with committed():
        his = make_post(bruno, "his")
        hers = make_post(ana, "hers")
    with committed():
        graph.block(actor=ana, target=bruno)
    assert not store.contains(ana.pk, his.pk)
    assert not store.contains(bruno.pk, hers.pk)


def test_visibility_decides_who_gets_a_post(store, ana, bruno, carla, committed):
    # Given ana and carla follow bruno; dora follows no one
    dora = make_account("dora")
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=carla, target=bruno)
    with committed():
        private = make_post(bruno, "followers", visibility=Visibility.PRIVATE)
        direct = make_post(bruno, "@ana psst", visibility=Visibility.DIRECT)
        to_dora = make_post(bruno, "@dora hi", visibility=Visibility.DIRECT)
    # Then followers-only reaches all followers, a direct post only the mentioned follower
    assert store.contains(ana.pk, private.pk)
    assert store.contains(carla.pk, private.pk)
    assert store.contains(ana.pk, direct.pk)
    assert not store.contains(carla.pk, direct.pk)
    assert not store.contains(dora.pk, to_dora.pk)  # not a follower (as in the pull query)


def test_replies_to_strangers_reach_only_followers_of_both(store, ana, bruno, carla, committed):
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=carla, target=bruno)
    graph.follow(actor=carla, target=ana)
    parent = make_post(ana, "ana")
    with committed():
        to_ana = make_post(bruno, "@ana hi", in_reply_to=parent)
    assert store.contains(ana.pk, to_ana.pk)  # replied to
    assert store.contains(carla.pk, to_ana.pk)  # follows both
    dora = make_account("dora")
    graph.follow(actor=dora, target=bruno)
    with committed():
        again = make_post(bruno, "@ana more", in_reply_to=parent)
    assert not store.contains(dora.pk, again.pk)


def test_inactive_followers_are_skipped_and_rebuilt_on_their_next_read(
    store, ana, bruno, committed
):
    # Given ana follows bruno but has not been around for longer than the active window
    graph.follow(actor=ana, target=bruno)
    store.read_page(ana.pk)
    long_ago = timezone.now() - timedelta(days=31)
    Account.objects.filter(pk=ana.pk).update(last_active_at=long_ago)
    store.invalidate([ana.pk])  # her feed expired meanwhile
    # When bruno posts, fan-out leaves her out
    with committed():
        post = make_post(bruno, "while you were away")
    assert not store.contains(ana.pk, post.pk)
    # Then her first read rebuilds the feed from the posts table, and she is active again
    assert store.read_page(ana.pk) == [post.pk]
    assert store.contains(ana.pk, post.pk)
    assert Account.objects.get(pk=ana.pk).last_active_at > long_ago


def test_a_reader_gets_the_pull_answer_while_someone_else_rebuilds(store, ana, bruno):
    # Given another process holds the rebuild lock of ana's (unbuilt) feed
    graph.follow(actor=ana, target=bruno)
    post = make_post(bruno, "hi")
    assert store._lock(ana.pk)
    try:
        # When she reads, she gets the posts table's answer and the feed stays unbuilt
        assert store.read_page(ana.pk) == [post.pk]
        assert not store.contains(ana.pk, post.pk)
    finally:
        store._unlock(ana.pk)
    # Then once the lock is free, the next read builds it
    assert store.read_page(ana.pk) == [post.pk]
    assert store.contains(ana.pk, post.pk)


def test_a_post_pushed_during_a_rebuild_is_kept(store, ana, bruno):
    # Given a rebuild of ana's feed has begun and read the posts table
    graph.follow(actor=ana, target=bruno)
    before = make_post(bruno, "before")
    store._begin_rebuild(ana.pk)
    copied = pull_items(ana.pk, feed_length())
    # When a newer post's fan-out lands before the rebuild writes what it read
    during = make_post(bruno, "during")
    store.push([ana.pk], FeedItem(during.pk, bruno.pk))
    store._finish_rebuild(ana.pk, copied)
    # Then the built feed has both
    assert store.read_page(ana.pk) == [during.pk, before.pk]


def test_an_invalidated_feed_is_rebuilt_without_what_left_the_posts_table(store, ana, bruno):
    graph.follow(actor=ana, target=bruno)
    store.read_page(ana.pk)
    stray = make_post(bruno, "stray")
    store.push([ana.pk], FeedItem(2**40, bruno.pk))  # an id no post has
    store.invalidate([ana.pk])
    assert store.read_page(ana.pk) == [stray.pk]


def test_a_database_feed_older_than_the_active_window_is_rebuilt(db, settings, ana, bruno):
    # Given ana's feed was built, and bruno posted without a fan-out reaching her
    settings.REDIS_URL = ""
    store = get_feed_store()
    store.read_page(ana.pk)
    graph.follow(actor=ana, target=bruno)
    post = make_post(bruno, "missed")
    assert store.read_page(ana.pk) == []
    # When the feed's build is older than the active window allows to trust
    FeedState.objects.filter(account=ana).update(built_at=timezone.now() - timedelta(days=30))
    # Then the next read rebuilds it
    assert store.read_page(ana.pk) == [post.pk]

from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines.feeds import FeedStore, PullFeedStore, get_feed_store


def test_the_store_in_use_is_the_pull_store():
    store = get_feed_store()
    assert isinstance(store, PullFeedStore)
    # It satisfies the interface the feed engine will implement
    checked: FeedStore = store
    assert checked is store


def test_feed_has_followed_accounts_and_own_posts_newest_first(ana, bruno, carla):
    # Given ana follows bruno, not carla
    graph.follow(actor=ana, target=bruno)
    first = make_post(bruno, "first")
    own = make_post(ana, "mine")
    make_post(carla, "stranger")
    last = make_post(bruno, "last")
    # When her feed is read
    ids = get_feed_store().read_page(ana.pk)
    # Then it holds bruno's posts and hers, newest first
    assert ids == [last.pk, own.pk, first.pk]


def test_feed_leaves_out_muted_accounts_and_reposts_of_them(ana, bruno, carla):
    # Given ana follows bruno and carla, and mutes carla
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=ana, target=carla)
    kept = make_post(bruno, "kept")
    muted_post = make_post(carla, "muted")
    repost_of_muted = posts.reblog(actor=bruno, post=muted_post)
    graph.mute(actor=ana, target=carla)
    # Then neither carla's post nor bruno's repost of it is in the feed
    ids = get_feed_store().read_page(ana.pk)
    assert kept.pk in ids
    assert muted_post.pk not in ids
    assert repost_of_muted.pk not in ids


def test_feed_hides_reposts_of_a_reposts_only_mute_but_keeps_their_posts(ana, bruno, carla):
    graph.follow(actor=ana, target=bruno)
    graph.mute(actor=ana, target=bruno, reposts_only=True)
    own = make_post(bruno, "bruno writes")
    repost = posts.reblog(actor=bruno, post=make_post(carla, "carla writes"))
    ids = get_feed_store().read_page(ana.pk)
    assert own.pk in ids
    assert repost.pk not in ids


def test_feed_leaves_out_replies_to_strangers_but_keeps_replies_to_people_followed(
    ana, bruno, carla
):
    graph.follow(actor=ana, target=bruno)
    stranger_post = make_post(carla, "carla")
    to_stranger = make_post(bruno, "@carla hi", in_reply_to=stranger_post)
    to_ana = make_post(bruno, "@ana hi", in_reply_to=make_post(ana, "ana"))
    ids = get_feed_store().read_page(ana.pk)
    assert to_stranger.pk not in ids
    assert to_ana.pk in ids


def test_feed_respects_visibility(ana, bruno, carla):
    # Given carla follows bruno, who posts for followers and for ana only
    graph.follow(actor=carla, target=bruno)
    private = make_post(bruno, "followers", visibility=Visibility.PRIVATE)
    direct = make_post(bruno, "@ana psst", visibility=Visibility.DIRECT)
    ids = get_feed_store().read_page(carla.pk)
    assert private.pk in ids
    assert direct.pk not in ids


def test_feed_pages_with_mastodon_cursors(ana):
    made = [make_post(ana, f"post {n}").pk for n in range(5)]
    store = get_feed_store()
    assert store.read_page(ana.pk, limit=2) == [made[4], made[3]]
    assert store.read_page(ana.pk, max_id=made[3], limit=2) == [made[2], made[1]]
    assert store.read_page(ana.pk, since_id=made[2]) == [made[4], made[3]]
    assert store.read_page(ana.pk, min_id=made[0], limit=2) == [made[2], made[1]]
    # Junk cursors are ignored, not errors
    assert store.read_page(ana.pk, max_id="abc", limit="x") == made[::-1]


def test_push_and_remove_are_harmless_no_ops(ana):
    post = make_post(ana, "still here")
    store = get_feed_store()
    store.push([ana.pk], post.pk)
    store.remove(post.pk)
    assert store.read_page(ana.pk) == [post.pk]


def test_a_new_account_has_an_empty_feed(db):
    assert get_feed_store().read_page(make_account().pk) == []

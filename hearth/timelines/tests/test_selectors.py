import pytest

from hearth.accounts.models.user import Visibility
from hearth.core.pagination import paginate
from hearth.graph import services as graph
from hearth.posts import selectors as post_selectors
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines import selectors
from hearth.timelines.selectors import Cursor


def test_home_timeline_returns_views_with_cursors(ana, bruno):
    graph.follow(actor=ana, target=bruno)
    made = [make_post(bruno, f"post {n}") for n in range(3)]
    page = selectors.home_timeline(ana, Cursor(limit=2))
    assert [view.post.pk for view in page.items] == [made[2].pk, made[1].pk]
    assert page.next_max_id == made[1].pk
    assert page.prev_min_id == made[2].pk
    last = selectors.home_timeline(ana, Cursor(max_id=page.next_max_id, limit=2))
    assert [view.post.pk for view in last.items] == [made[0].pk]
    assert last.next_max_id is None


def test_home_timeline_views_carry_the_viewers_flags(ana, bruno):
    graph.follow(actor=ana, target=bruno)
    post = make_post(bruno, "like me")
    posts.favourite(actor=ana, post=post)
    (view,) = selectors.home_timeline(ana).items
    assert view.favourited
    assert view.author == bruno


def test_home_newer_count(ana, bruno):
    graph.follow(actor=ana, target=bruno)
    top = make_post(bruno, "seen")
    assert selectors.home_newer_count(ana, top.pk) == 0
    make_post(bruno, "new 1")
    make_post(bruno, "new 2")
    assert selectors.home_newer_count(ana, top.pk) == 2


@pytest.mark.parametrize("length", [5, 20])
def test_home_timeline_query_count_does_not_grow_with_the_page(
    ana, length, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # Given a page of posts from several followed people, reposts and replies among them,
    # fanned out as they are once committed
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(length):
            author = make_account()
            graph.follow(actor=ana, target=author)
            post = make_post(author, f"hello #tag{n} @ana")
            if n % 3 == 0:
                posts.reblog(actor=author, post=make_post(ana, f"ana {n}"))
            if n % 4 == 0:
                make_post(author, "@ana reply", in_reply_to=post)
    selectors.home_timeline(ana)  # the first read builds the feed
    # Then reading it costs the same whatever its length: the feed page, a look at the outbox
    # (nothing pending, no large account: nothing more), the posts, hydrate (mentions,
    # hashtags, media, flags), the accounts replied to, and the reposts-hidden list (the page
    # has reposts)
    with django_assert_max_num_queries(9):
        page = selectors.home_timeline(ana, Cursor(limit=length))
        assert len(page.items) == length
        for view in page.items:
            assert view.shown.author.username
            _ = view.shown.post.in_reply_to_account


def test_local_timeline_leaves_out_muted_accounts(ana, bruno, carla):
    make_post(bruno, "bruno")
    kept = make_post(carla, "carla")
    graph.mute(actor=ana, target=bruno)
    assert [stamp.pk for stamp in selectors.local_timeline_stamps(ana).items] == [kept.pk]
    # Logged out, everyone's public posts
    assert len(selectors.local_timeline_stamps(None).items) == 2


def test_hashtag_bookmarks_and_favourites_pass_through(ana, bruno):
    tagged = make_post(bruno, "about #Bread")
    other = make_post(bruno, "nothing")
    posts.bookmark(actor=ana, post=other)
    posts.favourite(actor=ana, post=tagged)
    assert [s.pk for s in selectors.hashtag_timeline_stamps(ana, "bread").items] == [tagged.pk]
    assert [s.pk for s in selectors.bookmarks_timeline_stamps(ana).items] == [other.pk]
    assert [s.pk for s in selectors.favourites_timeline_stamps(ana).items] == [tagged.pk]


@pytest.mark.parametrize("as_visitor", [True, False])
def test_profile_stamps_page_as_the_profile_query_does(ana, bruno, carla, as_visitor):
    # Given Bruno's posts, replies, reposts and a followers-only post Ana may see
    graph.follow(actor=ana, target=bruno)
    for n in range(7):
        make_post(bruno, f"post {n}")
        make_post(bruno, f"@carla reply {n}", in_reply_to=make_post(carla, "asks"))
        posts.reblog(actor=bruno, post=make_post(carla, f"original {n}"))
    make_post(bruno, "friends only", visibility=Visibility.PRIVATE)
    viewer = None if as_visitor else ana
    tabs = [
        {"with_replies": False}, {"with_replies": True}, {"with_reposts": False},
        {"only_media": True}, {"tagged": "none"},
    ]  # fmt: skip
    cursors = [
        Cursor(), Cursor(limit="5"), Cursor(max_id="junk"), Cursor(min_id="1", limit="3"),
        Cursor(since_id="1", limit="3"),
    ]  # fmt: skip
    for tab in tabs:
        for cursor in cursors:
            # When a page is read as stamps, and the pages after it
            while True:
                page = selectors.profile_timeline_stamps(viewer, bruno, cursor=cursor, **tab)
                # Then it is the page the profile's query gives, cursors and all
                rows = post_selectors.account_posts(viewer, bruno, **{"with_replies": False, **tab})
                expected = paginate(
                    rows, max_id=cursor.max_id, min_id=cursor.min_id, since_id=cursor.since_id,
                    limit=cursor.limit,
                )  # fmt: skip
                assert [stamp.pk for stamp in page.items] == [post.pk for post in expected.items]
                assert page.next_max_id == expected.next_max_id
                assert page.prev_min_id == expected.prev_min_id
                if page.next_max_id is None or cursor.min_id or cursor.since_id:
                    break
                cursor = Cursor(max_id=str(page.next_max_id), limit=cursor.limit)
    # The newest posts and those below max_id come from queries compiled once, not rebuilt
    assert all(
        template is not None
        for query in selectors._PROFILE_IDS.values()
        for template in query._templates.values()
    )


# --- Who to follow ---------------------------------------------------------------------------


def test_who_to_follow_puts_friends_of_friends_first(ana, bruno, carla):
    # Given ana follows bruno, who follows carla; dora is popular but unconnected
    dora = make_account("dora")
    for _ in range(3):
        graph.follow(actor=make_account(), target=dora)
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=bruno, target=carla)
    suggested = selectors.who_to_follow(ana)
    # Then carla comes first, then dora; never ana herself or bruno, whom she follows
    assert suggested[:2] == [carla, dora]
    assert ana not in suggested
    assert bruno not in suggested


def test_who_to_follow_skips_blocks_requests_and_undiscoverable(ana, bruno, carla):
    dora, eve = make_account("dora"), make_account("eve")
    graph.block(actor=bruno, target=ana)
    graph.block(actor=ana, target=carla)
    eve.locked = True
    eve.save(update_fields=["locked"])
    graph.follow(actor=ana, target=eve)  # a request, not yet accepted
    hidden = make_account("hidden")
    hidden.discoverable = False
    hidden.save(update_fields=["discoverable"])
    assert selectors.who_to_follow(ana) == [dora]


def test_who_to_follow_suggests_at_most_five_and_costs_no_query_once_checked(
    ana, django_assert_num_queries
):
    for _ in range(8):
        make_account()
    selectors.who_to_follow(ana)  # ranks the candidates, checks them, caches both
    with django_assert_num_queries(0):
        assert len(selectors.who_to_follow(ana)) == 5


def test_a_block_either_way_takes_a_suggestion_out_at_once(ana, bruno, carla):
    # Given bruno and carla suggested to ana, the checked list cached
    assert {bruno, carla} <= set(selectors.who_to_follow(ana))

    # When bruno blocks ana
    graph.block(actor=bruno, target=ana)

    # Then her next page view no longer suggests him
    assert bruno not in selectors.who_to_follow(ana)
    assert carla in selectors.who_to_follow(ana)


def test_a_suggestion_followed_a_moment_ago_drops_out_despite_the_cache(ana, bruno, carla):
    # Given bruno and carla suggested to ana (the ranking is now cached)
    assert {bruno, carla} <= set(selectors.who_to_follow(ana))

    # When ana follows bruno from the panel
    graph.follow(actor=ana, target=bruno)

    # Then he is no longer suggested on her next page view
    suggested = selectors.who_to_follow(ana)
    assert bruno not in suggested
    assert carla in suggested


def test_a_page_of_20_is_loaded_and_hydrated_in_six_queries(ana, django_assert_max_num_queries):
    # Given 20 posts of every kind a card shows: reposts, replies, mentions, hashtags, likes,
    # bookmarks, a muted author
    for n in range(20):
        author = make_account()
        graph.follow(actor=ana, target=author)
        if n % 4 == 0:
            post = posts.reblog(actor=author, post=make_post(make_account(), f"#shared {n}"))
        elif n % 4 == 1:
            post = make_post(author, f"@ana replying {n}", in_reply_to=make_post(ana, "q"))
        else:
            post = make_post(author, f"hello #tag{n} @ana")
        posts.favourite(actor=ana, post=post)
        if n % 5 == 0:
            posts.bookmark(actor=ana, post=post)
    graph.mute(actor=ana, target=make_account())
    ids = list(
        Post.objects.filter(author__in=ana.outbound_follows.values("target"))
        .values_list("pk", flat=True)
        .order_by("-pk")[:20]
    )
    # When the page is loaded by id and hydrated for ana
    with django_assert_max_num_queries(6):
        views = selectors.hydrate_posts(ana, post_selectors.posts_by_ids(ana, ids))
        # Then everything a card reads is there without another query: authors, originals,
        # the account replied to, counts, flags
        for view in views:
            shown = view.shown
            assert shown.author.username
            assert view.author.username
            _ = shown.post.in_reply_to_account
            assert shown.post.favourites_count == 1 or view.reblog is not None
            assert shown.favourited
            _ = (shown.mentions, shown.hashtags, view.bookmarked, view.muted)
    assert len(views) == 20

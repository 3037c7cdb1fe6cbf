import pytest
from django.http import Http404
from django.utils import timezone

from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts import selectors, services
from hearth.posts.selectors import access_post, can_see, hydrate, post_context, posts_visible_to
from hearth.posts.tests.factories import make_account, make_post

# --- The authorization matrix ------------------------------------------------------------------

VIEWERS = [
    "author",
    "follower",
    "non_follower",
    "mentioned",
    "blocked_by_author",
    "blocker_of_author",
    "anonymous",
]
#: Who may see a post of each visibility; everyone else may not.
ALLOWED = {
    Visibility.PUBLIC: {"author", "follower", "non_follower", "mentioned", "anonymous"},
    Visibility.UNLISTED: {"author", "follower", "non_follower", "mentioned", "anonymous"},
    Visibility.PRIVATE: {"author", "follower"},
    Visibility.DIRECT: {"author", "mentioned"},
}
MATRIX = [
    (visibility, viewer, viewer in ALLOWED[visibility])
    for visibility in ALLOWED
    for viewer in VIEWERS
]


@pytest.fixture
def cast(db):
    """The author and one account per kind of viewer. Both blocked viewers followed the author
    and are mentioned before the block, so only the block can be what hides a post from them."""
    accounts = {name: make_account(name) for name in VIEWERS if name != "anonymous"}
    author = accounts["author"]
    for name in ("follower", "blocked_by_author", "blocker_of_author"):
        graph.follow(actor=accounts[name], target=author)
    accounts["anonymous"] = None
    return accounts


def post_for_matrix(cast, visibility):
    post = make_post(
        cast["author"], "@mentioned @blocked_by_author @blocker_of_author hi", visibility
    )
    graph.block(actor=cast["author"], target=cast["blocked_by_author"])
    graph.block(actor=cast["blocker_of_author"], target=cast["author"])
    return post


@pytest.mark.parametrize(("visibility", "viewer", "allowed"), MATRIX)
def test_authorization_matrix(cast, visibility, viewer, allowed):
    # Given a post of this visibility mentioning the "mentioned" viewer
    post = post_for_matrix(cast, visibility)
    # When this viewer asks
    account = cast[viewer]
    # Then the one check and the one list agree on the rule
    assert can_see(account, post) is allowed
    assert posts_visible_to(account).filter(pk=post.pk).exists() is allowed
    assert (post in list(posts_visible_to(account))) is allowed


def test_the_matrix_has_every_cell():
    assert len(MATRIX) == 28


@pytest.mark.parametrize("hide", ["suspend", "schedule_deletion"])
@pytest.mark.parametrize("visibility", list(ALLOWED))
def test_hidden_authors_posts_are_invisible_to_everyone(cast, hide, visibility):
    # Given a post, then its author suspended or scheduled for deletion
    post = make_post(cast["author"], "@mentioned hello", visibility)
    user = cast["author"].user
    if hide == "suspend":
        user.is_active = False
        user.save(update_fields=["is_active"])
    else:
        user.deletion_scheduled_at = timezone.now()
        user.save(update_fields=["deletion_scheduled_at"])
    # Then nobody sees it, the author included
    for viewer in ("author", "follower", "mentioned", "non_follower", "anonymous"):
        assert not can_see(cast[viewer], post), viewer
        assert not posts_visible_to(cast[viewer]).filter(pk=post.pk).exists()


def test_a_repost_needs_both_itself_and_the_original_visible(db):
    # Given Ana's post reposted by Bruno, and three readers
    ana, bruno = make_account("ana"), make_account("bruno")
    blocked_by_ana, blocking_bruno, reader = (make_account(n) for n in ("dan", "eve", "fay"))
    repost = services.reblog(actor=bruno, post=make_post(ana))
    graph.block(actor=ana, target=blocked_by_ana)
    graph.block(actor=blocking_bruno, target=bruno)
    # Then the repost is hidden from whoever can't see either end of it
    assert can_see(reader, repost)
    assert can_see(None, repost)
    assert not can_see(blocked_by_ana, repost)
    assert not can_see(blocking_bruno, repost)
    # and from everyone once the original's author is suspended
    ana.user.is_active = False
    ana.user.save(update_fields=["is_active"])
    assert not can_see(reader, repost)


def test_following_later_reveals_followers_only_posts_and_unfollowing_hides_them(db):
    ana, bruno = make_account("ana"), make_account("bruno")
    post = make_post(ana, "friends", Visibility.PRIVATE)
    assert not can_see(bruno, post)
    graph.follow(actor=bruno, target=ana)
    assert can_see(bruno, post)
    graph.unfollow(actor=bruno, target=ana)
    assert not can_see(bruno, post)


def test_visibility_is_one_query(cast, django_assert_num_queries):
    for visibility in ALLOWED:
        post_for_matrix(cast, visibility)
    with django_assert_num_queries(1):
        assert len(list(posts_visible_to(cast["follower"]))) == 3  # not the direct one
    with django_assert_num_queries(1):
        assert len(list(posts_visible_to(None))) == 2


# --- access_post -------------------------------------------------------------------------------


def test_access_post_returns_the_post_with_its_author(ana, bruno, django_assert_num_queries):
    post = make_post(ana)
    with django_assert_num_queries(1):
        found = access_post(bruno, str(post.pk))
        assert found.author.username == "ana"


@pytest.mark.parametrize("post_id", ["nope", "", "-1", "0", str(2**64), None, "1.5"])
def test_access_post_treats_bad_ids_as_missing(ana, post_id):
    with pytest.raises(Http404):
        access_post(ana, post_id)


def test_access_post_hides_invisible_posts_as_missing(ana, bruno):
    post = make_post(ana, "secret", Visibility.PRIVATE)
    with pytest.raises(Http404):
        access_post(bruno, post.pk)
    with pytest.raises(Http404):
        access_post(None, post.pk)
    assert access_post(ana, post.pk) == post


# --- post_context ------------------------------------------------------------------------------


def test_context_gives_ancestors_oldest_first_and_replies_in_thread_order(
    ana, bruno, carla, django_assert_num_queries
):
    # Given a thread: root <- a <- focus, and below focus: r1 (with r1a, r1b) and r2
    root = make_post(ana, "root")
    a = make_post(bruno, "a", in_reply_to=root)
    focus = make_post(ana, "focus", in_reply_to=a)
    r1 = make_post(bruno, "r1", in_reply_to=focus)
    r2 = make_post(carla, "r2", in_reply_to=focus)
    r1a = make_post(carla, "r1a", in_reply_to=r1)
    r1b = make_post(ana, "r1b", in_reply_to=r1)
    make_post(carla, "elsewhere", in_reply_to=root)

    # When the thread is read around focus
    with django_assert_num_queries(3):
        context = post_context(bruno, focus)

    # Then ancestors run from the root, and replies depth first, oldest first
    assert context.ancestors == [root, a]
    assert [(reply.post, reply.depth) for reply in context.descendants] == [
        (r1, 1),
        (r1a, 2),
        (r1b, 2),
        (r2, 1),
    ]


def test_context_leaves_out_what_the_viewer_cannot_see(ana, bruno, carla):
    # Given a thread with a followers-only reply that has its own reply, and a hidden ancestor
    root = make_post(ana, "root", Visibility.PRIVATE)
    focus = make_post(ana, "focus", in_reply_to=root)
    hidden = make_post(carla, "friends", Visibility.PRIVATE, in_reply_to=focus)
    make_post(carla, "below hidden", in_reply_to=hidden)
    shown = make_post(carla, "open", in_reply_to=focus)
    # When Bruno (following no one) reads it
    context = post_context(bruno, focus)
    # Then he sees only what he may, and nothing hangs from a hidden reply
    assert context.ancestors == []
    assert [reply.post for reply in context.descendants] == [shown]


# --- hydrate -----------------------------------------------------------------------------------


def test_hydrate_reports_the_viewers_flags_mentions_and_tags(ana, bruno, carla):
    # Given Ana's tagged post mentioning Carla, which Bruno liked, bookmarked and reposted,
    # Ana pinned, and Bruno mutes Carla
    post = make_post(ana, "@carla #Tag hi")
    services.favourite(actor=bruno, post=post)
    services.bookmark(actor=bruno, post=post)
    repost = services.reblog(actor=bruno, post=post)
    services.pin(actor=ana, post=post)
    other = make_post(carla, "hello")
    graph.mute(actor=bruno, target=carla)

    # When Bruno hydrates his view of the post, his repost and Carla's post
    views = hydrate(bruno, [post, repost, other])

    # Then each view carries what a page needs
    view, repost_view, other_view = views
    assert view.author == ana
    assert [m.username for m in view.mentions] == ["carla"]
    assert view.hashtags == ("Tag",)
    assert (view.favourited, view.reblogged, view.bookmarked) == (True, True, True)
    assert not view.pinned  # pinned is about the viewer's own profile
    assert hydrate(ana, [post])[0].pinned
    assert not view.muted
    assert repost_view.reblog.post == post
    assert repost_view.reblog.author == ana
    assert repost_view.shown is repost_view.reblog
    assert repost_view.favourited
    assert other_view.muted
    assert not other_view.favourited
    # and logged out, no flags at all
    anonymous = hydrate(None, [post])[0]
    assert not anonymous.favourited
    assert not anonymous.bookmarked
    assert not anonymous.muted


def _page_of(author, reposter, count):
    posts = []
    for number in range(count):
        post = make_post(author, f"post {number} @{reposter.username} #tag{number % 3}")
        posts.append(post)
        posts.append(services.reblog(actor=reposter, post=post))
    return posts[:count]


def _queries_to_hydrate(viewer, ids, django_assert_num_queries, expected):
    posts = list(selectors.posts_by_ids(viewer, ids))
    with django_assert_num_queries(expected):
        return hydrate(viewer, posts)


@pytest.mark.parametrize("count", [3, 30])
def test_hydrate_costs_the_same_for_3_and_30_posts(ana, bruno, count, django_assert_num_queries):
    # Given a page of posts and reposts, loaded the way lists load them
    ids = [post.pk for post in _page_of(ana, bruno, count)]
    # When the page is hydrated, the cost does not depend on its length
    # (mentions, hashtags, photos, and the viewer's flags when there is a viewer)
    views = _queries_to_hydrate(bruno, ids, django_assert_num_queries, 4)
    assert len(views) == count
    _queries_to_hydrate(None, ids, django_assert_num_queries, 3)


def _flags(shown):
    return (shown.favourited, shown.reblogged, shown.bookmarked, shown.pinned, shown.muted)


def test_stamps_carry_the_flags_hydrate_reports(ana, bruno, carla, django_assert_num_queries):
    # Given Ana's post that Bruno liked, bookmarked and reposted and Ana pinned; Carla's post;
    # Carla reposting Ana's; Dana reposting Carla's; Bruno mutes Carla, and Dana's reposts only
    post = make_post(ana, "hi")
    services.favourite(actor=bruno, post=post)
    services.bookmark(actor=bruno, post=post)
    repost = services.reblog(actor=bruno, post=post)
    services.pin(actor=ana, post=post)
    by_carla = make_post(carla, "hello")
    carla_repost = services.reblog(actor=carla, post=post)
    dana = make_account("dana")
    dana_repost = services.reblog(actor=dana, post=by_carla)
    graph.mute(actor=bruno, target=carla)
    graph.mute(actor=bruno, target=dana, reposts_only=True)
    shown = [post, repost, by_carla, carla_repost, dana_repost]

    for viewer in (bruno, ana):
        # When the viewer's stamps are read (as the home timeline reads them: the visible
        # posts, then the flags; the flags stay out of the first query, whose generic plan
        # would then read all of a viewer's posts to answer for twenty)
        with django_assert_num_queries(2):
            stamps = selectors.visible_stamps(viewer, [p.pk for p in shown])

        # Then each stamp, and each repost's original, has the flags hydrate gives its view
        views = hydrate(viewer, shown)
        assert [
            (s.pk, _flags(s), s.reblog and (s.reblog.pk, _flags(s.reblog))) for s in stamps
        ] == [
            (v.post.pk, _flags(v), v.reblog and (v.reblog.post.pk, _flags(v.reblog))) for v in views
        ]
    # and the query ran from its compiled template, not rebuilt every time
    assert all(template is not None for template in selectors._STAMPS._templates.values())


def test_hydrate_loads_missing_authors_in_bulk(ana, bruno, django_assert_num_queries):
    ids = [post.pk for post in _page_of(ana, bruno, 10)]
    from hearth.posts.models import Post

    bare = list(Post.objects.filter(pk__in=ids))  # no select_related
    with django_assert_num_queries(7):
        hydrate(bruno, bare)


def test_hydrate_of_nothing_asks_nothing(ana, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert hydrate(ana, []) == []


# --- Lists -------------------------------------------------------------------------------------


def pks(queryset):
    return [post.pk for post in queryset]


def test_public_posts_are_public_originals_newest_first(ana, bruno):
    first = make_post(ana, "first")
    make_post(ana, "quiet", Visibility.UNLISTED)
    make_post(ana, "friends", Visibility.PRIVATE)
    services.reblog(actor=bruno, post=first)
    make_post(bruno, "reply to ana", in_reply_to=first)
    own_thread = make_post(ana, "more", in_reply_to=first)
    last = make_post(bruno, "last")
    assert pks(selectors.public_posts(None)) == [last.pk, own_thread.pk, first.pk]


def test_hashtag_posts_match_any_letter_case(ana, bruno):
    tagged = make_post(ana, "#Hearth")
    also = make_post(bruno, "#HEARTH")
    make_post(ana, "#hearth quietly", Visibility.UNLISTED)
    make_post(ana, "#other")
    assert pks(selectors.hashtag_posts(None, "hearth")) == [also.pk, tagged.pk]
    assert pks(selectors.hashtag_posts(None, "#Hearth")) == [also.pk, tagged.pk]
    assert pks(selectors.hashtag_posts(None, "nothing")) == []


def test_account_posts_with_and_without_replies(ana, bruno):
    top = make_post(ana, "top")
    repost = services.reblog(actor=ana, post=make_post(bruno, "bruno's"))
    reply = make_post(ana, "to bruno", in_reply_to=make_post(bruno, "q"))
    thread = make_post(ana, "thread", in_reply_to=top)
    private = make_post(ana, "friends", Visibility.PRIVATE)
    make_post(ana, "@bruno psst", Visibility.DIRECT)
    assert pks(selectors.account_posts(None, ana, with_replies=False)) == [
        thread.pk,
        repost.pk,
        top.pk,
    ]
    assert pks(selectors.account_posts(ana, ana, with_replies=True)) == [
        private.pk,
        thread.pk,
        reply.pk,
        repost.pk,
        top.pk,
    ]
    assert pks(selectors.account_posts(ana, ana, with_replies=True, only_media=True)) == []


def test_bookmarked_favourited_and_pinned_lists(ana, bruno):
    liked, saved, pinned = (make_post(ana, text) for text in ("liked", "saved", "pinned"))
    services.favourite(actor=bruno, post=liked)
    services.bookmark(actor=bruno, post=saved)
    services.pin(actor=ana, post=pinned)
    assert pks(selectors.favourited_posts(bruno)) == [liked.pk]
    assert pks(selectors.bookmarked_posts(bruno)) == [saved.pk]
    assert pks(selectors.pinned_posts(None, ana)) == [pinned.pk]
    # A bookmark of a post that became invisible drops out of the list
    graph.block(actor=ana, target=bruno)
    assert pks(selectors.bookmarked_posts(bruno)) == []


def test_post_edits_are_shown_to_those_who_see_the_post(ana, bruno):
    post = make_post(ana, "v1", Visibility.PRIVATE)
    services.post_edit(post=post, editor=ana, text="v2", spoiler_text="", sensitive=False)
    assert [edit.text for edit in selectors.post_edits(ana, post)] == ["v1"]
    assert list(selectors.post_edits(bruno, post)) == []


def test_posts_by_ids_keep_the_given_order_and_drop_invisible(ana, bruno):
    a, b = make_post(ana, "a"), make_post(ana, "b")
    hidden = make_post(ana, "c", Visibility.PRIVATE)
    assert pks(selectors.posts_by_ids(bruno, [a.pk, hidden.pk, b.pk])) == [a.pk, b.pk]

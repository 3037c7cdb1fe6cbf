"""The demo network: its shape, and the invariants the services would have kept."""

import random
import statistics
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from hearth.accounts.demo import seed_users
from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.core.ids import id_to_datetime
from hearth.demo.network import DAYS, FOLLOWS_MAX, FOLLOWS_MIN, MAX_THREAD_DEPTH, seed_network
from hearth.graph.models import Follow
from hearth.posts.models import Favourite, Hashtag, Mention, Post, PostHashtag
from hearth.posts.selectors import can_see
from hearth.posts.text import render

PASSWORD = "demo-passphrase-for-tests"
MEMBERS = 60


def make_network(count=MEMBERS, *, seed=1, posts_per_user=8, guests=()):
    users = seed_users(count=count, password=PASSWORD, seed=seed)
    summary = seed_network(
        users=users, posts_per_user=posts_per_user, rng=random.Random(seed), guests=guests
    )
    return users, summary


@pytest.fixture
def network(db):
    return make_network()


def originals():
    return Post.objects.filter(reblog_of__isnull=True, in_reply_to__isnull=True)


# --- Shape ----------------------------------------------------------------------------------------


def test_network_has_posts_replies_likes_and_reposts(network):
    # given
    _, summary = network

    # then: the summary tells the truth, and there is some of everything
    assert summary.posts == originals().count() > MEMBERS
    assert summary.replies == Post.objects.filter(in_reply_to__isnull=False).count() > 0
    assert summary.reposts == Post.objects.filter(reblog_of__isnull=False).count() > 0
    assert summary.likes == Favourite.objects.count() > 0
    assert summary.follows == Follow.objects.count() > 0
    assert Mention.objects.exists()
    assert PostHashtag.objects.exists()


def test_follows_are_skewed_towards_a_few_accounts(network):
    # given
    _, summary = network
    followers = sorted(Account.objects.values_list("followers_count", flat=True), reverse=True)

    # then: the top account is followed by most, the least followed quarter by far fewer
    # (with 60 members who follow 5-60 each, the middle is crowded; the tail shows the skew)
    assert followers[0] > MEMBERS / 2
    assert summary.most_followed.followers_count == followers[0] == summary.most_followed_count
    assert followers[0] > 3 * statistics.mean(followers[-MEMBERS // 4 :])


def test_each_member_follows_between_the_bounds(network):
    following = Account.objects.values_list("following_count", flat=True)
    assert all(FOLLOWS_MIN <= n <= min(FOLLOWS_MAX, MEMBERS - 1) for n in following)


def test_visibility_is_mostly_public_with_some_unlisted_and_private(network):
    shares = dict(
        originals().values("visibility").annotate(n=Count("pk")).values_list("visibility", "n")
    )
    assert shares[Visibility.PUBLIC] > shares[Visibility.UNLISTED] > 0
    assert shares[Visibility.PRIVATE] > 0
    assert Visibility.DIRECT not in shares


def test_some_posts_have_content_warnings_and_those_are_sensitive(network):
    warned = originals().exclude(spoiler_text="")
    assert warned.exists()
    assert not warned.filter(sensitive=False).exists()
    assert not originals().filter(spoiler_text="", sensitive=True).exists()


def test_everything_is_dated_over_the_past_two_weeks_with_matching_ids(network):
    # given
    now = timezone.now()

    # then
    for model in (Post, Follow, Favourite):
        for pk, created_at in model.objects.values_list("pk", "created_at"):
            assert now - timedelta(days=DAYS + 1) <= created_at <= now
            assert abs(id_to_datetime(pk) - created_at) < timedelta(milliseconds=2)
    assert Post.objects.filter(created_at__lt=now - timedelta(days=DAYS - 2)).exists()


def test_members_joined_before_their_first_post(network):
    first_post = Post.objects.earliest("created_at").created_at
    assert all(a.created_at < first_post for a in Account.objects.all())
    assert all(u.date_joined < first_post for u in User.objects.all())


# --- Invariants -----------------------------------------------------------------------------------


def test_account_counters_equal_their_rows(network):
    for account in Account.objects.all():
        assert account.followers_count == Follow.objects.filter(target=account).count()
        assert account.following_count == Follow.objects.filter(follower=account).count()
        assert account.posts_count == Post.objects.filter(author=account).count()


def test_post_counters_equal_their_rows(network):
    for post in Post.objects.all():
        assert post.replies_count == Post.objects.filter(in_reply_to=post).count()
        assert post.reblogs_count == Post.objects.filter(reblog_of=post).count()
        assert post.favourites_count == Favourite.objects.filter(post=post).count()


def test_no_self_follows_and_no_duplicates(network):
    pairs = list(Follow.objects.values_list("follower_id", "target_id"))
    assert len(pairs) == len(set(pairs))
    assert all(follower != target for follower, target in pairs)


def test_reposts_are_of_public_or_unlisted_originals_by_others(network):
    reposts = Post.objects.filter(reblog_of__isnull=False).select_related("reblog_of")
    for repost in reposts:
        original = repost.reblog_of
        assert original.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)
        assert repost.visibility == original.visibility
        assert original.reblog_of_id is None
        assert repost.author_id != original.author_id
        assert repost.text == repost.content_html == ""
        assert repost.in_reply_to_id is None
        assert repost.created_at > original.created_at


def test_content_html_is_what_the_posts_pipeline_renders(network):
    # given: a resolver that knows every account, as the services' does
    names = {a.username.lower(): a.username for a in Account.objects.all()}

    def resolve(wanted):
        return {name: names[name] for name in wanted if name in names}

    # then: the stored HTML is exactly the sanitized rendering, and the rows match it
    for post in Post.objects.filter(reblog_of__isnull=True).prefetch_related(
        "mentions__account", "hashtag_links__hashtag"
    ):
        rendered = render(post.text, resolve_usernames=resolve)
        assert post.content_html == rendered.html
        assert "<script" not in post.content_html
        assert [m.account.username for m in post.mentions.all()] == list(
            rendered.mentioned_usernames
        )
        assert {link.hashtag.name.lower() for link in post.hashtag_links.all()} == {
            name.lower() for name in rendered.hashtags
        }


def test_mentions_are_of_existing_accounts_named_in_the_text(network):
    for mention in Mention.objects.select_related("post", "account"):
        assert f"@{mention.account.username}" in mention.post.text


def test_hashtags_are_stored_once_whatever_the_case(network):
    names = [name.lower() for name in Hashtag.objects.values_list("name", flat=True)]
    assert len(names) == len(set(names)) > 3


def test_replies_form_threads_of_at_most_three_under_shared_posts(network):
    # given
    replies = Post.objects.filter(in_reply_to__isnull=False).select_related("in_reply_to")

    # then
    for reply in replies:
        parent = reply.in_reply_to
        assert reply.in_reply_to_account_id == parent.author_id
        assert reply.visibility == parent.visibility
        assert parent.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)
        assert reply.created_at > parent.created_at
        assert reply.text.startswith(f"@{parent.author.username} ")
        depth, post = 0, reply
        while post.in_reply_to_id is not None:
            depth, post = depth + 1, post.in_reply_to
        assert depth <= MAX_THREAD_DEPTH
        if depth == 1:  # someone who follows the author starts the conversation
            assert Follow.objects.filter(follower=reply.author, target=parent.author).exists()
    assert any(reply.in_reply_to.in_reply_to_id for reply in replies)  # some go deeper


def test_likes_are_by_people_who_can_see_the_post_and_come_after_it(network):
    likes = Favourite.objects.select_related("account", "post")
    for like in likes:
        assert like.account_id != like.post.author_id
        assert like.created_at >= like.post.created_at
    for like in likes.filter(post__visibility=Visibility.PRIVATE)[:100]:
        assert can_see(like.account, like.post)
    assert likes.filter(post__visibility=Visibility.PRIVATE).exists()


# --- Guests, edge cases, determinism, cost --------------------------------------------------------


@pytest.mark.django_db
def test_guests_follow_seeded_accounts_but_do_not_act(admin_user):
    # given
    admin = admin_user.account

    # when
    make_network(30, guests=[admin])

    # then
    admin.refresh_from_db()
    assert admin.following_count == Follow.objects.filter(follower=admin).count() > 0
    assert admin.followers_count == Follow.objects.filter(target=admin).count()
    assert not Post.objects.filter(author=admin).exists()
    assert not Favourite.objects.filter(account=admin).exists()


@pytest.mark.django_db
def test_a_single_member_makes_no_network():
    # when
    _, summary = make_network(1)

    # then
    assert summary.follows == summary.posts == 0
    assert not Follow.objects.exists()
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_two_members_follow_each_other():
    make_network(2, posts_per_user=3)
    assert Follow.objects.count() == 2
    assert all(a.followers_count == a.following_count == 1 for a in Account.objects.all())


def snapshot():
    """The network as a visitor could describe it, without ids or times."""
    return (
        sorted(Follow.objects.values_list("follower__username", "target__username")),
        sorted(
            Post.objects.values_list(
                "author__username",
                "text",
                "visibility",
                "spoiler_text",
                "in_reply_to__author__username",
                "reblog_of__text",
            )
        ),
        sorted(Favourite.objects.values_list("account__username", "post__text")),
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_network():
    # given
    make_network(25, seed=7)
    first = snapshot()
    User.objects.all().delete()
    Account.objects.all().delete()

    # when
    make_network(25, seed=7)

    # then
    assert snapshot() == first
    assert first[1]


@pytest.mark.django_db
def test_seeding_writes_in_bulk(django_assert_max_num_queries):
    # given
    users = seed_users(count=MEMBERS, password=PASSWORD, seed=2)

    # when
    with django_assert_max_num_queries(80) as queries:
        seed_network(users=users, posts_per_user=8, rng=random.Random(2))

    # then: bulk inserts (as many rows each as the database's parameter limit allows: ~60 posts
    # on SQLite, 2,000 elsewhere) and one UPDATE per table and 500 accounts, never one per row
    rows = sum(model.objects.count() for model in (Follow, Post, Favourite, Mention, PostHashtag))
    assert rows > 4000
    assert rows >= 50 * len(queries)

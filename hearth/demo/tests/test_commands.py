"""`hearth seed`: members, then the network around them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hearth.accounts.models import Account, User
from hearth.graph.models import Follow
from hearth.posts.models import Favourite, Post

PASSWORD = "a-long-enough-passphrase"


def seed(**options):
    out = StringIO()
    call_command("seed", stdout=out, verbosity=0, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_creates_members_who_log_in_with_the_printed_password(client):
    # when
    out = seed(users=25)

    # then
    assert User.objects.count() == 25
    password = out.split("password: ")[1].split()[0]
    assert client.login(username=User.objects.first().username, password=password)


@pytest.mark.django_db
def test_seed_uses_the_given_password(client):
    # when
    seed(users=3, password=PASSWORD)

    # then
    for user in User.objects.all():
        assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"users": 0}, "--users must be at least 1."),
        ({"users": 2, "password": "short"}, "--password: This password is too short."),
        ({"users": 2, "posts_per_user": -1}, "--posts-per-user must be 0 or more."),
    ],
)
def test_seed_refuses_bad_options(options, message):
    with pytest.raises(CommandError, match=message):
        seed(**options)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_builds_a_network_and_summarises_it():
    # when
    out = seed(users=40, password=PASSWORD, seed=3)

    # then
    top = Account.objects.order_by("-followers_count").first()
    assert Follow.objects.exists()
    assert Post.objects.exists()
    assert Favourite.objects.exists()
    assert f"{Follow.objects.count():,} follows" in out
    assert f"{Favourite.objects.count():,} likes" in out
    assert f"Most followed: @{top.username} ({top.followers_count} followers)." in out


@pytest.mark.django_db
def test_seed_without_network_makes_members_only():
    # when
    out = seed(users=10, password=PASSWORD, no_network=True)

    # then
    assert User.objects.count() == 10
    assert not Follow.objects.exists()
    assert not Post.objects.exists()
    assert "Network" not in out


@pytest.mark.django_db
def test_seed_posts_per_user_sets_the_amount_of_posts():
    # when
    seed(users=30, password=PASSWORD, seed=4, posts_per_user=0)
    quiet = Post.objects.count()
    seed(users=30, password=PASSWORD, seed=4, posts_per_user=20)

    # then: no posts at all without, about 20 each (replies and reposts aside) with
    assert quiet == 0
    assert Follow.objects.exists()
    originals = Post.objects.filter(reblog_of__isnull=True, in_reply_to__isnull=True).count()
    assert 300 < originals < 900


@pytest.mark.django_db
def test_seed_lets_the_demo_admin_follow_people():
    # given: the admin that `make run` creates
    call_command("demo_admin", stdout=StringIO())
    admin = Account.objects.get(user__is_superuser=True)

    # when
    seed(users=30, password=PASSWORD, seed=5)

    # then
    admin.refresh_from_db()
    assert admin.following_count == Follow.objects.filter(follower=admin).count() >= 20


@pytest.mark.django_db
def test_seed_is_repeatable_with_the_same_seed():
    # given
    seed(users=20, password=PASSWORD, seed=9)
    first = sorted(Post.objects.values_list("author__username", "text"))
    User.objects.all().delete()
    Account.objects.all().delete()

    # when
    seed(users=20, password=PASSWORD, seed=9)

    # then
    assert sorted(Post.objects.values_list("author__username", "text")) == first

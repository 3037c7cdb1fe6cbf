import random

import pytest
from django.core.management import CommandError, call_command

from hearth.accounts.models import Account
from hearth.demo import bench
from hearth.graph.models import Follow
from hearth.posts.models import Post


@pytest.mark.django_db
def test_a_tiny_bench_network_has_the_asked_counts_and_shape():
    # given an empty database
    # when a tiny bench network is generated
    summary = bench.generate(users=60, posts=500, reader_follows=8, rng=random.Random(3))

    # then members, posts and follows are all there, with counters that match the rows
    assert Account.objects.count() == 60
    assert Post.objects.count() == 500
    assert Follow.objects.count() == summary.follows
    hub = Account.objects.get(username=bench.HUB)
    assert hub.followers_count == Follow.objects.filter(target=hub).count()
    assert sum(Account.objects.values_list("posts_count", flat=True)) == 500
    # and the hub is the most followed account, strictly
    others = Account.objects.exclude(pk=hub.pk).order_by("-followers_count")
    assert hub.followers_count > others[0].followers_count
    assert summary.hub_followers == hub.followers_count
    # and the reader follows exactly the number asked, the hub among them
    reader = Account.objects.get(username=bench.READER)
    assert Follow.objects.filter(follower=reader).count() == 8
    assert Follow.objects.filter(follower=reader, target=hub).exists()


@pytest.mark.django_db
def test_the_command_refuses_to_fill_a_database_twice():
    # given a database with bench data
    call_command("bench-data", users=20, posts=10, reader_follows=3, verbosity=0)

    # when it runs again, then it stops with a clear message and adds nothing
    with pytest.raises(CommandError, match="already has the bench data"):
        call_command("bench-data", users=20, posts=10, reader_follows=3, verbosity=0)
    assert Account.objects.count() == 20

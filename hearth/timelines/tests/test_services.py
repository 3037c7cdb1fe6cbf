"""Fan-out: the outbox, the sweeper, batches, and the hybrid for very large accounts."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines import services
from hearth.timelines.feeds import PENDING_LOOKUP_MAX, big_accounts_forget, home_feed_ids
from hearth.timelines.models import FanoutJob


def test_a_post_and_its_fanout_job_commit_together(ana):
    # When a post is created, its outbox row is written in the same transaction
    post = make_post(ana, "hello")
    job = FanoutJob.objects.get(post=post)
    assert (job.kind, job.state, job.attempts) == ("post", "pending", 0)
    # And a repost gets one too
    repost = posts.reblog(actor=make_account(), post=post)
    assert FanoutJob.objects.get(post=repost).kind == "reblog"


def test_a_rolled_back_post_leaves_no_job(ana):
    class Abort(Exception):
        pass

    def post_then_fail():
        with transaction.atomic():
            make_post(ana, "never mind")
            raise Abort

    with pytest.raises(Abort):
        post_then_fail()
    assert not FanoutJob.objects.exists()


def test_the_task_marks_the_job_done(store, ana, committed):
    with committed():
        post = make_post(ana, "hello")
    assert FanoutJob.objects.get(post=post).state == "done"


def test_the_sweeper_delivers_what_a_crash_left_behind(store, ana, bruno, settings):
    # Given bruno's post committed but the process died before its fan-out was enqueued (no
    # on-commit callback runs here), and ana's feed is built
    graph.follow(actor=ana, target=bruno)
    store.read_page(ana.pk)
    post = make_post(bruno, "survives the crash")
    assert not store.contains(ana.pk, post.pk)
    # When the sweeper runs, but within the first minute, it leaves the job alone
    assert services.fanout_sweep() == (0, 0)
    # Then a minute later it delivers it and marks the job done
    later = timezone.now() + timedelta(minutes=2)
    assert services.fanout_sweep(now=later) == (1, 0)
    assert store.contains(ana.pk, post.pk)
    job = FanoutJob.objects.get(post=post)
    assert (job.state, job.attempts) == ("done", 1)


def test_sweep_fanout_command(store, ana, bruno, capsys):
    graph.follow(actor=ana, target=bruno)
    store.read_page(ana.pk)
    post = make_post(bruno, "from cron")
    FanoutJob.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    call_command("sweep_fanout")
    assert "Delivered 1 pending fan-out(s)" in capsys.readouterr().out
    assert store.contains(ana.pk, post.pk)


def test_old_finished_jobs_are_deleted(ana, committed):
    with committed():
        make_post(ana, "done long ago")
    services.fanout_sweep(now=timezone.now() + timedelta(days=2))
    assert not FanoutJob.objects.exists()


def test_fanout_writes_followers_in_batches(store, ana, monkeypatch, committed):
    # Given seven active followers and batches of three
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    followers = [make_account() for _ in range(7)]
    for follower in followers:
        graph.follow(actor=follower, target=ana)
    # When ana posts, every follower gets it (the batches walk the follows by keyset)
    with committed():
        post = make_post(ana, "to everyone")
    assert all(store.contains(follower.pk, post.pk) for follower in followers)
    assert services.fanout_post(post_id=post.pk) == 8  # them and ana


def test_fanout_costs_queries_per_batch_not_per_follower(
    store, ana, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    for _ in range(8):
        graph.follow(actor=make_account(), target=ana)
    post = make_post(ana, "counted")
    # the post, three follower pages (4, 4, 0), marking the job: five queries (+ 3 INSERTs on
    # the database store: ana's feed and two batches)
    with django_assert_max_num_queries(8):
        services.fanout_post(post_id=post.pk)


# --- The hybrid ----------------------------------------------------------------------------


@pytest.fixture
def celebrity(db, settings):
    """An account over the fan-out threshold (lowered to 2 followers here)."""
    settings.HEARTH_FANOUT_MAX_FOLLOWERS = 2
    star = make_account("star")
    for _ in range(2):
        graph.follow(actor=make_account(), target=star)
    return star


def test_large_accounts_are_not_fanned_out(store, ana, celebrity, committed):
    graph.follow(actor=ana, target=celebrity)
    store.read_page(ana.pk)
    with committed():
        post = make_post(celebrity, "to the many")
    assert not store.contains(ana.pk, post.pk)
    assert store.contains(celebrity.pk, post.pk)  # their own feed still has it
    assert services.fanout_post(post_id=post.pk) == 1


def test_large_accounts_posts_are_merged_in_order_across_pages(
    store, ana, bruno, celebrity, committed
):
    # Given ana follows bruno (fanned out) and the celebrity (not), who post in turn
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=ana, target=celebrity)
    store.read_page(ana.pk)
    made = []
    with committed():
        for n in range(9):
            made.append(make_post(celebrity if n % 3 == 0 else bruno, f"post {n}").pk)
    newest_first = made[::-1]
    # When ana pages down three at a time, then back up with min_id
    pages, max_id = [], None
    while True:
        page = home_feed_ids(ana.pk, max_id=max_id, limit=3)
        if not page:
            break
        pages.append(page)
        max_id = page[-1]
    # Then every page is in order, without gaps or repeats, across the page boundaries
    assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:9]]
    assert home_feed_ids(ana.pk, min_id=made[2], limit=3) == [made[5], made[4], made[3]]
    assert home_feed_ids(ana.pk, since_id=made[6]) == [made[8], made[7]]


def test_a_post_shows_at_home_before_its_fanout_runs(store, ana, bruno):
    # Given ana's feed is built and bruno's new post is still waiting for its fan-out
    graph.follow(actor=ana, target=bruno)
    store.read_page(ana.pk)
    post = make_post(bruno, "just now")
    assert not store.contains(ana.pk, post.pk)
    # Then her home already has it (pending jobs are merged when read), and his too
    assert home_feed_ids(ana.pk) == [post.pk]
    assert home_feed_ids(bruno.pk) == [post.pk]


def test_strangers_pending_posts_cost_a_reader_no_pull_query(store, ana, bruno):
    # Given ana's feed is built, and a stranger's post and many of bruno's (more than the
    # outbox lookup takes by id) are still waiting for their fan-out
    store.read_page(ana.pk)
    big_accounts_forget()  # none on this server (an earlier test's list may be cached)
    home_feed_ids(ana.pk)  # the large accounts' list is cached from now on
    with CaptureQueriesContext(connection) as quiet:
        home_feed_ids(ana.pk)
    make_post(make_account("zed"), "not for ana")
    # Then reading her home costs one index probe of her follows more, not the pull query
    with CaptureQueriesContext(connection) as read:
        assert home_feed_ids(ana.pk) == []
    assert len(read) == len(quiet) + 1
    assert not any("graph_block" in q["sql"] for q in read)  # the visibility rules' mark

    # And once she follows bruno, his pending posts are merged again, even from a backlog
    graph.follow(actor=ana, target=bruno)
    store.read_page(ana.pk)
    made = [make_post(bruno, f"backlog {n}") for n in range(3)]
    for job in range(PENDING_LOOKUP_MAX):
        FanoutJob.objects.create(post=make_post(make_account(), f"other {job}"), kind="post")
    assert home_feed_ids(ana.pk, limit=3) == [made[2].pk, made[1].pk, made[0].pk]


def test_a_members_activity_is_recorded_at_most_once_a_day(client_with_user, user):
    # Given ana was last seen long ago
    long_ago = timezone.now() - timedelta(days=60)
    Account.objects.filter(user=user).update(last_active_at=long_ago)
    # When she opens a page, she is active again (fan-out includes her from now on)
    client_with_user.get("/public")
    seen = Account.objects.get(user=user).last_active_at
    assert seen > long_ago
    # Then further requests the same day write nothing
    Account.objects.filter(user=user).update(last_active_at=long_ago)
    cache.delete(f"session-seen:{client_with_user.session.session_key}")  # 5 minutes later
    client_with_user.get("/public")
    assert Account.objects.get(user=user).last_active_at == long_ago

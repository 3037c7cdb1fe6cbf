"""Fan-out: the outbox, the sweeper, batches, and the hybrid for very large accounts."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from hearth.accounts.models import Account
from hearth.core import jobs
from hearth.core.cache import renderings_clear
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines import feeds, services, tasks
from hearth.timelines.feeds import (
    PENDING_LOOKUP_MAX,
    big_accounts_forget,
    get_feed_store,
    home_feed_ids,
)
from hearth.timelines.models import FanoutJob, FeedEntry


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
    post = make_post(ana, "to everyone")
    assert services.fanout_post(post_id=post.pk) == 8  # them and ana
    assert all(store.contains(follower.pk, post.pk) for follower in followers)
    # And a job done is not delivered again
    assert services.fanout_post(post_id=post.pk) == 0


def test_fanout_costs_queries_per_batch_not_per_follower(
    store, ana, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    for _ in range(8):
        graph.follow(actor=make_account(), target=ana)
    post = make_post(ana, "counted")
    # claiming the job, the post, three follower pages (4, 4, 0), marking the job, and the
    # savepoint around them: eight queries (+ 3 INSERTs on the database store: ana's feed and
    # two batches)
    with django_assert_max_num_queries(11):
        services.fanout_post(post_id=post.pk)


# --- Coalescing: one fan-out round delivers every job waiting ------------------------------


def test_waiting_posts_are_delivered_together(store, ana, bruno, carla):
    # Given ana follows bruno, carla follows ana and bruno, and their feeds are built
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=carla, target=ana)
    graph.follow(actor=carla, target=bruno)
    for account in (ana, bruno, carla):
        store.read_page(account.pk)
    # And four posts whose fan-out is waiting: two of bruno's, one of ana's, and bruno's reply
    # to ana (which goes only to his followers who follow ana too)
    first, second = make_post(bruno, "one"), make_post(bruno, "two")
    hers = make_post(ana, "hers")
    reply = posts.post_create(author=bruno, text="@ana yes", visibility="public", in_reply_to=hers)
    # When the first one's task runs
    writes = services.fanout_post(post_id=first.pk)
    # Then all four are delivered and their jobs done
    assert not FanoutJob.objects.filter(state="pending").exists()
    assert store.read_page(ana.pk) == [reply.pk, hers.pk, second.pk, first.pk]
    assert store.read_page(carla.pk) == [reply.pk, hers.pk, second.pk, first.pk]
    assert store.read_page(bruno.pk) == [reply.pk, second.pk, first.pk]
    # bruno's two posts: his feed and ana's, carla's; hers: hers and carla's; the reply:
    # bruno's, and carla's (who follows ana) and ana's (who was replied to)
    assert writes == 2 * 3 + 2 + 3


def test_a_burst_costs_the_queries_of_one_post_per_author(
    store, ana, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    followers = [make_account() for _ in range(8)]
    for follower in followers:
        graph.follow(actor=follower, target=ana)
    made = [make_post(ana, f"burst {n}") for n in range(12)]
    # The same eleven queries as one post's fan-out (and its three INSERTs on the database
    # store, each of them now for twelve posts)
    with django_assert_max_num_queries(11):
        services.fanout_post(post_id=made[0].pk)
    assert all(store.contains(follower.pk, post.pk) for follower in followers for post in made)


def test_a_round_of_many_authors_walks_their_follows_in_one_query(store, ana):
    # Given six members with two active followers each (and ana, who follows all of them),
    # each with a post waiting
    authors = [make_account() for _ in range(6)]
    audience = {}
    for author in authors:
        audience[author.pk] = [make_account(), make_account(), ana]
        for follower in audience[author.pk]:
            graph.follow(actor=follower, target=author)
    made = {author.pk: make_post(author, "hello") for author in authors}

    # When one round delivers them all
    with CaptureQueriesContext(connection) as queries:
        writes = services.fanout_post(post_id=made[authors[0].pk].pk)

    # Then the follows were read once, for all six authors
    follows_reads = [
        query["sql"] for query in queries.captured_queries if '"graph_follow"' in query["sql"]
    ]
    assert len(follows_reads) == 1
    # and each post reached its author's and their followers' feeds, and nobody else's
    assert writes == 6 * 4
    for author in authors:
        post = made[author.pk]
        assert store.contains(author.pk, post.pk)
        assert all(store.contains(follower.pk, post.pk) for follower in audience[author.pk])
        others = [other for other in authors if other.pk != author.pk]
        assert not any(store.contains(other.pk, post.pk) for other in others)


def test_a_round_takes_at_most_coalesce_max_jobs_then_the_next(store, ana, bruno, monkeypatch):
    monkeypatch.setattr(services, "COALESCE_MAX", 3)
    graph.follow(actor=ana, target=bruno)
    made = [make_post(bruno, f"n{n}") for n in range(7)]
    # The newest's task claims its own job first, then the oldest, in rounds of three
    assert services.fanout_post(post_id=made[-1].pk) == 7 * 2
    assert store.read_page(ana.pk) == [post.pk for post in reversed(made)]
    assert not FanoutJob.objects.filter(state="pending").exists()


def test_a_failing_post_holds_back_only_its_own_job(store, ana, bruno, carla, monkeypatch):
    # Given a post of bruno's and one of carla's waiting, and bruno's cannot be delivered
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=ana, target=carla)
    broken, fine = make_post(bruno, "broken"), make_post(carla, "fine")
    push, push_each = type(store).push, type(store).push_each

    def failing_push(self, account_ids, *items):
        if any(item.post_id == broken.pk for item in items):
            raise RuntimeError("feed store failure")
        return push(self, account_ids, *items)

    def failing_push_each(self, deliveries):
        if any(item.post_id == broken.pk for _, items in deliveries for item in items):
            raise RuntimeError("feed store failure")
        return push_each(self, deliveries)

    monkeypatch.setattr(type(store), "push", failing_push)
    monkeypatch.setattr(type(store), "push_each", failing_push_each)
    # When the fan-out runs, it reports the failure...
    with pytest.raises(RuntimeError):
        services.fanout_post(post_id=broken.pk)
    # ...but carla's post is delivered and done, and bruno's stays pending for the sweeper
    assert store.contains(ana.pk, fine.pk)
    assert FanoutJob.objects.get(post=fine).state == "done"
    assert FanoutJob.objects.get(post=broken).state == "pending"


def test_the_sweeper_redrives_a_job_alone(store, ana, bruno):
    graph.follow(actor=ana, target=bruno)
    stuck, young = make_post(bruno, "stuck"), make_post(bruno, "young")
    FanoutJob.objects.filter(post=stuck).update(created_at=timezone.now() - timedelta(minutes=5))
    # The sweeper's re-run delivers the stuck job and leaves the young one to its own task
    assert services.fanout_sweep() == (1, 0)
    assert FanoutJob.objects.get(post=young).state == "pending"
    # And a job the sweeper has re-driven is not taken along by other tasks
    FanoutJob.objects.filter(post=young).update(attempts=1)
    newest = make_post(bruno, "newest")
    services.fanout_post(post_id=newest.pk)
    assert FanoutJob.objects.get(post=young).state == "pending"


@pytest.fixture
def broker(redis_settings, settings):
    """Celery with a broker (kombu's in-memory transport) and no worker: fan-out messages wait
    in the "fanout" queue. REDIS_URL is set (redis_settings), which says the cache is shared
    by every process (the test's own cache stands in for it)."""
    conf = celery_app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.update(task_always_eager=False, broker_url="memory://")
    celery_app.amqp._producer_pool = None
    settings.CELERY_TASK_ALWAYS_EAGER = False
    jobs.BROKER.reset()  # no pause left by an earlier test of an unreachable broker
    cache.delete(tasks.FANOUT_QUEUED_KEY)
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue("fanout")
        queue.clear()
        try:
            yield queue
        finally:
            queue.clear()
            queue.close()
            conf.update(saved)
            celery_app.amqp._producer_pool = None
            cache.delete(tasks.FANOUT_QUEUED_KEY)


def test_a_burst_of_posts_sends_one_fanout_message(ana, bruno, broker, committed, settings):
    graph.follow(actor=ana, target=bruno)
    # When bruno posts three times before a worker takes the first message
    with committed():
        made = [make_post(bruno, "one")]
    with committed():
        made += [make_post(bruno, "two"), make_post(bruno, "three")]
    # Then one message is queued: its task will take all three jobs
    assert broker.qsize() == 1
    # When a worker runs it
    message = broker.get(timeout=1)
    assert message.payload is not None
    tasks.fanout_post_task(made[0].pk)
    message.ack()
    # Then all three are delivered, and the next post sends a message again
    assert not FanoutJob.objects.filter(state="pending").exists()
    with committed():
        make_post(bruno, "four")
    assert broker.qsize() == 1


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
    post = make_post(celebrity, "to the many")
    assert services.fanout_post(post_id=post.pk) == 1
    assert not store.contains(ana.pk, post.pk)
    assert store.contains(celebrity.pk, post.pk)  # their own feed still has it


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


def test_a_backlog_costs_a_reader_no_pull_query_until_a_pending_post_is_hers(store, ana):
    # Given ana's feed is built and strangers' posts wait for fan-out, more than the outbox
    # lookup takes by id (the workers are behind)
    store.read_page(ana.pk)
    big_accounts_forget()
    home_feed_ids(ana.pk)  # the large accounts' list is cached from now on
    for job in range(PENDING_LOOKUP_MAX + 1):
        FanoutJob.objects.create(post=make_post(make_account(), f"other {job}"), kind="post")
    # Then her home is empty, read without the pull query (the visibility rules' mark)
    with CaptureQueriesContext(connection) as read:
        assert home_feed_ids(ana.pk) == []
    assert not any("graph_block" in q["sql"] for q in read)
    # And her own post, waiting among them, is in it
    mine = make_post(ana, "mine, waiting too")
    assert home_feed_ids(ana.pk) == [mine.pk]


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
    # 5 minutes later: the session's "seen" mark is gone, from the cache and the process
    cache.delete(f"session-seen:{client_with_user.session.session_key}")
    renderings_clear()
    client_with_user.get("/public")
    assert Account.objects.get(user=user).last_active_at == long_ago


@pytest.mark.postgres
def test_the_outbox_lookup_of_every_home_read_is_never_planned_anew(db):
    # Given the home read's lookup of pending fan-out jobs (a partial index on state =
    # 'pending'), run eight times as eight home reads would
    for _ in range(8):
        feeds._PENDING.rows()

    # Then PostgreSQL ran it on its generic plan every time: with the state sent as a
    # parameter, that plan could not use the partial index, and each run was planned anew
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE NOT from_sql AND strpos(statement, 'timelines_fanoutjob') > 0"
        )
        assert cursor.fetchall() == [(8, 0)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_another_worker_holds_is_left_to_it(settings):
    settings.REDIS_URL = ""  # the database store; what matters here is the outbox's row locks
    ana, bruno = make_account("ana"), make_account("bruno")
    graph.follow(actor=ana, target=bruno)
    taken, free = make_post(bruno, "taken elsewhere"), make_post(bruno, "free")
    # (committed for real, so delivered already: undone, as if the workers were behind)
    FeedEntry.objects.filter(post__in=[taken, free]).delete()
    FanoutJob.objects.update(state=FanoutJob.State.PENDING)
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                FanoutJob.objects.select_for_update().get(post=taken)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        # When the taken post's own task runs while another worker holds its job, it neither
        # waits nor delivers it twice: it delivers what is free (bruno's feed and ana's)
        assert services.fanout_post(post_id=taken.pk) == 2
    finally:
        release.set()
        thread.join()
    assert FanoutJob.objects.get(post=free).state == "done"
    assert FanoutJob.objects.get(post=taken).state == "pending"
    assert not get_feed_store().contains(ana.pk, taken.pk)

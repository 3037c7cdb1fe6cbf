"""The fan-out probe's HTTP: posts over one kept connection, and the newcomer's GET."""

import socket

import pytest

from bench import client
from bench.fanout import KeptConnection, fresh_connection_seconds
from hearth.posts.models import Post

#: Any token works as long as the cookie and the header carry the same one.
CSRF = "a" * 32


@pytest.mark.django_db(transaction=True)
def test_posts_go_over_the_connection_opened_first(live_server, client, user):
    # Given a logged-in session and a connection opened before posting
    client.force_login(user)
    session = client.cookies["sessionid"].value
    member = client_session(session)
    connection = KeptConnection(live_server.url, member)
    opened = connection.http.sock
    try:
        # When two posts are sent
        statuses = [connection.post("/posts", f"visibility=public&text=kept+{n}") for n in (1, 2)]
        # Then both were made, over that one connection
        assert statuses == [302, 302]
        assert connection.http.sock is opened
    finally:
        connection.close()
    assert Post.objects.filter(author=user.account).count() == 2


def client_session(session_id: str) -> client.Session:
    return client.Session("member", f"sessionid={session_id}; csrftoken={CSRF}", CSRF)


@pytest.mark.django_db(transaction=True)
def test_a_newcomer_get_is_timed(live_server):
    seconds = fresh_connection_seconds(live_server.url + "/about", timeout=10)
    assert seconds is not None
    assert 0 < seconds < 10


def test_a_newcomer_left_in_the_backlog_times_out():
    # Given a server that never accepts (a connection waits in its listen backlog, as under
    # granian's backpressure), when a GET is timed, then it gives up and says None
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        assert fresh_connection_seconds(f"http://127.0.0.1:{port}/", timeout=0.5) is None


@pytest.mark.django_db
def test_fanout_throughput_counts_real_inserts(user, other_user):
    # Given a member with a follower
    from hearth.graph import services as graph
    from hearth.timelines.feeds import get_feed_store

    graph.follow(actor=other_user.account, target=user.account)
    # When the throughput probe fans two new posts out
    from bench.fanout import fanout_throughput

    measured = fanout_throughput(user.username, posts=2)
    # Then each went to the author's feed and the follower's, and the figures are its own
    assert measured.posts == 2
    assert measured.inserts == 4
    assert measured.seconds > 0
    assert measured.inserts_per_second == round(4 / measured.seconds)
    newest = Post.objects.filter(author=user.account).order_by("-id").first()
    assert newest is not None
    assert get_feed_store().contains(other_user.account.pk, newest.pk)


@pytest.mark.django_db
def test_waiting_for_the_outbox_sees_pending_jobs(user):
    import time

    from bench.fanout import pending_jobs, wait_for_outbox
    from hearth.timelines.models import FanoutJob

    # Given nothing pending, the wait is over at once
    assert pending_jobs() == 0
    assert wait_for_outbox(started=time.perf_counter(), timeout=1) is not None
    # Given a pending job, it gives up after the timeout
    job = FanoutJob.objects.create(post=Post.objects.create(author=user.account, text="x"))
    assert pending_jobs() == 1
    assert wait_for_outbox(started=time.perf_counter(), timeout=0.3) is None
    # And once the job is done, the wait is over
    FanoutJob.objects.filter(pk=job.pk).update(state=FanoutJob.State.DONE)
    assert wait_for_outbox(started=time.perf_counter(), timeout=1) is not None

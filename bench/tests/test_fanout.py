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

from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.testing.fixtures import PASSWORD
from hearth.web.middleware import _SESSIONS_SEEN


def _usersession_queries(client, path="/privacy"):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "usersessions_usersession" in q["sql"]]


def test_session_activity_is_recorded_at_most_once_per_interval(client, user):
    # Given a member who logged in
    assert client.login(username="ana", password=PASSWORD)
    session_key = client.session.session_key

    # When they open two pages in a row
    first = _usersession_queries(client)
    second = _usersession_queries(client)

    # Then only the first touches the sessions table; page views are not database writes
    assert any(sql.startswith(("INSERT", "UPDATE")) for sql in first)
    assert second == []

    # And a page served by another process, which has not seen the session, asks the shared
    # cache, which knows the session was recorded: still no write
    _SESSIONS_SEEN.clear()
    assert _usersession_queries(client) == []

    # And once the interval has passed (its mark expired, in the cache and in the process)
    # activity is recorded again
    cache.delete(f"session-seen:{session_key}")
    _SESSIONS_SEEN.clear()
    assert any(sql.startswith("UPDATE") for sql in _usersession_queries(client))
    assert UserSession.objects.filter(session_key=session_key).exists()


def test_anonymous_requests_never_touch_the_sessions_table(client, db):
    assert _usersession_queries(client) == []

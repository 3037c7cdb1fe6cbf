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


def test_a_members_page_reads_its_frames_cached_values_in_one_round_trip(
    client_with_user, user, settings, monkeypatch
):
    # Given the Redis cache (each lane's own key prefix), its reads of several keys recorded
    import os
    import uuid

    from hearth.core.cache import RedisCache
    from hearth.filters.selectors import filters_key
    from hearth.graph.selectors import relationships_stamp_key
    from hearth.moderation.roles import nav_key
    from hearth.notifications.selectors import unread_badge_key

    settings.CACHES = {
        "default": {
            "BACKEND": "hearth.core.cache.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    client_with_user.force_login(user)
    batches: list[list[str]] = []
    real_get_many = RedisCache.get_many

    def get_many(self, keys, *args, **kwargs):
        batches.append(list(keys))
        return real_get_many(self, keys, *args, **kwargs)

    monkeypatch.setattr(RedisCache, "get_many", get_many)
    account = user.account
    frame = [
        nav_key(user.pk),
        unread_badge_key(account.pk),
        relationships_stamp_key(account.pk),
        filters_key(account.pk),
    ]

    # When the member opens their home page, the frame's values come in one batch
    assert client_with_user.get("/").status_code == 200
    assert frame in batches

    # Then an htmx fragment and a form's POST read nothing ahead (they show no frame)
    batches.clear()
    client_with_user.get("/", headers={"HX-Request": "true"})
    client_with_user.post("/settings/filters", {})
    assert frame not in batches

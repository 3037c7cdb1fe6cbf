"""Hearth's session engine: Django's cached_db sessions, an existing one saved by a compiled
UPDATE. Real database, real cache."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client

from hearth.accounts import sessions
from hearth.accounts.sessions import SessionStore
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_a_changed_session_is_saved_to_the_database_and_the_cache() -> None:
    # Given a session created (by Django's own code) and then changed
    first = SessionStore()
    first["theme"] = "dark"
    first.save()
    key = first.session_key
    assert key is not None
    again = SessionStore(key)
    again["messages"] = "Posted."
    again.save()

    # Then the cache has the change, and so does the database once the cache forgets it
    assert SessionStore(key).load() == {"theme": "dark", "messages": "Posted."}
    cache.clear()
    assert SessionStore(key).load() == {"theme": "dark", "messages": "Posted."}
    row = Session.objects.get(session_key=key)
    assert abs(row.expire_date - again.get_expiry_date()) < timedelta(seconds=5)
    # and, on PostgreSQL, by the compiled statement
    if connection.vendor == "postgresql":
        assert [template is not None for template in sessions._UPDATE._templates.values()] == [True]


def test_a_session_whose_row_is_gone_is_refused_as_django_refuses_it() -> None:
    first = SessionStore()
    first["theme"] = "dark"
    first.save()
    key = first.session_key
    Session.objects.filter(session_key=key).delete()

    stale = SessionStore(key)
    stale._session_cache = {"theme": "light"}  # type: ignore[attr-defined]  # loaded before it went
    stale.modified = True
    with pytest.raises(UpdateError):
        stale.save()
    assert not Session.objects.filter(session_key=key).exists()


def test_a_post_from_the_web_keeps_its_message_in_the_session() -> None:
    # Given a signed-in member
    client = Client()
    client.force_login(make_user("ana"))

    # When they post from the compose box and follow the redirect
    page = client.post("/posts", {"text": "Hello", "visibility": "public"}, follow=True)

    # Then the page shows the message the session carried
    assert page.status_code == 200
    assert "Posted." in page.content.decode()

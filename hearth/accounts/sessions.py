"""Hearth's session engine (SESSION_ENGINE): Django's cached_db sessions, with a cheaper save.

Sessions live in the database and are read through the cache, as with Django's `cached_db`.
A signed-in member's session is written again whenever it changes, which for most actions
means the flash message ("Posted.", "Followed.") a form's redirect shows: every post from the
web writes it. Django saves it through the ORM, in a transaction of its own: building the
UPDATE, then BEGIN, UPDATE and COMMIT: 12.7 % of a web post's sampled CPU (py-spy, in process).
Compiled, the save took 6 % of the samples (bench/README.md, Session 7). Here an existing
session is updated by a compiled UPDATE (hearth.core.compiled) in one statement. A new
session (login) is still created by Django's own code, and a session whose row is gone
(signed out elsewhere, expired and cleared) is refused the same way Django refuses it.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import caches

from hearth.core.compiled import Changes, CompiledUpdate

logger = logging.getLogger(__name__)


def _update(session_key: str, data: str, expire_date: datetime) -> Changes:
    return (
        Session.objects.filter(session_key=session_key),
        {"session_data": data, "expire_date": expire_date},
    )


_UPDATE = CompiledUpdate(_update)


class SessionStore(cached_db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create)
            return
        # (Django's own accessor of the session's dict, which the stubs leave out.)
        session = self._get_session(no_load=False)  # type: ignore[attr-defined]
        if not _UPDATE.run(self.session_key, self.encode(session), self.get_expiry_date()):
            raise UpdateError  # the row is gone: Django answers as for its own sessions
        try:
            caches[settings.SESSION_CACHE_ALIAS].set(self.cache_key, session, self.get_expiry_age())
        except Exception:  # as cached_db: the database has it, the cache will again
            logger.exception("Error saving the session to the cache")

"""Flash messages for the bench server: Hearth's session storage, keeping the newest only.

A browser follows the redirect after posting, and the page it lands on shows (and so removes)
the "Posted." message. wrk never follows it, so with the shipped storage every post would add a
message to the one session the writer's load shares, and each POST would read and write a
session that grows all run (thousands of messages): a cost no member's request pays. This keeps
what a POST does (the session is read, the message stored in it, the session written) with the
size a real session has.
"""

from typing import Any

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpResponse


class NewestSessionStorage(SessionStorage):
    def _store(
        self, messages: list[Message], response: HttpResponse, *args: Any, **kwargs: Any
    ) -> Any:
        # (SessionStorage._store is Django's hook for storages, which the stubs leave out.)
        return super()._store(messages[-1:], response, *args, **kwargs)  # type: ignore[misc]

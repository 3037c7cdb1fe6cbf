"""The ASGI application: the streaming API (Channels) and, for everything else, Django.

Production serves pages and the API from WSGI (config/wsgi.py) and runs this in a separate
process for the long-lived connections (`make stream`); the embedded default serves the whole
site from this one process so the in-memory channel layer reaches every stream
(docs/subsystems/realtime.md).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before the consumers import models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from hearth.realtime.consumers import StreamingEvents, StreamingWebSocket, health  # noqa: E402

_SSE = (
    r"(?P<stream>user|user/notification|public|public/local|public/remote"
    r"|hashtag|hashtag/local|list|direct)"
)

application = ProtocolTypeRouter(
    {
        "http": URLRouter(
            [
                # django-stubs types re_path for views; Channels' URLRouter takes ASGI apps.
                re_path(r"^api/v1/streaming/health/?$", health),  # type: ignore[arg-type]
                re_path(rf"^api/v1/streaming/{_SSE}/?$", StreamingEvents.as_asgi()),
                re_path(r"^api/v1/streaming/?$", StreamingEvents.as_asgi()),
                re_path(r"", django_application),  # type: ignore[arg-type]
            ]
        ),
        "websocket": URLRouter([re_path(r"^api/v1/streaming/?$", StreamingWebSocket.as_asgi())]),
    }
)

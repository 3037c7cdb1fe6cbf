"""Benchmark settings: the real settings plus the bench-only routes and the X-Queries header.

Used by `make bench` (bench/run.py) for the server it measures; never for a real server. The
floor view and the JSON home exist only here (bench/urls.py), so config.urls stays as shipped.
"""

from config.settings import *  # noqa: F403
from config.settings import DATA_DIR, HEARTH_RATE_LIMITS, MIDDLEWARE, STORAGES

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# The load logs in a few bench accounts and posts hundreds of times a second from one address.
ACCOUNT_RATE_LIMITS = False
# Hearth's own limits stay on, so every POST still pays for the check (a Redis round trip),
# but posting's are raised past what one writer on one address can reach in a run (a 429 shows
# in the posting scenario's errors and is named under the table).
HEARTH_RATE_LIMITS = {
    **HEARTH_RATE_LIMITS,
    "post": {"account": "10000000/h", "new_account": "10000000/h", "ip": "10000000/h"},
}
# wrk never follows the redirect that would show (and remove) the "Posted." message: keep the
# newest only, so the one shared session doesn't grow all run (bench/messages.py).
MESSAGE_STORAGE = "bench.messages.NewestSessionStorage"
# Its own collected static files, so a bench run never touches the ones `make run` serves.
STATIC_ROOT = DATA_DIR / "bench-static"
# Plain static names: a stylesheet referenced before its file exists (work in progress) would
# make the manifest storage fail every page. wrk fetches pages only, never their static files,
# so the figures don't depend on it.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

"""Benchmark settings: the real settings plus the bench-only routes and the X-Queries header.

Used by `make bench` (bench/run.py) for the server it measures; never for a real server. The
floor view and the JSON home exist only here (bench/urls.py), so config.urls stays as shipped.
"""

from config.settings import *  # noqa: F403
from config.settings import DATA_DIR, MIDDLEWARE, STORAGES

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# The load logs in a few bench accounts and posts hundreds of times a second from one address.
ACCOUNT_RATE_LIMITS = False
# Its own collected static files, so a bench run never touches the ones `make run` serves.
STATIC_ROOT = DATA_DIR / "bench-static"
# Plain static names: a stylesheet referenced before its file exists (work in progress) would
# make the manifest storage fail every page. wrk fetches pages only, never their static files,
# so the figures don't depend on it.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

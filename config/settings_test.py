"""Test settings: the real settings, with a fast hasher, inline jobs and throwaway files.

DATABASE_URL and REDIS_URL still switch the engines, so the same suite runs on SQLite and on
PostgreSQL + Redis (see .ci/run).
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from config.settings import *  # noqa: F403
from config.settings import CACHES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hearth-test-media-"))
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hearth-test-private-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "media_private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:
    # One key prefix per test run, so parallel runs on one Redis don't see each other's keys,
    # and one Redis database per xdist worker (1-8): a test's cache.clear() is a FLUSHDB, which
    # would otherwise wipe keys a test on the other worker is relying on at that moment.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    _cache_db = 1 + (int(_worker) if _worker.isdigit() else 0) % 8
    CACHES["default"]["LOCATION"] = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{_cache_db}"))
    CACHES["default"]["KEY_PREFIX"] = f"hearth-test-{Path(MEDIA_ROOT).name}"
    # clear() deletes this run's keys only, not the whole database (another suite may share it).
    CACHES["default"]["BACKEND"] = "hearth.testing.cache.RunScopedRedisCache"
    # Streaming events: one channel-layer prefix per run too.
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"hearth-test-{Path(MEDIA_ROOT).name}"  # noqa: F405
# Home feeds in Redis (when REDIS_URL is set): likewise one key prefix per run.
HEARTH_FEED_KEY_PREFIX = f"hearth-test-{Path(MEDIA_ROOT).name}:"
ACCOUNT_RATE_LIMITS = False
# Tests that check limits turn them on (hearth/core/tests/test_ratelimit.py and the like).
HEARTH_RATE_LIMITS_ENABLED = False
# The spam check would hold tests' repeated "Hello there" posts; its own tests switch it on.
HEARTH_SPAM_CHECK_ENABLED = False
DEBUG = False
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="hearth-test-static-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's default in-memory database: the live server for browser tests then
    # gives each request thread its own connection, as a real server does, instead of sharing
    # one connection across threads (unsafe under concurrent requests such as htmx polling).
    DATABASES["default"]["TEST"] = {"NAME": str(Path(MEDIA_ROOT) / "test.sqlite3")}  # noqa: F405

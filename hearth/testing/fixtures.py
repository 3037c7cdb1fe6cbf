"""Shared actors for tests: members made through the real services, and logged-in clients."""

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.accounts.services import user_create


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked @pytest.mark.postgres need what SQLite lacks (row locks, query plans):
    they are skipped, saying so, on the SQLite lane and run on the PostgreSQL lane."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


PASSWORD = "correct-horse-battery-staple"  # noqa: S105  # a test password
_numbers = itertools.count(1)


def make_user(username: str | None = None, **kwargs: object) -> User:
    name = username or f"member{next(_numbers)}"
    return user_create(
        username=name,
        email=str(kwargs.pop("email", f"{name}@example.org")),
        password=PASSWORD,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def user(db: None) -> User:
    return make_user("ana", email="ana@example.org")


@pytest.fixture
def other_user(db: None) -> User:
    return make_user("bruno", email="bruno@example.org")


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("root_admin", email="root@example.org", is_admin=True)


@pytest.fixture
def client_with_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def rate_limits(settings: Any) -> Iterator[Any]:
    """Hearth's rate limits switched on (the test settings keep them off), on a clean cache:
    the real cache of the lane, in-process on SQLite and Redis on PostgreSQL. Yields the
    settings, so a test can tighten `settings.HEARTH_RATE_LIMITS`."""
    from django.core.cache import cache

    settings.HEARTH_RATE_LIMITS_ENABLED = True
    settings.HEARTH_RATE_LIMITS = {}
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def tasks_run() -> Iterator[list[str]]:
    """The names of the Celery tasks that run during the test, in order (eagerly, as in every
    test): for checking which jobs an action enqueues."""
    from celery.signals import task_prerun

    names: list[str] = []

    def record(sender: Any = None, **kwargs: Any) -> None:
        names.append(sender.name)

    task_prerun.connect(record, weak=False)
    try:
        yield names
    finally:
        task_prerun.disconnect(record)


#: A Redis address nothing listens on: connections are refused at once.
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings: Any) -> Any:
    """The whole of Redis unreachable, as in an outage of a server configured with REDIS_URL:
    the cache (Hearth's RedisCache) and the home feeds' store point at a closed port. Rate
    limits and the spam check are on, so their outage paths run too."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "hearth.core.cache.RedisCache", "LOCATION": CLOSED_REDIS_URL},
    }
    settings.REDIS_URL = CLOSED_REDIS_URL
    settings.HEARTH_RATE_LIMITS_ENABLED = True
    settings.HEARTH_SPAM_CHECK_ENABLED = True
    return settings


@pytest.fixture
def broker_down(settings: Any) -> Any:
    """Celery configured with a broker (not eager) that refuses connections, as in an outage
    of a server's RabbitMQ or Redis broker; each process's pause (hearth.core.jobs) starts
    clear and is cleared again afterwards."""
    from config.celery import app
    from hearth.core import jobs

    conf = app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.update(task_always_eager=False, broker_url=CLOSED_REDIS_URL)
    app.amqp._producer_pool = None  # type: ignore[attr-defined]  # a new pool, new URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    jobs.BROKER.reset()
    try:
        yield jobs.BROKER
    finally:
        conf.update(saved)
        app.amqp._producer_pool = None  # type: ignore[attr-defined]  # a new pool, new URL
        jobs.BROKER.reset()

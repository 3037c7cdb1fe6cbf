"""Accounts for notifications tests, made through the real services, and a helper that runs an
action the way production does: its signals fire on commit and the tasks run (eagerly)."""

from contextlib import contextmanager

import pytest

from hearth.accounts.services import profile_update
from hearth.testing.fixtures import make_user


def make_account(username, *, display_name="", locked=False):
    account = make_user(username).account
    if display_name or locked:
        account = profile_update(
            account=account,
            display_name=display_name,
            bio="",
            links=[],
            locked=locked,
            discoverable=True,
        )
    return account


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block enqueued on commit: the posts and graph
    signals, then the notification tasks their receivers enqueue (Celery is eager in tests)."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return run


@pytest.fixture
def ana(db):
    return make_account("ana", display_name="Ana")


@pytest.fixture
def bruno(db):
    return make_account("bruno", display_name="Bruno")


@pytest.fixture
def carla(db):
    return make_account("carla", display_name="Carla")


@pytest.fixture
def dani(db):
    return make_account("dani", display_name="Dani")

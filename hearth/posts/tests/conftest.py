import pytest

from hearth.posts import signals
from hearth.posts.tests.factories import make_account


@pytest.fixture
def ana(db):
    return make_account("ana")


@pytest.fixture
def bruno(db):
    return make_account("bruno")


@pytest.fixture
def carla(db):
    return make_account("carla")


@pytest.fixture
def captured_signals():
    """Every posts signal sent during the test, as (name, arguments) in order."""
    sent = []
    names = ("post_created", "post_edited", "post_deleted", "favourited", "reblogged")
    receivers = {}
    for name in names:

        def receiver(sender, signal, _name=name, **kwargs):
            sent.append((_name, kwargs))

        receivers[name] = receiver
        getattr(signals, name).connect(receiver)
    yield sent
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)

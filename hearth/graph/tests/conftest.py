import pytest

from hearth.graph import signals


@pytest.fixture
def captured_signals():
    """Every graph signal sent during the test, as (name, arguments) in order."""
    sent = []
    names = ("followed", "follow_requested", "unfollowed", "blocked")
    receivers = {}
    for name in names:

        def receiver(sender, signal, _name=name, **kwargs):
            sent.append((_name, kwargs))

        receivers[name] = receiver
        getattr(signals, name).connect(receiver)
    yield sent
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)

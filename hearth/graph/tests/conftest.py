import pytest
from django.db import connection

from hearth.graph import signals


@pytest.fixture(autouse=True)
def _skip_postgres_only_tests_elsewhere(request: pytest.FixtureRequest) -> None:
    """Tests marked @pytest.mark.postgres need row locks SQLite doesn't have: skip them there."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")


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

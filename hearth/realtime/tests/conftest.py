"""Fixtures for the streaming tests: bearer tokens for members, and the API's schema check."""

from collections.abc import Callable

import pytest

from hearth.accounts.models import User
from hearth.api.oauth.services import app_create
from hearth.api.oauth.tokens import access_token_issue
from hearth.api.tests.conftest import check, mastodon_schema  # noqa: F401  # shared fixtures
from hearth.testing.fixtures import make_user

TokenFor = Callable[..., str]


@pytest.fixture
def token_for(transactional_db: None) -> TokenFor:
    """token_for(user, scope="read"): a raw bearer token for `user` from a registered app."""
    app = app_create(
        name="Streaming client",
        redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
        scopes=["read", "write", "follow", "push"],
    )

    def issue(user: User, scope: str = "read write follow") -> str:
        return access_token_issue(user=user, application=app.application, scope=scope).raw

    return issue


@pytest.fixture
def ana(transactional_db: None) -> User:
    return make_user("ana")


@pytest.fixture
def bruno(transactional_db: None) -> User:
    return make_user("bruno")


@pytest.fixture
def carla(transactional_db: None) -> User:
    return make_user("carla")

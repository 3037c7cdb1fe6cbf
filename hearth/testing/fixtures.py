"""Shared actors for tests: members made through the real services, and logged-in clients."""

import itertools

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.accounts.services import user_create

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

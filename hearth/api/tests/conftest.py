"""Fixtures for the API tests: Mastodon's OpenAPI schemas as a contract, a registered app, and
bearer tokens for the shared members."""

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.cache import cache

from hearth.accounts.models import User
from hearth.api.oauth.services import RegisteredApp, app_create
from hearth.api.oauth.tokens import access_token_issue
from hearth.api.selectors import STATS_CACHE_KEY

# In CI the repository is cloned next to a copy of shared/, as in the working tree.
SCHEMA_PATH = Path(__file__).resolve().parents[3] / ".." / "shared" / "mastodon-api" / "schema.json"
ALL_SCOPES = "read write follow push"


@functools.cache
def _load_schema() -> dict[str, Any]:
    if not SCHEMA_PATH.exists():
        pytest.fail(
            f"Mastodon's OpenAPI schema is missing at {SCHEMA_PATH.resolve()}; the API contract "
            "tests need shared/mastodon-api/schema.json next to the repository.",
            pytrace=False,
        )
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


@pytest.fixture(autouse=True)
def _fresh_server_stats() -> None:
    """The instance's counts are cached for minutes; each test counts its own members."""
    cache.delete(STATS_CACHE_KEY)


@pytest.fixture(scope="session")
def mastodon_schema() -> dict[str, Any]:
    return _load_schema()


Check = Callable[[str, Any], None]


@pytest.fixture
def check(mastodon_schema: dict[str, Any]) -> Check:
    """check("Account", data): fail unless `data` matches the named entity in schema.json;
    check("Account[]", data) for a list of them."""

    def run(name: str, data: Any) -> None:
        many = name.endswith("[]")
        ref = {"$ref": f"#/components/schemas/{name.removesuffix('[]')}"}
        root = {
            **({"type": "array", "items": ref} if many else ref),
            "components": mastodon_schema["components"],
        }
        validator = jsonschema.Draft202012Validator(root)
        errors = sorted(validator.iter_errors(data), key=lambda error: list(error.path))
        assert not errors, "\n".join(
            f"{'/'.join(map(str, error.path))}: {error.message}" for error in errors[:10]
        )

    return run


@pytest.fixture
def registered_app(db: None) -> RegisteredApp:
    return app_create(
        name="Test client",
        redirect_uris=["urn:ietf:wg:oauth:2.0:oob", "https://client.example/callback"],
        scopes=ALL_SCOPES.split(),
        website="https://client.example",
    )


def bearer(user: User | None, app: RegisteredApp, scope: str = ALL_SCOPES) -> dict[str, str]:
    """Headers carrying a fresh token for `user` (None: an app-only token)."""
    issued = access_token_issue(user=user, application=app.application, scope=scope)
    return {"Authorization": f"Bearer {issued.raw}"}


@pytest.fixture
def ana(user: User, registered_app: RegisteredApp) -> dict[str, str]:
    """Ana's Authorization header, with every top scope."""
    return bearer(user, registered_app)


@pytest.fixture
def bruno(other_user: User, registered_app: RegisteredApp) -> dict[str, str]:
    return bearer(other_user, registered_app)

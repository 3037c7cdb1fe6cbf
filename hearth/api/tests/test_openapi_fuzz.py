"""schemathesis against Hearth's own OpenAPI document (/api/openapi.json): generated requests
for every operation, as two members with posts between them, must never get a 5xx, and every
answer must fit the schema the document declares for it.

The requests go through Django's WSGI handler in this process (so inside the test's database
transaction); the examples are derandomized so a failure reproduces on the next run.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from hearth.accounts.models import User
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.posts.tests.factories import make_post

#: Examples per operation: enough to reach every parameter's odd values, small enough that the
#: ~100 operations run in well under a minute.
EXAMPLES = 12


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def authorization(user: User, other_user: User, registered_app: RegisteredApp) -> dict[str, str]:
    """Ana's token, with Bruno followed and a few posts, likes and a reply about."""
    graph.follow(actor=user.account, target=other_user.account)
    graph.follow(actor=other_user.account, target=user.account)
    first = make_post(other_user.account, "Hello #fuzz @ana")
    make_post(user.account, "A reply", in_reply_to=first)
    make_post(user.account, "Followers only", visibility="private")
    return bearer(user, registered_app)


# Loaded once, through the app itself (the document needs no database).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_no_answer_outside_the_schema(
    case: Any, authorization: dict[str, str]
) -> None:
    case.call_and_validate(
        headers=authorization,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )

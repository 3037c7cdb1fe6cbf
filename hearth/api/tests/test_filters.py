"""Filters aren't a Hearth feature yet; apps that ask for them at start-up get an empty list."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "entity"), [("/api/v2/filters", "Filter[]"), ("/api/v1/filters/", "V1Filter[]")]
)
def test_filters_are_an_empty_list(
    client: Client, ana: dict[str, str], check: Any, path: str, entity: str
) -> None:
    response = client.get(path, headers=ana)
    assert response.status_code == 200
    check(entity, response.json())
    assert response.json() == []


def test_filters_need_a_token(client: Client, check: Any) -> None:
    response = client.get("/api/v2/filters")
    assert response.status_code == 401
    check("Error", response.json())

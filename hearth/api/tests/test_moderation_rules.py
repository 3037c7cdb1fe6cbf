"""The API side of the instance-wide rules: server rules from the model, rule_ids checked in
reports, blocked phrases refusing or holding statuses."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from hearth.moderation.models import BlockedPhrase, PhraseAction, ServerRule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    # The rules and phrases are cached; a test's rows roll back without telling the cache.
    cache.clear()
    yield
    cache.clear()


def test_rules_come_from_the_server_rules(client: Client, check: Any) -> None:
    ServerRule.objects.create(text="No cucumbers.", hint="None at all.", position=99)
    response = client.get("/api/v1/instance/rules")
    assert response.status_code == 200
    check("Rule[]", response.json())
    last = response.json()[-1]
    assert (last["text"], last["hint"]) == ("No cucumbers.", "None at all.")
    assert last["id"] == str(ServerRule.objects.get(text="No cucumbers.").pk)
    for path, schema in (("/api/v1/instance", "V1Instance"), ("/api/v2/instance", "Instance")):
        data = client.get(path).json()
        check(schema, data)
        assert data["rules"][-1]["text"] == "No cucumbers."


def test_a_report_with_an_unknown_rule_is_a_422_naming_rule_ids(
    client: Client, ana: dict[str, str], other_user: Any, check: Any
) -> None:
    body = {"account_id": str(other_user.account.pk), "category": "violation"}
    unknown = client.post(
        "/api/v1/reports",
        {**body, "rule_ids": ["99999"]},
        content_type="application/json",
        headers=ana,
    )
    assert unknown.status_code == 422
    check("Error", unknown.json())
    assert "rule_ids" in unknown.json()["details"]
    rule = ServerRule.objects.get(position=8)
    known = client.post(
        "/api/v1/reports",
        {**body, "rule_ids": [str(rule.pk)]},
        content_type="application/json",
        headers=ana,
    )
    assert known.status_code == 200, known.content
    check("Report", known.json())
    assert known.json()["rule_ids"] == [str(rule.pk)]
    assert known.json()["category"] == "violation"


def test_a_blocked_phrase_is_a_422_naming_status(
    client: Client, ana: dict[str, str], check: Any
) -> None:
    BlockedPhrase.objects.create(phrase="buy followers", action=PhraseAction.REJECT)
    response = client.post(
        "/api/v1/statuses",
        {"status": "Buy followers here"},
        content_type="application/json",
        headers=ana,
    )
    assert response.status_code == 422
    check("Error", response.json())
    assert "status" in response.json()["details"]


def test_a_held_status_is_returned_to_its_author_only(
    client: Client, ana: dict[str, str], bruno: dict[str, str], check: Any
) -> None:
    BlockedPhrase.objects.create(phrase="miracle cure", action=PhraseAction.HOLD)
    created = client.post(
        "/api/v1/statuses",
        {"status": "A miracle cure"},
        content_type="application/json",
        headers=ana,
    )
    assert created.status_code == 200, created.content
    check("Status", created.json())
    status_id = created.json()["id"]
    assert client.get(f"/api/v1/statuses/{status_id}", headers=ana).status_code == 200
    hidden = client.get(f"/api/v1/statuses/{status_id}", headers=bruno)
    assert hidden.status_code == 404
    check("Error", hidden.json())
    public = client.get("/api/v1/timelines/public", headers=bruno)
    check("Status[]", public.json())
    assert status_id not in [s["id"] for s in public.json()]

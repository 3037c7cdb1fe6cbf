"""POST /api/v1/reports."""

import pytest

from hearth.moderation.models import Report
from hearth.posts.tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_report_an_account_and_its_statuses(client, ana, other_user, check):
    post = make_post(other_user.account, "spam spam")
    response = client.post(
        "/api/v1/reports",
        {
            "account_id": str(other_user.account.pk),
            "status_ids": [str(post.pk)],
            "comment": "Spam",
            "category": "spam",
        },
        content_type="application/json",
        headers=ana,
    )
    assert response.status_code == 200, response.content
    check("Report", response.json())
    assert response.json()["status_ids"] == [str(post.pk)]
    report = Report.objects.get()
    assert report.snapshot["posts"][0]["text"] == "spam spam"
    assert report.reporter.user.username == "ana"


def test_form_encoded_with_mastodon_category(client, ana, other_user, check):
    response = client.post(
        "/api/v1/reports",
        {"account_id": str(other_user.account.pk), "category": "legal", "forward": "1"},
        headers=ana,
    )
    assert response.status_code == 200, response.content
    check("Report", response.json())
    assert response.json()["category"] == "legal"
    assert Report.objects.get().category == "illegal"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "account_id"),
        ({"category": "nonsense"}, "category"),
        ({"status_ids": ["x"]}, "status_ids"),
        ({"status_ids": ["12345"]}, "post_ids"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, ana, other_user, check, body, field):
    if body:
        body = {"account_id": str(other_user.account.pk), **body}
    response = client.post("/api/v1/reports", body, content_type="application/json", headers=ana)
    assert response.status_code == 422
    check("Error", response.json())
    assert field in response.json()["details"]


def test_unknown_account_is_404_and_anonymous_401(client, ana, check):
    missing = client.post(
        "/api/v1/reports", {"account_id": "999"}, content_type="application/json", headers=ana
    )
    assert missing.status_code == 404
    check("Error", missing.json())
    anonymous = client.post("/api/v1/reports", {"account_id": "1"})
    assert anonymous.status_code == 401
    check("Error", anonymous.json())


def test_a_suspended_members_token_is_refused(client, ana, user, check):
    from hearth.moderation.actions import action_take
    from hearth.testing.fixtures import make_user

    admin = make_user("chief", is_admin=True)
    action_take(moderator=admin, kind="suspend", account=user.account, reason="Spam")
    response = client.get("/api/v1/accounts/verify_credentials", headers=ana)
    assert response.status_code == 401
    check("Error", response.json())

"""Start-up and discovery endpoints: suggestions (real, from the web's "Who to follow"), and
the lists Hearth keeps empty because it has no such feature (scheduled posts, followed and
featured hashtags, endorsements, domain blocks). Each answers as Mastodon's schema says, since
a 404 on any of them stops some apps from loading (CLIENT-NOTES §7)."""

import pytest
from django.test import Client

from hearth.graph import services as graph
from hearth.testing.fixtures import make_user


def test_suggestions_rank_friends_of_friends_and_leave_out_who_is_followed(
    client: Client, user, other_user, ana, check
):
    # Given ana follows bruno, who follows carla; and dora is a stranger to both
    carla, dora = make_user("carla").account, make_user("dora").account
    graph.follow(actor=user.account, target=other_user.account)
    graph.follow(actor=other_user.account, target=carla)
    # When ana asks for suggestions
    response = client.get("/api/v2/suggestions", headers=ana)
    # Then carla (followed by someone ana follows) comes first, and bruno is not suggested
    assert response.status_code == 200
    data = response.json()
    check("Suggestion[]", data)
    usernames = [item["account"]["username"] for item in data]
    assert usernames[0] == "carla"
    assert "bruno" not in usernames
    assert "dora" in usernames
    assert str(dora.pk) in {
        account["id"] for account in client.get("/api/v1/suggestions", headers=ana).json()
    }


def test_suggestions_need_a_member(client: Client, db):
    response = client.get("/api/v2/suggestions")
    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("path", "entity"),
    [
        ("/api/v1/scheduled_statuses", "ScheduledStatus[]"),
        ("/api/v1/followed_tags", "Tag[]"),
        ("/api/v1/endorsements", "Account[]"),
    ],
)
def test_lists_hearth_keeps_empty(client: Client, ana, check, path, entity):
    response = client.get(path, headers=ana)
    assert response.status_code == 200
    assert response.json() == []
    check(entity, response.json())


def test_domain_blocks_are_empty_without_federation(client: Client, ana):
    response = client.get("/api/v1/domain_blocks/", headers=ana)
    assert response.status_code == 200
    assert response.json() == []


def test_featured_tags_of_an_account_and_of_no_account(client: Client, user, ana, check):
    response = client.get(f"/api/v1/accounts/{user.account.pk}/featured_tags")
    assert response.status_code == 200
    check("FeaturedTag[]", response.json())
    missing = client.get("/api/v1/accounts/12345/featured_tags")
    assert missing.status_code == 404
    check("Error", missing.json())

"""The social core's authorization matrix, through the API: one post by "ada" at each
visibility, read by each kind of viewer on each API surface. The post shows where the
visibility rules (hearth.posts.selectors) and the surface's own rules say, and nowhere else;
a status the viewer may not see is a 404, never a 403. The same table as the web pages'
(hearth/web/tests/test_timelines.py), so the two surfaces cannot drift apart.
"""

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.moderation.actions import action_take
from hearth.moderation.roles import moderator_grant
from hearth.posts.tests.factories import make_post
from hearth.testing.fixtures import make_user

VIEWERS = [
    "author",
    "follower",
    "non_follower",
    "mentioned",
    "blocked_by_author",
    "blocker_of_author",
    "anonymous",
]
EVERYONE_UNBLOCKED = {"author", "follower", "non_follower", "mentioned", "anonymous"}
CAN_SEE = {
    Visibility.PUBLIC: EVERYONE_UNBLOCKED,
    Visibility.UNLISTED: EVERYONE_UNBLOCKED,
    Visibility.PRIVATE: {"author", "follower"},
    Visibility.DIRECT: {"author", "mentioned"},
}
NOBODY: dict[str, set[str]] = {visibility: set() for visibility in CAN_SEE}
EXPECTED: dict[str, dict[str, set[str]]] = {
    "status": CAN_SEE,
    "context": CAN_SEE,
    # Direct posts are conversations, not profile content.
    "account_statuses": {**CAN_SEE, Visibility.DIRECT: set()},
    "home": {
        Visibility.PUBLIC: {"author", "follower"},
        Visibility.UNLISTED: {"author", "follower"},
        Visibility.PRIVATE: {"author", "follower"},
        Visibility.DIRECT: {"author"},
    },
    "public": {**NOBODY, Visibility.PUBLIC: EVERYONE_UNBLOCKED},
    "tag": {**NOBODY, Visibility.PUBLIC: EVERYONE_UNBLOCKED},
    # Mentions notify the mentioned member when they may see the post.
    "notifications": {visibility: {"mentioned"} & CAN_SEE[visibility] for visibility in CAN_SEE},
    # Search is discovery: public posts for everyone (as the public timeline), unlisted and
    # followers-only ones for their author and followers; direct posts live in Messages.
    "search": {
        Visibility.PUBLIC: EVERYONE_UNBLOCKED,
        Visibility.UNLISTED: {"author", "follower"},
        Visibility.PRIVATE: {"author", "follower"},
        Visibility.DIRECT: set(),
    },
}


@pytest.fixture
def cast(db: None) -> dict[str, Account | None]:
    ada = make_user("ada").account
    people: dict[str, Account | None] = {
        "author": ada,
        "follower": make_user("fay").account,
        "non_follower": make_user("nico").account,
        "mentioned": make_user("mia").account,
        "blocked_by_author": make_user("bob").account,
        "blocker_of_author": make_user("bea").account,
        "anonymous": None,
    }
    for name in ("follower", "blocked_by_author", "blocker_of_author"):
        follower = people[name]
        assert follower is not None
        graph.follow(actor=follower, target=ada)
    blocked, blocker = people["blocked_by_author"], people["blocker_of_author"]
    assert blocked is not None
    assert blocker is not None
    graph.block(actor=ada, target=blocked)
    graph.block(actor=blocker, target=ada)
    return people


def _ids(data: Any) -> set[str]:
    """Status ids in a list of statuses, a context, notifications or search results."""
    if isinstance(data, dict) and "descendants" in data:
        return {status["id"] for status in data["ancestors"] + data["descendants"]}
    if isinstance(data, dict) and "statuses" in data:
        return {status["id"] for status in data["statuses"]}
    if isinstance(data, dict):
        return {data["id"]} if "id" in data else set()
    return {
        (item["status"] or {}).get("id") if "type" in item and "status" in item else item["id"]
        for item in data
    }


@pytest.mark.parametrize("surface", list(EXPECTED))
@pytest.mark.parametrize("visibility", list(CAN_SEE))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_authorization_matrix(
    client: Client,
    cast: dict[str, Account | None],
    registered_app: RegisteredApp,
    django_capture_on_commit_callbacks: Any,
    surface: str,
    visibility: str,
    viewer: str,
) -> None:
    # Given ada's post (for "context", ada's reply under ray's public post)
    ada = cast["author"]
    assert ada is not None
    parent = None
    if surface == "context":
        parent = make_post(make_user("ray").account, "ray asks")
    with django_capture_on_commit_callbacks(execute=True):  # notifications are sent on commit
        post = make_post(
            ada,
            f"Secret words {visibility} @mia #matrix",
            visibility=visibility,
            in_reply_to=parent,
        )
    account = cast[viewer]
    headers = bearer(account.user, registered_app) if account is not None else {}

    # When the viewer reads the surface
    paths = {
        "status": f"/api/v1/statuses/{post.pk}",
        "context": f"/api/v1/statuses/{parent.pk if parent else 0}/context",
        "account_statuses": f"/api/v1/accounts/{ada.pk}/statuses",
        "home": "/api/v1/timelines/home",
        "public": "/api/v1/timelines/public",
        "tag": "/api/v1/timelines/tag/matrix",
        "notifications": "/api/v1/notifications",
        "search": "/api/v2/search?q=Secret&type=statuses",
    }
    response = client.get(paths[surface], headers=headers)

    # Then the post is there exactly when the table says so
    should_see = viewer in EXPECTED[surface][visibility]
    signed_in_only = surface in {"home", "notifications"}
    if surface == "status" and not should_see:
        assert response.status_code == 404, response.content
        assert response.json() == {"error": "Record not found"}
        return
    if signed_in_only and account is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content
    assert (str(post.pk) in _ids(response.json())) is should_see


# --- Moderated content --------------------------------------------------------------------------
# A suspended author's posts, and a removed post, vanish from every API surface, even for the
# follower who would otherwise see all of them.


@pytest.mark.parametrize("surface", [s for s in EXPECTED if s != "notifications"])
@pytest.mark.parametrize("moderation", ["suspend", "remove_post"])
def test_moderated_posts_vanish_from_every_api_surface(
    client: Client,
    cast: dict[str, Account | None],
    registered_app: RegisteredApp,
    surface: str,
    moderation: str,
) -> None:
    ada, fay = cast["author"], cast["follower"]
    assert ada is not None
    assert fay is not None
    parent = make_post(make_user("ray").account, "ray asks") if surface == "context" else None
    post = make_post(ada, "Secret words @mia #matrix", in_reply_to=parent)
    moderator = make_user("moira")
    moderator_grant(user=moderator)
    action_take(
        moderator=moderator,
        kind=moderation,
        account=ada,
        reason="Against rule 1",
        post=post if moderation == "remove_post" else None,
    )
    paths = {
        "status": f"/api/v1/statuses/{post.pk}",
        "context": f"/api/v1/statuses/{parent.pk if parent else 0}/context",
        "account_statuses": f"/api/v1/accounts/{ada.pk}/statuses",
        "home": "/api/v1/timelines/home",
        "public": "/api/v1/timelines/public",
        "tag": "/api/v1/timelines/tag/matrix",
        "search": "/api/v2/search?q=Secret&type=statuses",
    }
    response = client.get(paths[surface], headers=bearer(fay.user, registered_app))
    if surface == "status" or (surface == "account_statuses" and moderation == "suspend"):
        assert response.status_code == 404
        return
    assert response.status_code == 200, response.content
    assert str(post.pk) not in _ids(response.json())

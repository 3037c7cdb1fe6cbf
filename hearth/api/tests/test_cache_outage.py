"""With Redis unreachable (cache and home feeds), the client API still answers from the
database: the home timeline and posting work, degraded, never a 500."""

from typing import Any

from django.test import Client

from hearth.accounts.models import User
from hearth.graph import services as graph
from hearth.posts.tests.factories import make_post


def test_an_app_reads_the_home_and_posts_while_redis_is_down(
    client: Client, user: User, other_user: User, ana: dict[str, str], redis_down: Any
) -> None:
    # Given ana follows bruno, who posted, and Redis is down
    graph.follow(actor=user.account, target=other_user.account)
    post = make_post(other_user.account, "read from the database")

    # When her app reads her home, posts, and reads it again
    before = client.get("/api/v1/timelines/home", headers=ana)
    made = client.post(
        "/api/v1/statuses", {"status": "Still here"}, content_type="application/json", headers=ana
    )
    after = client.get("/api/v1/timelines/home", headers=ana)

    # Then every answer is served from the database
    assert before.status_code == 200
    assert [status["id"] for status in before.json()] == [str(post.pk)]
    assert made.status_code == 200
    assert made.json()["content"] == "<p>Still here</p>"
    assert after.status_code == 200
    assert [status["id"] for status in after.json()] == [made.json()["id"], str(post.pk)]

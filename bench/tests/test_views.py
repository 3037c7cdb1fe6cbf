import pytest

from bench.middleware import QueryCountMiddleware
from hearth.posts.services import post_create


@pytest.mark.django_db
def test_the_floor_is_not_in_the_real_urls(client):
    # given the shipped urlconf, when the floor is asked for, then it does not exist
    assert client.get("/bench/floor").status_code == 404


@pytest.mark.django_db
def test_the_floor_is_one_query_for_the_newest_twenty_posts(client, user, settings):
    # given 25 posts and the bench settings' urlconf and middleware
    account = user.account
    made = [post_create(author=account, text=f"post {n}", visibility="public") for n in range(25)]
    settings.ROOT_URLCONF = "bench.urls"
    settings.MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]

    # when the floor is asked for
    response = client.get("/bench/floor")

    # then it answers the newest 20 as JSON, from one query, and says so in X-Queries
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["posts"]]
    assert ids == [str(post.pk) for post in sorted(made, key=lambda p: -p.pk)[:20]]
    assert response["X-Queries"] == "1"


def test_the_middleware_counts_nothing_for_a_view_without_queries(rf):
    from django.http import HttpResponse

    response = QueryCountMiddleware(lambda request: HttpResponse("ok"))(rf.get("/"))
    assert response["X-Queries"] == "0"
